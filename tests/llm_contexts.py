"""Turn contexts for the LLM user-model tests: a tiny catalog, one goal, a few turns.

The catalog and dialogue lines are written for these tests (no corpus text).
"""

from __future__ import annotations

import numpy as np

from simworld.catalog import Catalog, Item
from simworld.crs.protocol import CRSReply, RecItem
from simworld.latents.persona import Persona, Style, Traits
from simworld.users.base import Exchange, TurnContext
from simworld.users.goal import Facet, Goal, GoalState, make_state

ITEMS = (
    Item("m1", "Harbor Lights", 1994, ("Drama", "Romance"), ("slow",), 40.0),
    Item("m2", "Night Circuit", 1999, ("Thriller", "Sci-Fi"), ("twist",), 90.0),
    Item("m3", "Paper Moons", 2001, ("Comedy",), ("quirky",), 55.0),
    Item("m4", "The Quiet Orchard", 1996, ("Drama", "Mystery"), ("twist",), 30.0),
    Item("m5", "Signal Fires", 1997, ("Thriller", "Mystery"), ("twist", "dark"), 70.0),
    Item("m6", "Lantern Street", 1985, ("Horror",), ("dark",), 20.0),
)
TARGET = ITEMS[4]  # "Signal Fires"


def catalog() -> Catalog:
    return Catalog(ITEMS, source="<test>")


def goal() -> Goal:
    return Goal(
        target=TARGET,
        facets=(
            Facet("genre", "Thriller"),
            Facet("decade", "1990"),
            Facet("tag", "twist"),
            Facet("like", "m2", "Night Circuit"),
        ),
        accept_threshold=0.8,
        disliked_genres=("Horror",),
    )


def persona() -> Persona:
    return Persona("25-34", "nurse", ("Thriller", "Mystery"), ("Horror",), "any")


def new_state() -> GoalState:
    return make_state(goal(), catalog(), frozenset({"m1"}), 4)


def context(
    state: GoalState,
    intent: str,
    turn_index: int,
    history: tuple[Exchange, ...] = (),
    last_reply: CRSReply | None = None,
    seed: int = 0,
    verbosity: str = "average",
) -> TurnContext:
    rng = np.random.default_rng(seed)
    slots = state.plan(intent, rng)
    return TurnContext(
        persona=persona(),
        traits=Traits(verbosity=verbosity),
        style=Style(),
        state=state,
        intent=intent,
        slots=slots,
        turn_index=turn_index,
        history=history,
        last_reply=last_reply,
        rng=rng,
    )


def dialogue(seed: int = 0) -> list[TurnContext]:
    """Contexts of a short session: a request, a preference, a rejection, an inquiry, a close.

    The CRS replies are fixed; the state is updated as the session layer would.
    """
    state = new_state()
    replies = [
        CRSReply("Sure! Any particular decade you like?"),
        CRSReply(
            "You could try Lantern Street or Paper Moons.",
            items=(RecItem("m6", "Lantern Street", 0.4), RecItem("m3", "Paper Moons", 0.3)),
        ),
        CRSReply(
            "Then how about Night Circuit?", items=(RecItem("m2", "Night Circuit", 0.7),)
        ),
        CRSReply("It is a tense thriller with a twist at the end."),
    ]
    intents = ["IQU", "PRO", "REJ", "INQ", "CLOSE"]
    said = [
        "hey, could you find me a good thriller?",
        "the nineties would be nice",
        "not that one, I really can't stand horror",
        "what is it about?",
    ]
    out: list[TurnContext] = []
    history: list[Exchange] = []
    last: CRSReply | None = None
    for i, intent in enumerate(intents):
        ctx = context(state, intent, i, tuple(history), last, seed=seed * 100 + i)
        out.append(ctx)
        if i < len(replies):
            user_text = said[i]
            state.observe(i, intent, ctx.slots, replies[i])
            history.append(Exchange(user_text, replies[i].text, intent))
            last = replies[i]
    return out
