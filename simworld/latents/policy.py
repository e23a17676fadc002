"""The intent policy: a weighted ``networkx.DiGraph`` over intents, conditioned on the dialogue.

Nodes are intents; the edge ``a -> b`` carries ``weight = P(b | previous intent a)``
estimated from human-labelled IARD dialogues (``simworld/data/intent_policy_iard.json``,
made by ``tools/estimate_intent_policy.py``). The graph also holds the first-turn
distribution (node attribute ``start``) and ``P(intent | recommender's last action)``
(graph attribute ``after_action``). The next intent is drawn from a product of experts::

    w(b) = T[a][b] ** history_weight * A[ctx][b] ** context_weight * S[state][b] * m(b)

where ``S`` are goal-state multipliers (documented in :data:`STATE_MULTIPLIERS`: after a
recommendation that fits the goal ACC becomes likely, after a miss REJ/CRI do) and ``m``
the scenario's per-intent multipliers. Intents that make no sense in the state (accepting
when nothing was recommended, answering when nothing was asked) get weight 0.

The table's ``close_on_accept`` is the chance that the accepting turn also ends the session,
goodbye included (:meth:`IntentPolicy.ends_with`); a table without it never does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from simworld.errors import ConfigError
from simworld.latents.intents import CLOSE, DEFAULT_INTENTS, ITEM_INTENTS, START
from simworld.users.goal import GoalState

# Dialogue context -> recommender-action group of the estimated table.
CONTEXT_GROUP = {
    "start": "OTHER",
    "question": "QUESTION",
    "rec_match": "REC",
    "rec_seen": "REC",
    "rec_mismatch": "REC",
    "explain": "EXPLAIN",
    "other": "OTHER",
}

# Goal-state multipliers: how what the user *wants* bends the human base rates.
STATE_MULTIPLIERS: dict[str, dict[str, float]] = {
    "rec_match": {"ACC": 6.0, "INQ": 2.5, "REJ": 0.05, "CRI-F": 0.2, "CRI-A": 0.3, "CRI-C": 0.3},
    "rec_seen": {"SEE": 8.0, "REJ": 0.5},
    "rec_mismatch": {"REJ": 1.5, "CRI-F": 2.0, "CRI-A": 1.5, "CRI-C": 1.2, "CON": 1.5, "NRE": 1.0},
    "question": {"ANS": 4.0, "PRO": 1.5},
    "explain": {"ACC": 1.0},
    "other": {},
    "start": {},
}
#: On top of those, after accepting a film while wanting another (and no new list yet): ask
#: for more or say more of the taste (see also :data:`ASK_MORE_RATE`).
WANT_MORE_MULTIPLIERS: dict[str, float] = {"CON": 4.0, "PRO": 2.0, "CRI-A": 2.0}


#: Chance that a user who accepted a film and wants another asks for more (CON) right after
#: the CRS acknowledges the accept (otherwise the intent is drawn as usual: mostly a further
#: preference, a remark or a question). IARD's human recommenders usually offer the next film
#: unasked, so the data has no rate for this; it is a modelling choice.
ASK_MORE_RATE = 0.6


class IntentPolicy:
    """Chooses each turn's intent; pure given (state, rng)."""

    def __init__(
        self,
        graph: nx.DiGraph,
        *,
        history_weight: float = 1.0,
        context_weight: float = 1.0,
        multipliers: Mapping[str, float] | None = None,
        close_on_accept: float = 0.0,
    ) -> None:
        if not 0.0 <= close_on_accept <= 1.0:
            raise ConfigError.expected(
                "a share in [0, 1]", close_on_accept, field="intents.policy.close_on_accept"
            )
        self.close_on_accept = close_on_accept
        self.graph = graph
        self.intents: tuple[str, ...] = tuple(graph.nodes)
        self._idx = {c: i for i, c in enumerate(self.intents)}
        n = len(self.intents)
        self._start = np.array([graph.nodes[c].get("start", 0.0) for c in self.intents])
        self._trans = np.zeros((n, n))
        for a, b, w in graph.edges(data="weight", default=0.0):
            self._trans[self._idx[a], self._idx[b]] = w
        self._action = {
            g: np.array([dist.get(c, 0.0) for c in self.intents])
            for g, dist in graph.graph.get("after_action", {}).items()
        }
        self._mult = np.array([(multipliers or {}).get(c, 1.0) for c in self.intents])
        self._state = {
            ctx: np.array([m.get(c, 1.0) for c in self.intents])
            for ctx, m in STATE_MULTIPLIERS.items()
        }
        self._want_more = np.array([WANT_MORE_MULTIPLIERS.get(c, 1.0) for c in self.intents])
        self.history_weight = history_weight
        self.context_weight = context_weight

    def weights(self, prev: str, state: GoalState, turn_index: int) -> np.ndarray:
        """Unnormalised weights of every intent for the next turn."""
        ctx = state.context
        if prev == START:
            w = self._start.copy()
        else:
            w = (
                self._trans[self._idx[prev]] ** self.history_weight
                if prev in self._idx
                else (np.ones(len(self.intents)))
            )
            group = self._action.get(CONTEXT_GROUP[ctx])
            if group is not None:
                w = w * group**self.context_weight
        w = w * self._state[ctx] * self._mult * self._feasible(state, turn_index)
        if state.wants_more and ctx in ("other", "question"):
            w = w * self._want_more
        return np.asarray(w, dtype=np.float64)

    def _feasible(self, state: GoalState, turn_index: int) -> np.ndarray:
        ok = np.ones(len(self.intents))
        has_items = bool(state.last_items)
        all_said = state.next_facet() is None
        for i, c in enumerate(self.intents):
            if (
                (c in ITEM_INTENTS and not has_items)
                or (c == "ACC" and state.context != "rec_match")
                or (c == "SEE" and state.context != "rec_seen")
                # The answer to the CRS's first "what are you looking for?" is the initial
                # query (IARD labels it IQU); ANS answers questions asked after it.
                or (c == "ANS" and (state.context != "question" or state.revealed == 0))
                or (c in ("CON", "REF", "STO", "CRI-C") and not state.recommended)
                or (c == "IQU" and turn_index > 1)
            ):
                ok[i] = 0.0
            elif c == CLOSE:
                ok[i] = 0.0  # closing is decided by the goal state, see choose()
            elif c in ("PRO", "CRI-A") and all_said:
                ok[i] = 0.3
        return ok

    def ends_with(self, intent: str, state: GoalState, rng: np.random.Generator) -> bool:
        """Whether a turn of ``intent`` also ends the session: the accept of the last film
        the user wants, with the goodbye said in the same turn, at the table's
        ``close_on_accept`` rate (IARD: 0.44 of the dialogues with an accept end on it).
        Draws from ``rng`` only for such an accept."""
        if (
            intent != "ACC"
            or self.close_on_accept <= 0.0
            or CLOSE not in self._idx
            or len(state.accepted) + 1 < state.goal.films_wanted
        ):
            return False
        return bool(rng.random() < self.close_on_accept)

    def choose(self, prev: str, state: GoalState, turn_index: int, rng: np.random.Generator) -> str:
        if CLOSE in self._idx and (state.done or state.exhausted):
            # After accepting, most people say goodbye at once; some chat first.
            chat = state.success and prev != "OTH" and "OTH" in self._idx
            return "OTH" if chat and rng.random() >= 0.75 else CLOSE
        if (
            state.wants_more
            and prev == "ACC"
            and state.context in ("other", "question")
            and "CON" in self._idx
            and rng.random() < ASK_MORE_RATE
        ):
            # The CRS acknowledged the accept and waits: a user who wants another film asks.
            return "CON"
        w = self.weights(prev, state, turn_index)
        total = w.sum()
        if total <= 0:
            # Nothing fits (a custom taxonomy can cause this): fall back to the feasible set.
            w = self._feasible(state, turn_index) * self._mult
            total = w.sum()
            if total <= 0:
                return CLOSE if CLOSE in self._idx else self.intents[0]
        return self.intents[int(rng.choice(len(w), p=w / total))]


