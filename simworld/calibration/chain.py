"""The intent chain of a corpus: start and transition weights between user intents.

The output has the shape of ``simworld/data/intent_policy_iard.json`` (``intents``,
``start``, ``transitions``, ``after_action`` plus documentation fields), so the policy
loader (:func:`simworld.latents.policy.make_policy`) reads it unchanged. The estimate mirrors
``tools/estimate_intent_policy.py``:

- a user turn's *primary* intent is its first label other than OTH, else OTH; the last user
  turn of a dialogue whose labels are all OTH is re-labelled CLOSE (IARD files closings
  under OTH; simworld ends sessions on CLOSE);
- ``close_on_accept``: of the dialogues with an accept, the share whose last turn is one
  (the goodbye said in the accepting turn; see :func:`close_on_accept`);
- every distribution is add-alpha smoothed over the taxonomy (``alpha = 0.5``) and rounded
  to 4 decimals by largest remainder; the CLOSE row is absorbing;
- ``after_action``: P(intent | group of the system's latest action) when system turns carry
  action labels (IARD's REC-S, REQ, ...); otherwise the bundled IARD table is kept and
  ``after_action_source`` says so.

Without intent labels, :func:`predict_intents` labels the real user turns with an intent
classifier trained on simulated turns (whose intents are known by construction).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from simworld.datasets import Dialogue
from simworld.latents.intents import CLOSE, DEFAULT_INTENTS

ALPHA = 0.5
DECIMALS = 4
OTH = "OTH"
ACTION_GROUPS: dict[str, str] = {
    "REC-S": "REC",
    "REC-E": "REC",
    "REQ": "QUESTION",
    "CLQ": "QUESTION",
    "EXP-I": "EXPLAIN",
    "EXP-P": "EXPLAIN",
    "EXP-S": "EXPLAIN",
}
GROUP_PRIORITY: tuple[str, ...] = ("REC", "QUESTION", "EXPLAIN", "OTHER")


def action_group(labels: Iterable[str]) -> str | None:
    """The highest-priority context group among a recommender turn's action labels
    (``REC`` > ``QUESTION`` > ``EXPLAIN`` > ``OTHER``); None for a turn with no labels."""
    groups = {ACTION_GROUPS.get(lab, "OTHER") for lab in labels}
    return next((g for g in GROUP_PRIORITY if g in groups), None)


def primary_intent(labels: Iterable[str]) -> str:
    """The first label of the taxonomy other than OTH, else OTH (unknown labels ignored)."""
    known = [lab for lab in labels if lab in DEFAULT_INTENTS]
    return next((lab for lab in known if lab != OTH), OTH)


def labelled_intents(dialogues: Sequence[Dialogue]) -> list[list[str]]:
    """Each dialogue's user turns as primary intents (closing OTH turn -> CLOSE)."""
    out: list[list[str]] = []
    for d in dialogues:
        turns = d.user_turns
        seq = [primary_intent(t.intents) for t in turns]
        if seq and set(turns[-1].intents) <= {OTH}:
            seq[-1] = CLOSE
        out.append(seq)
    return out


def predict_intents(
    dialogues: Sequence[Dialogue],
    sim_texts: Sequence[str],
    sim_labels: Sequence[str],
    *,
    seed: int = 0,
) -> list[list[str]]:
    """Each dialogue's user turns labelled by a classifier trained on simulated turns.

    CLOSE is only kept on a dialogue's last turn (elsewhere it reads as OTH); a last turn
    predicted OTH becomes CLOSE, as with human labels.
    """
    from simworld.metrics.classify import keep_frequent, text_classifier

    texts, labels = keep_frequent(list(sim_texts), list(sim_labels), 2)
    if len(set(labels)) < 2:
        raise ValueError("need simulated turns of at least two intents to label real turns")
    model = text_classifier(seed=seed).fit(texts, labels)
    flat = [t.text for d in dialogues for t in d.user_turns]
    predicted = [str(p) for p in model.predict(flat)] if flat else []
    out: list[list[str]] = []
    pos = 0
    for d in dialogues:
        n = len(d.user_turns)
        seq = [OTH if lab == CLOSE else lab for lab in predicted[pos : pos + n]]
        pos += n
        if seq and seq[-1] == OTH:
            seq[-1] = CLOSE
        out.append(seq)
    return out


