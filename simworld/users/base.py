"""What every user model receives and returns.

A user model turns (persona, traits, style, goal state, intent, slots, history) into the
text of one user turn. It never decides the intent or the slots -- the session does -- so the
latent labels stay true whatever writes the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from simworld.crs.protocol import CRSReply
from simworld.latents.persona import Persona, Style, Traits
from simworld.users.goal import GoalState, Slots


@dataclass(frozen=True, slots=True)
class Exchange:
    """One past turn, seen from the user's side."""

    user_text: str
    crs_text: str
    intent: str


@dataclass(slots=True)
class TurnContext:
    persona: Persona
    traits: Traits
    style: Style
    state: GoalState
    intent: str
    slots: Slots
    turn_index: int
    history: tuple[Exchange, ...]
    last_reply: CRSReply | None
    rng: np.random.Generator  # the session's generator: the only source of randomness


@dataclass(slots=True)
class Utterance:
    """A user turn's text plus what the model wants recorded about how it was made.

    ``meta`` keys become turn columns where the schema has them (``user_model``, ``mode``,
    ``prompt_hash``, ``tokens_in``, ``tokens_out``, ``gen_latency_ms``, ``guards``,
    ``fallback``, ``critic_score``...).
    """

    text: str
    meta: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class UserModel(Protocol):
    name: str

    async def respond(self, ctx: TurnContext) -> Utterance: ...

    async def aclose(self) -> None: ...
