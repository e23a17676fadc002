"""One conversation between one simulated user and one endpoint.

:func:`run_session` is pure in the tau2-bench sense: no config parsing, no registry, no
global state, no I/O besides the endpoint client and the user model it is handed. It never
raises for faults of the CRS or the user model: every session ends with a
:class:`~simworld.records.TerminationReason` and its rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simworld.catalog import Catalog, normalize
from simworld.crs.client import CRSClient
from simworld.crs.protocol import CRSReply
from simworld.errors import SimworldError
from simworld.latents.intents import CLOSE, START
from simworld.latents.persona import Persona, Style, Traits
from simworld.latents.policy import IntentPolicy
from simworld.records import TerminationReason
from simworld.users.base import Exchange, TurnContext, UserModel
from simworld.users.goal import Goal, GoalState, make_state


@dataclass(frozen=True, slots=True)
class SessionSpec:
    """Everything one session needs to know; built by the runner."""

    run_id: str
    session_id: str
    agent_id: str
    endpoint: str
    tick: int
    persona: Persona
    traits: Traits
    style: Style
    goal: Goal
    seen_items: frozenset[str]
    max_turns: int
    timeout_s: float
    max_consecutive_errors: int = 3
    goal_source: str = "own"  # "friend": the target is a film a neighbour accepted
    returning: bool = False  # the agent had a session before
    hint: str | None = None  # passed to the opening turn's slots (see Slots.hint)
    hint_title: str = ""


@dataclass(slots=True)
class SessionResult:
    session: dict[str, Any]
    turns: list[dict[str, Any]] = field(default_factory=list)
    state: GoalState | None = None

    @property
    def termination(self) -> str:
        return str(self.session["termination"])


_TURN_META = (
    "mode",
    "prompt_hash",
    "tokens_in",
    "tokens_out",
    "gen_latency_ms",
    "critic_score",
    "n_candidates",
    "select_ms",
)


async def run_session(
    spec: SessionSpec,
    *,
    user_model: UserModel,
    client: CRSClient,
    policy: IntentPolicy,
    catalog: Catalog,
    rng: np.random.Generator,
) -> SessionResult:
    """Run one conversation to its end; see the module docstring."""
    state = make_state(spec.goal, catalog, spec.seen_items, spec.traits.patience_turns)
    turns: list[dict[str, Any]] = []
    history: list[Exchange] = []
    intents: list[str] = []
    started = time.perf_counter()
    termination = TerminationReason.MAX_TURNS
    error: str | None = None
    n_errors = 0
    consecutive_errors = 0
    target_key = normalize(spec.goal.target.title)
    try:
        async with asyncio.timeout(spec.timeout_s):
            prev = START
            last_reply: CRSReply | None = None
            for turn_index in range(spec.max_turns):
                context = state.context  # the dialogue state the intent is chosen in
                intent = policy.choose(prev, state, turn_index, rng)
                slots = state.plan(intent, rng)
                slots.closing = policy.ends_with(intent, state, rng)
                if turn_index == 0 and spec.hint:
                    slots.hint, slots.hint_title = spec.hint, spec.hint_title
                ctx = TurnContext(
                    persona=spec.persona,
                    traits=spec.traits,
                    style=spec.style,
                    state=state,
                    intent=intent,
                    slots=slots,
                    turn_index=turn_index,
                    history=tuple(history),
                    last_reply=last_reply,
                    rng=rng,
                )
                try:
                    utt = await user_model.respond(ctx)
                except SimworldError as exc:
                    termination, error = TerminationReason.USER_MODEL_ERROR, str(exc)
                    break
                leaked = (
                    not state.target_mentioned_by_crs
                    and bool(target_key)
                    and f" {target_key} " in f" {normalize(utt.text)} "
                )
                reply = await client.turn(spec.session_id, spec.agent_id, utt.text)
                state.observe(turn_index, intent, slots, reply)
                intents.append(intent)
                turns.append(
                    _turn_row(
                        spec, turn_index, intent, context, slots, utt.text, utt.meta, reply, leaked
                    )
                )
                history.append(Exchange(utt.text, reply.text, intent))
                last_reply, prev = reply, intent
                if not reply.ok:
                    n_errors += 1
                    consecutive_errors += 1
                    if consecutive_errors >= spec.max_consecutive_errors:
                        termination = TerminationReason.ENDPOINT_ERROR
                        error = f"{reply.error}: {reply.error_detail or ''}".strip(": ")
                        break
                else:
                    consecutive_errors = 0
                if intent == CLOSE or slots.closing:
                    termination = (
                        TerminationReason.GOAL_REACHED
                        if state.success
                        else TerminationReason.USER_QUIT
                    )
                    break
                if reply.done:
                    termination = TerminationReason.CRS_DONE
                    break
    except TimeoutError:
        termination = TerminationReason.TIMEOUT
    except asyncio.CancelledError:
        # The runner cancels in-flight sessions on interrupt and collects what they did.
        termination = TerminationReason.CANCELLED
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
    if termination not in (TerminationReason.CANCELLED, TerminationReason.TIMEOUT):
        await client.end_session(spec.session_id)
    duration_ms = (time.perf_counter() - started) * 1000
    session = _session_row(
        spec, state, termination, intents, n_errors, error, duration_ms, user_model.name
    )
    return SessionResult(session=session, turns=turns, state=state)


def satisfaction(state: GoalState, n_turns: int, max_turns: int, traits: Traits) -> float:
    """The user's own rating of the session in [0, 1] (a latent outcome, recorded)."""
    if state.success:
        base = 0.7 + 0.3 * max(0.0, 1.0 - max(n_turns - 2, 0) / max(max_turns, 1))
    else:
        helpful = 1.0 - state.unhelpful_turns / max(n_turns, 1)
        base = 0.1 + 0.35 * max(helpful, 0.0)
    base += {"negative": -0.08, "neutral": 0.0, "positive": 0.08}[traits.mood]
    return float(min(1.0, max(0.0, base)))


