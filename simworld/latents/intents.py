"""The turn-level latent: the taxonomy of user intents.

The default taxonomy is the IARD seeker-intent taxonomy (Cai & Chen, UMAP 2020) plus an
explicit closing intent ``CLOSE`` (IARD files closing turns under OTH; simworld keeps them
apart because the session ends on them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IntentDef:
    code: str
    group: str
    description: str


IARD_INTENTS: tuple[IntentDef, ...] = (
    IntentDef("IQU", "ask_for_rec", "initial query: ask for a recommendation"),
    IntentDef("CON", "ask_for_rec", "continue: ask for more suggestions"),
    IntentDef("REF", "ask_for_rec", "reformulate the current request"),
    IntentDef("STO", "ask_for_rec", "start over with a new request"),
    IntentDef("PRO", "add_details", "provide a preference"),
    IntentDef("ANS", "add_details", "answer the recommender's question"),
    IntentDef("ASK", "add_details", "ask the recommender's opinion"),
    IntentDef("SEE", "feedback", "say they have seen the recommended item"),
    IntentDef("ACC", "feedback", "accept the recommendation"),
    IntentDef("REJ", "feedback", "reject the recommendation"),
    IntentDef("INQ", "feedback", "inquire about the recommended item"),
    IntentDef("CRI-F", "feedback", "critique a feature of the recommended item"),
    IntentDef("CRI-A", "feedback", "add a constraint"),
    IntentDef("CRI-C", "feedback", "ask for something similar, to compare"),
    IntentDef("NRE", "feedback", "neutral response"),
    IntentDef("OTH", "other", "greetings, thanks, chit-chat"),
    IntentDef("CLOSE", "other", "end the conversation (thanks and goodbye, or giving up)"),
)

DEFAULT_INTENTS: tuple[str, ...] = tuple(i.code for i in IARD_INTENTS)
CLOSE = "CLOSE"
START = "<start>"  # pseudo-intent before the first turn

# Intents that refer to an item the CRS just recommended.
ITEM_INTENTS = frozenset({"SEE", "ACC", "REJ", "INQ", "CRI-F", "CRI-C", "NRE"})
# Intents that reveal one more of the goal's preferences.
FACET_INTENTS = frozenset({"IQU", "PRO", "ANS", "REF", "CRI-A", "STO"})
