"""Estimate simworld's default intent policy from IARD's human-labelled seeker intents.

Writes ``simworld/data/intent_policy_iard.json``, the table that
:func:`simworld.latents.policy.load_policy_table` loads for ``intents.policy: iard``:

* ``start``: P(primary intent of the first seeker turn);
* ``transitions``: P(next seeker primary intent | previous seeker primary intent);
* ``after_action``: P(seeker primary intent | group of the recommender's latest action);
* ``close_on_accept``: of the dialogues with an accept, the share that end on the accepting
  turn (the goodbye said in it);
* ``accepted_per_dialogue`` (documentation): dialogues by number of accepted recommendations.

Every distribution is add-alpha smoothed over the 17 intents (IARD's 16 + CLOSE) so no
intent is impossible merely because the 207 dialogues never showed it. The CLOSE row of
``transitions`` is absorbing (CLOSE -> CLOSE = 1): the session ends on CLOSE, and the data
has no turn after it. Definitions and the resulting figures: docs/calibration.md.

Usage: ``python tools/estimate_intent_policy.py [--iard PATH] [--out PATH]``
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _shared_data import (
    IARD_PATH,
    INTENTS,
    IardUtterance,
    load_iard,
    read_json,
    seeker_primaries,
    source_entry,
    write_figures,
)

from simworld.calibration.chain import (
    ALPHA,
    GROUP_PRIORITY,
    action_group,
    close_on_accept,
    round_distribution,
    summary,
)
from simworld.errors import DataError
from simworld.latents.intents import CLOSE

OUT_PATH = Path(__file__).resolve().parents[1] / "simworld" / "data" / "intent_policy_iard.json"

# Recommender action -> context group (an utterance with several actions takes the group
# that comes first in GROUP_PRIORITY; anything not listed is OTHER): shared with
# ``simworld calibrate`` (simworld.calibration.chain), so both read IARD the same way.


def to_distribution(counts: Mapping[str, int], alpha: float = ALPHA) -> dict[str, float]:
    """Add-alpha smoothed distribution over INTENTS, rounded so it still sums to 1."""
    raw = np.array([counts.get(c, 0) + alpha for c in INTENTS], dtype=float)
    return round_distribution(dict(zip(INTENTS, raw / raw.sum(), strict=True)))


def absorbing_row(state: str) -> dict[str, float]:
    """A row that stays in ``state`` for ever."""
    return {c: (1.0 if c == state else 0.0) for c in INTENTS}


def estimate(path: Path = IARD_PATH, alpha: float = ALPHA) -> dict[str, Any]:
    """The intent-policy table estimated from one IARD file (see the module docstring)."""
    dialogues = load_iard(path)
    if not dialogues:
        raise DataError("no dialogues", file=str(path))
    start: Counter[str] = Counter()
    primary_counts: Counter[str] = Counter()
    pair_counts: dict[str, Counter[str]] = {c: Counter() for c in INTENTS}
    after: dict[str, Counter[str]] = {g: Counter() for g in GROUP_PRIORITY}
    seeker_labels: Counter[str] = Counter()
    recommender_labels: Counter[str] = Counter()
    turns: list[int] = []
    sequences: list[list[str]] = []
    for utterances in dialogues.values():
        for u in utterances:
            (seeker_labels if u.role == "seeker" else recommender_labels).update(u.labels)
        primaries = seeker_primaries(utterances)
        turns.append(len(primaries))
        sequences.append([p for _, p in primaries])
        if not primaries:
            continue
        start[primaries[0][1]] += 1
        primary_counts.update(p for _, p in primaries)
        for (_, prev), (_, nxt) in itertools.pairwise(primaries):
            pair_counts[prev][nxt] += 1
        primary_at = {u.pos: p for u, p in primaries}
        for group, intent in _after_action_pairs(utterances, primary_at):
            after[group][intent] += 1

    transitions = {
        c: (absorbing_row(CLOSE) if c == CLOSE else to_distribution(pair_counts[c], alpha))
        for c in INTENTS
    }
    return {
        "after_action": {g: to_distribution(after[g], alpha) for g in GROUP_PRIORITY},
        "after_action_n": {g: sum(after[g].values()) for g in GROUP_PRIORITY},
        "accepted_per_dialogue": accepted_per_dialogue(path),
        "alpha": alpha,
        "close_on_accept": close_on_accept(sequences),
        "intents": list(INTENTS),
        "label_counts": {
            "recommender": dict(recommender_labels),
            "seeker": dict(seeker_labels),
        },
        "n_dialogues": len(dialogues),
        "n_seeker_turns": sum(turns),
        "primary_counts": {c: primary_counts.get(c, 0) for c in INTENTS},
        "source": source_entry(path),
        "start": to_distribution(start, alpha),
        "transition_counts": {c: {d: pair_counts[c].get(d, 0) for d in INTENTS} for c in INTENTS},
        "transitions": transitions,
        "turns_per_dialogue": summary(turns),
    }


def accepted_per_dialogue(path: Path) -> dict[str, int]:
    """Dialogues by how many recommendations the seeker accepted (IARD's
    ``accepted_recommendation``): the source of the scenario default ``goal.films_wanted``."""
    raw = read_json(path)
    counts: Counter[int] = Counter()
    for record in raw.values():
        accepted = record.get("accepted_recommendation") if isinstance(record, dict) else None
        counts[len(accepted) if isinstance(accepted, list) else 0] += 1
    return {str(k): counts[k] for k in sorted(counts)}


def _after_action_pairs(
    utterances: list[IardUtterance], primary_at: Mapping[int, str]
) -> list[tuple[str, str]]:
    """(group of the latest recommender action, seeker primary intent) per seeker turn.

    Seeker turns before any recommender utterance have no such context and are skipped
    (the first of them is what ``start`` describes).
    """
    pairs: list[tuple[str, str]] = []
    last_group: str | None = None
    for u in utterances:
        if u.role == "recommender":
            last_group = action_group(u.labels) or "OTHER"
        elif last_group is not None:
            pairs.append((last_group, primary_at[u.pos]))
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iard", type=Path, default=IARD_PATH, help="IARD JSON file")
    parser.add_argument("--out", type=Path, default=OUT_PATH, help="where to write the table")
    args = parser.parse_args(argv)
    return write_figures(
        args.out,
        lambda: estimate(args.iard),
        lambda t: f"{t['n_dialogues']} dialogues, {t['n_seeker_turns']} seeker turns",
    )


if __name__ == "__main__":
    raise SystemExit(main())