def close_on_accept(intents: Sequence[Sequence[str]]) -> float:
    """Of the dialogues with an accepting turn, the share that end on one: the seeker
    accepts and says goodbye in the same turn (IARD labels it ACC+OTH) instead of closing
    in a turn of its own. 0.0 when no dialogue accepts anything."""
    accepting = [seq for seq in intents if "ACC" in seq]
    if not accepting:
        return 0.0
    return round(sum(seq[-1] == "ACC" for seq in accepting) / len(accepting), DECIMALS)


def action_pairs(
    dialogues: Sequence[Dialogue], intents: Sequence[Sequence[str]]
) -> list[tuple[str, str]]:
    """(group of the latest system action, user intent) for every user turn after a
    labelled system turn."""
    pairs: list[tuple[str, str]] = []
    for d, seq in zip(dialogues, intents, strict=True):
        group: str | None = None
        k = 0
        for turn in d.turns:
            if turn.speaker == "system":
                group = action_group(turn.intents)
            else:
                if group is not None and k < len(seq):
                    pairs.append((group, seq[k]))
                k += 1
    return pairs


def estimate_chain(
    intents: Sequence[Sequence[str]],
    pairs: Sequence[tuple[str, str]] = (),
    *,
    default_after_action: Mapping[str, Mapping[str, float]] | None = None,
    labels_source: str = "corpus",
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """The policy table of ``intents`` (one sequence per dialogue); see the module docstring."""
    codes = list(DEFAULT_INTENTS)
    start: Counter[str] = Counter()
    primary: Counter[str] = Counter()
    pair_counts: dict[str, Counter[str]] = {c: Counter() for c in codes}
    for seq in intents:
        if not seq:
            continue
        start[seq[0]] += 1
        primary.update(seq)
        for prev, nxt in itertools.pairwise(seq):
            pair_counts[prev][nxt] += 1
    after: dict[str, Counter[str]] = {g: Counter() for g in GROUP_PRIORITY}
    for group, intent in pairs:
        after[group][intent] += 1
    lengths = [len(s) for s in intents if s]
    table: dict[str, Any] = {
        "intents": codes,
        "start": _smoothed(start, codes, alpha),
        "transitions": {
            c: (
                {d: float(d == CLOSE) for d in codes}
                if c == CLOSE
                else _smoothed(pair_counts[c], codes, alpha)
            )
            for c in codes
        },
        "close_on_accept": close_on_accept(intents),
        "alpha": alpha,
        "labels_source": labels_source,
        "n_dialogues": len(lengths),
        "n_user_turns": int(sum(lengths)),
        "primary_counts": {c: primary.get(c, 0) for c in codes},
        "transition_counts": {c: {d: pair_counts[c].get(d, 0) for d in codes} for c in codes},
        "turns_per_dialogue": summary(lengths),
    }
    if pairs:
        table["after_action"] = {g: _smoothed(after[g], codes, alpha) for g in GROUP_PRIORITY}
        table["after_action_n"] = {g: sum(after[g].values()) for g in GROUP_PRIORITY}
        table["after_action_source"] = "corpus"
    elif default_after_action is not None:
        table["after_action"] = {g: dict(v) for g, v in default_after_action.items()}
        table["after_action_source"] = "bundled IARD table (the corpus has no system actions)"
    return table


def _smoothed(counts: Mapping[str, int], codes: Sequence[str], alpha: float) -> dict[str, float]:
    raw = np.array([counts.get(c, 0) + alpha for c in codes], dtype=float)
    return round_distribution(dict(zip(codes, raw / raw.sum(), strict=True)))


def round_distribution(probs: Mapping[str, float], decimals: int = DECIMALS) -> dict[str, float]:
    """Round to ``decimals`` by largest remainder so the values still sum to exactly 1."""
    scale = 10**decimals
    keys = list(probs)
    exact = np.array([probs[k] * scale for k in keys], dtype=float)
    units = np.floor(exact + 1e-9).astype(int)
    missing = scale - int(units.sum())
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - units[i]), i))
    for i in order[: max(missing, 0)]:
        units[i] += 1
    return {k: int(u) / scale for k, u in zip(keys, units, strict=True)}


def summary(values: Sequence[int]) -> dict[str, float]:
    """Mean, median, 10th and 90th percentile (numpy's linear interpolation); {} if empty."""
    if not values:
        return {}
    arr = np.asarray(values, dtype=float)
    return {
        "mean": round(float(arr.mean()), DECIMALS),
        "median": round(float(np.median(arr)), DECIMALS),
        "p10": round(float(np.quantile(arr, 0.1)), DECIMALS),
        "p90": round(float(np.quantile(arr, 0.9)), DECIMALS),
    }
