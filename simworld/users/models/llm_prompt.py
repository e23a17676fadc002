"""Rendering the latents into chat messages for LLM user models (the RecLLM recipe).

The session latent (persona, traits, the preferences of the goal) becomes *standing
instructions*; the turn latent (intent + slots, plus a length target in words) becomes a
*per-turn instruction*. The latents stay the ground-truth labels: the LLM only writes the
words, it never chooses what the turn does.

Two layouts place these in an OpenAI-style ``messages`` list:

``"assistant"`` -- for ordinary assistant-tuned chat models (SmolLM2, GPT, Llama-Instruct...).
    The model is *told to play the user*, and the roles are flipped so that it speaks in its
    own (``assistant``) role as the simulated user::

        system     standing instructions (who you are, what you want, how you write)
        user       "(The recommender is waiting for your first message.)"
        assistant  simulated user's turn 0
        user       CRS reply 0
        assistant  simulated user's turn 1
        ...
        user       last CRS reply + "\\n\\n[Your next message: <per-turn instruction>]"

    The opening ``user`` message keeps strict user/assistant alternation, which many chat
    templates require; the per-turn instruction rides on the last ``user`` message, closest
    to where the model writes.

``"user_lm"`` -- for *user language models* trained to write the user's side (e.g.
    microsoft/UserLM-8b). Roles are *not* flipped: the simulated user's turns are ``user``
    (the role such a model generates) and the CRS's turns are ``assistant``. All steering --
    persona, goal, this turn's intent, slots and length -- is in the ``system`` message, the
    place where such models read their task::

        system     standing instructions + "This turn: <per-turn instruction>"
        user       simulated user's turn 0
        assistant  CRS reply 0
        ...
        assistant  last CRS reply            (the server's chat template adds the user header)

Draft mode adds the template model's draft to the per-turn instruction, to be rewritten in
the persona's voice (it carries the intent and the slots, so the labels stay true).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from simworld.catalog import normalize
from simworld.latents.intents import IARD_INTENTS
from simworld.users.base import Exchange, TurnContext
from simworld.users.goal import Facet

LAYOUTS = ("assistant", "user_lm")
MODES = ("free", "draft")

Message = dict[str, str]

OPENING = "(The recommender is waiting for your first message.)"
_DESCRIPTIONS = {d.code: d.description for d in IARD_INTENTS}

# What each intent asks the user to say. ``{item}`` is the recommended title the turn is
# about, ``{facet}`` the preference revealed this turn, ``{reason}`` why an item misses.
_INTENT_TEXT: Mapping[str, str] = {
    "IQU": "Ask for a movie recommendation{facet_clause}.",
    "CON": "Ask for more suggestions, other than the ones already given.",
    "REF": "Rephrase what you are looking for{facet_clause}.",
    "STO": "Start over with a new request{facet_clause}.",
    "PRO": "Tell them one of your preferences: {facet}.",
    "ANS": "Answer their question: {facet}.",
    "ASK": "Ask for their own opinion{item_about}.",
    "SEE": "Say that you have already seen {item}.",
    "ACC": "Accept {item}: say you will watch it.",
    "REJ": "Turn down {item}{reason_clause}.",
    "INQ": "Ask a question about {item} (what it is about, who is in it, or how it is).",
    "CRI-F": "Criticise something about {item}{reason_clause}.",
    "CRI-A": "Add a requirement to your request: {facet}.",
    "CRI-C": "Ask for something similar to {item}.",
    "NRE": "Give a short neutral reaction to {item}.",
    "OTH": "Make small talk: a greeting, thanks or a friendly remark.",
}

RULES = (
    "You are the person looking for a movie, not the assistant. Write only your own next "
    "message, in the first person, as in a casual online chat. Never recommend movies, never "
    "offer help, never ask what the other person likes, and never say you are an AI. "
    "Do not name a specific movie you secretly want; only say what the instruction asks."
)


@dataclass(frozen=True, slots=True)
class Prompt:
    """A rendered prompt: the messages to send and what they were made from."""

    messages: tuple[Message, ...]
    instruction: str  # the per-turn instruction (also inside ``messages``)
    target_words: int
    layout: str

    @property
    def hash(self) -> str:
        return prompt_hash(self.messages)


def prompt_hash(messages: Sequence[Mapping[str, str]]) -> str:
    """sha256 of the messages (canonical JSON), first 16 hex characters."""
    blob = json.dumps(list(messages), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


# -- the session latent ----------------------------------------------------------------


def describe_facet(facet: Facet) -> str:
    """One preference in plain words (``genre=Comedy`` -> ``you want a comedy``)."""
    value = facet.value
    if facet.kind == "genre":
        return f"you want {_article(value)} {value.lower()} movie"
    if facet.kind == "decade":
        return f"you would like a movie from the {value}s"
    if facet.kind == "era":
        return {
            "classic": "you would like an older movie, a classic",
            "recent": "you would like a recent movie",
        }.get(value, "the release date does not matter to you")
    if facet.kind == "tag":
        return f"you would like something {value}"
    if facet.kind == "like":
        return f"you liked {facet.title or value}"
    if facet.kind == "avoid":
        return f"you do not want {value.lower()}"
    return f"{facet.kind}: {value}"


def standing_instructions(ctx: TurnContext) -> str:
    """Persona, traits and what the user has asked for so far (never the target title)."""
    said = [describe_facet(f) for f in ctx.state.goal.facets[: ctx.state.revealed]]
    parts = [
        "You are chatting with a movie recommender because you want a movie to watch.",
        ctx.persona.describe(),
        ctx.traits.describe(),
    ]
    if said:
        parts.append("So far you have told the recommender: " + "; ".join(said) + ".")
    parts.append(RULES)
    return " ".join(parts)


# -- the turn latent -------------------------------------------------------------------


def describes(intent: str) -> bool:
    """Whether :func:`turn_instruction` has words for ``intent`` (the bundled taxonomy); an
    intent of a scenario's own taxonomy has none, so its draft must say what it is for."""
    return intent == "CLOSE" or intent in _INTENT_TEXT or intent in _DESCRIPTIONS