def load_policy_table(source: str = "iard") -> dict[str, Any]:
    """The estimated tables: ``"iard"`` for the bundled ones, or a path to a JSON file."""
    if source == "iard":
        ref = resources.files("simworld.data").joinpath("intent_policy_iard.json")
        return dict(json.loads(ref.read_text(encoding="utf-8")))
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"cannot read policy file {source!r}: {exc}", field="intents.policy"
        ) from None
    for key in ("intents", "start", "transitions"):
        if key not in data:
            raise ConfigError(
                f"policy file {source!r} lacks {key!r}; see docs/calibration.md for the format",
                field="intents.policy",
            )
    return dict(data)


def build_graph(table: Mapping[str, Any], exclude: tuple[str, ...] = ()) -> nx.DiGraph:
    """The policy graph from an estimated table, without the ``exclude``d intents."""
    intents = [c for c in table["intents"] if c not in exclude]
    g = nx.DiGraph(
        after_action={
            grp: {c: p for c, p in dist.items() if c in intents}
            for grp, dist in table.get("after_action", {}).items()
        }
    )
    for c in intents:
        g.add_node(c, start=float(table["start"].get(c, 0.0)))
    for a in intents:
        row = table["transitions"].get(a, {})
        for b in intents:
            p = float(row.get(b, 0.0))
            if p > 0:
                g.add_edge(a, b, weight=p)
    return g


def make_policy(
    source: str = "iard",
    *,
    exclude: tuple[str, ...] = (),
    multipliers: Mapping[str, float] | None = None,
    history_weight: float = 1.0,
    context_weight: float = 1.0,
) -> IntentPolicy:
    table = load_policy_table(source)
    known = set(table["intents"])
    for name, where in (
        (exclude, "intents.exclude"),
        (tuple(multipliers or ()), "intents.weights"),
    ):
        for code in name:
            if code not in known:
                raise ConfigError(
                    f"unknown intent {code!r}; the taxonomy has {', '.join(table['intents'])}",
                    field=where,
                )
    if CLOSE in exclude:
        raise ConfigError("CLOSE cannot be excluded: sessions end on it", field="intents.exclude")
    close_on_accept = table.get("close_on_accept", 0.0)
    if isinstance(close_on_accept, bool) or not isinstance(close_on_accept, int | float):
        raise ConfigError.expected(
            "a share in [0, 1]", close_on_accept, field="intents.policy.close_on_accept"
        )
    return IntentPolicy(
        build_graph(table, exclude),
        history_weight=history_weight,
        context_weight=context_weight,
        multipliers=multipliers,
        close_on_accept=float(close_on_accept),
    )


__all__ = ["DEFAULT_INTENTS", "IntentPolicy", "build_graph", "load_policy_table", "make_policy"]
