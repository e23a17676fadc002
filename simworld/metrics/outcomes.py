"""How the CRS fared with the simulated users: success, speed to success, target recall.

Definitions (sessions are rows of the ``sessions`` table, turns rows of ``turns``):

- ``success_rate``: share of sessions with ``success``;
- ``success_at[T]``: share of sessions that succeeded within ``T`` user turns
  (``success`` and ``n_turns <= T``), for ``T = 1 .. max_turns``;
- ``turns_to_success_mean/median``: ``n_turns`` of successful sessions;
- ``recall_at[k]``: share of sessions whose target was recommended at rank ``<= k``
  (``target_rank``: 1-based position of the target in the first reply listing it; null =
  never recommended);
- ``first_turn_success``: share of sessions whose first CRS reply already contained the
  target (``target_in_items`` of the session's lowest ``turn_index``);
- ``target_leak_rate``: share of sessions where the user named the target before the CRS
  did (any turn with ``target_named_by_user``) -- such sessions measure the CRS's title
  matching, not its recommending, so success and recall are also re-scored on the
  leak-free sessions (``*_leak_free``);
- ``termination``: share of sessions per termination reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from simworld.latents.persona import TRAIT_LEVELS

RECALL_KS = (1, 5, 10)
MAX_T = 50


def _rate(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def _recall(sessions: Sequence[Mapping[str, Any]], k: int) -> float:
    return _rate(
        [s.get("target_rank") is not None and int(s["target_rank"]) <= k for s in sessions]
    )


def leaked_sessions(turns: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids of sessions with at least one turn where the user named the target first."""
    return {str(t["session_id"]) for t in turns if t.get("target_named_by_user")}


def outcomes(
    sessions: Sequence[Mapping[str, Any]],
    turns: Sequence[Mapping[str, Any]],
    *,
    ks: Sequence[int] = RECALL_KS,
    max_t: int | None = None,
) -> dict[str, Any]:
    """All outcome metrics (see the module docstring); rates are NaN with no sessions."""
    n_turns = [int(s.get("n_turns") or 0) for s in sessions]
    success = [bool(s.get("success")) for s in sessions]
    top = max_t if max_t is not None else min(max(n_turns, default=0), MAX_T)
    won = [n for n, ok in zip(n_turns, success, strict=True) if ok]
    first: dict[str, tuple[int, bool]] = {}
    for t in turns:
        sid, idx = str(t["session_id"]), int(t.get("turn_index") or 0)
        if sid not in first or idx < first[sid][0]:
            first[sid] = (idx, bool(t.get("target_in_items")))
    leaked = leaked_sessions(turns)
    clean = [s for s in sessions if str(s["session_id"]) not in leaked]
    terminations = Counter(str(s.get("termination")) for s in sessions)
    n = len(sessions)
    return {
        "n_sessions": n,
        "success_rate": _rate(success),
        "success_at": {
            t: _rate([ok and k <= t for ok, k in zip(success, n_turns, strict=True)])
            for t in range(1, top + 1)
        },
        "turns_to_success_mean": float(np.mean(won)) if won else float("nan"),
        "turns_to_success_median": float(np.median(won)) if won else float("nan"),
        "mean_turns": float(np.mean(n_turns)) if n_turns else float("nan"),
        "recall_at": {k: _recall(sessions, k) for k in ks},
        "first_turn_success": _rate([hit for _, hit in first.values()]),
        "target_leak_rate": len(leaked & {str(s["session_id"]) for s in sessions}) / n
        if n
        else float("nan"),
        "success_rate_leak_free": _rate([bool(s.get("success")) for s in clean]),
        "recall_at_leak_free": {k: _recall(clean, k) for k in ks},
        "termination": {k: v / n for k, v in sorted(terminations.items())},
    }


def success_by_segment(
    sessions: Sequence[Mapping[str, Any]], attributes: Sequence[str]
) -> dict[str, dict[str, tuple[float, int]]]:
    """``{attribute: {value: (success rate, n sessions)}}`` for persona/trait columns."""
    out: dict[str, dict[str, tuple[float, int]]] = {}
    for attr in attributes:
        groups: dict[str, list[bool]] = {}
        for s in sessions:
            value = s.get(attr)
            if value is None or isinstance(value, list):
                continue
            groups.setdefault(str(value), []).append(bool(s.get("success")))
        if groups:
            levels = TRAIT_LEVELS.get(attr.removeprefix("trait_"), ())
            order = sorted(
                groups, key=lambda v: (levels.index(v) if v in levels else len(levels), v)
            )
            out[attr] = {v: (_rate(groups[v]), len(groups[v])) for v in order}
    return out