def _turn_row(
    spec: SessionSpec,
    turn_index: int,
    intent: str,
    context: str,
    slots: Any,
    text: str,
    meta: dict[str, object],
    reply: CRSReply,
    leaked: bool,
) -> dict[str, Any]:
    facet = slots.facet or slots.reason
    guards = meta.get("guards")
    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "session_id": spec.session_id,
        "agent_id": spec.agent_id,
        "endpoint": spec.endpoint,
        "tick": spec.tick,
        "turn_index": turn_index,
        "intent": intent,
        "context": context,
        "facet_kind": facet.kind if facet else None,
        "facet_value": (facet.title or facet.value) if facet else None,
        "slot_item_id": slots.item.id if slots.item else None,
        "user_text": text,
        "crs_text": reply.text,
        "items": [it.id for it in reply.items],
        "item_scores": [float(it.score) for it in reply.items],
        "crs_done": reply.done,
        "latency_ms": reply.latency_ms,
        "status": reply.status,
        "error": reply.error,
        "error_detail": reply.error_detail,
        "attempts": reply.attempts,
        "target_in_items": any(it.id == spec.goal.target.item_id for it in reply.items),
        "target_named_by_user": leaked,
        "user_model": str(meta.get("user_model", "")) or None,
        "guards": list(guards)
        if isinstance(guards, Sequence) and not isinstance(guards, str)
        else [],
        "fallback": bool(meta.get("fallback", False)),
        "closing": intent == CLOSE or slots.closing,
    }
    for key in _TURN_META:
        row[key] = meta.get(key)
    return row


def _session_row(
    spec: SessionSpec,
    state: GoalState,
    termination: TerminationReason,
    intents: list[str],
    n_errors: int,
    error: str | None,
    duration_ms: float,
    user_model: str,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "run_id": spec.run_id,
        "session_id": spec.session_id,
        "agent_id": spec.agent_id,
        "endpoint": spec.endpoint,
        "tick": spec.tick,
        **spec.persona.as_columns(),
        **spec.traits.as_columns(),
        "persona_text": spec.persona.describe(),
        "goal_item_id": spec.goal.target.item_id,
        "goal_item_title": spec.goal.target.display_title,
        "goal_facets": [f"{f.kind}={f.title or f.value}" for f in spec.goal.facets],
        "facets_revealed": state.revealed,
        "termination": str(termination),
        "success": state.success,
        "accepted_item_id": state.accepted_item,
        "accepted_item_ids": list(state.accepted),
        "goal_films_wanted": spec.goal.films_wanted,
        "target_recommended": state.target_rank is not None,
        "target_rank": state.target_rank,
        "first_rec_turn": state.first_rec_turn,
        "n_turns": len(intents),
        "n_errors": n_errors,
        "error": error,
        "intents": intents,
        "satisfaction": satisfaction(state, len(intents), spec.max_turns, spec.traits),
        "duration_ms": duration_ms,
        "user_model": user_model,
        "goal_source": spec.goal_source,
        "returning": spec.returning,
        "hint": spec.hint,
    }
    return row