def turn_instruction(ctx: TurnContext, target_words: int, draft: str | None = None) -> str:
    """What this turn must say (intent + slots) and how long it should be."""
    slots = ctx.slots
    item = f'"{slots.item.title}"' if slots.item is not None else "the last suggestion"
    facet = describe_facet(slots.facet) if slots.facet is not None else ""
    reason = describe_facet(slots.reason) if slots.reason is not None else ""
    if ctx.intent == "CLOSE":
        what = (
            "End the conversation: thank them and say goodbye, you have found your movie."
            if slots.accepted
            else "End the conversation: you give up, you did not find what you wanted."
        )
    else:
        template = _INTENT_TEXT.get(ctx.intent)
        if template is None:
            desc = _DESCRIPTIONS.get(ctx.intent, ctx.intent)
            template = f"Your message should {desc}."
        what = template.format(
            item=item,
            facet=facet or "say what you are in the mood for",
            facet_clause=f" ({facet})" if facet else "",
            reason_clause=f", because {reason}" if reason else "",
            item_about=f" about {item}" if slots.item is not None else "",
        )
    if slots.closing and ctx.intent != "CLOSE":
        what += " Then thank them and say goodbye: you are done."
    if draft:
        # The draft already carries the intent and slots; small models follow one short
        # instruction better than two.
        return f'Say this in your own words, in about {target_words} words: "{draft}"'
    return f"{what} Write about {target_words} words."


def last_suggestions(ctx: TurnContext) -> str:
    """The titles the CRS just recommended but did not write in its text (replies may list
    items apart from the text), as a note; empty when the text already names them."""
    reply = ctx.last_reply
    if reply is None or not reply.items:
        return ""
    said = f" {normalize(reply.text)} "
    missing = [it.title for it in reply.items[:5] if f" {normalize(it.title)} " not in said]
    if not missing:
        return ""
    return "(Suggested: " + ", ".join(f'"{t}"' for t in missing) + ".)"


# -- layouts ---------------------------------------------------------------------------


def render(
    ctx: TurnContext,
    *,
    target_words: int,
    layout: str = "assistant",
    draft: str | None = None,
    max_history: int = 8,
) -> Prompt:
    """The chat messages for this turn in ``layout`` (see the module docstring).

    ``max_history`` keeps only the most recent exchanges so small context windows suffice.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout: expected one of {', '.join(LAYOUTS)}, got {layout!r}")
    instruction = turn_instruction(ctx, target_words, draft)
    history = ctx.history[-max_history:] if max_history > 0 else ()
    system = standing_instructions(ctx)
    note = last_suggestions(ctx)
    if layout == "assistant":
        messages = _assistant_layout(system, history, instruction, note)
    else:
        messages = _user_lm_layout(system, history, instruction, note)
    return Prompt(tuple(messages), instruction, target_words, layout)


def _assistant_layout(
    system: str, history: Sequence[Exchange], instruction: str, note: str
) -> list[Message]:
    msgs: list[Message] = [{"role": "system", "content": system}]
    crs_last = OPENING
    for ex in history:
        msgs.append({"role": "user", "content": crs_last})
        msgs.append({"role": "assistant", "content": ex.user_text})
        crs_last = ex.crs_text or "(no reply)"
    tail = "\n".join(p for p in (crs_last, note) if p)
    msgs.append({"role": "user", "content": f"{tail}\n\n[Your next message: {instruction}]"})
    return msgs


def _user_lm_layout(
    system: str, history: Sequence[Exchange], instruction: str, note: str
) -> list[Message]:
    steer = f"{system}\n\nThis turn: {instruction}"
    if note:
        steer += f" {note}"
    msgs: list[Message] = [{"role": "system", "content": steer}]
    for ex in history:
        msgs.append({"role": "user", "content": ex.user_text})
        msgs.append({"role": "assistant", "content": ex.crs_text or "(no reply)"})
    return msgs


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
