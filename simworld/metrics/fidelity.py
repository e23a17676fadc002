"""Are the simulated turns faithful to their latent labels, without spelling them out?

- :func:`intent_fidelity`: an intent classifier trained on some sessions' turns predicts the
  intent of held-out sessions' turns from their text. High macro-F1 = the text expresses
  the intent it was generated for (labels are true); the confusion matrix shows which
  intents read alike.
- :func:`label_leaks`: share of user turns that copy latent *labels* into the text: intent
  codes ("IQU", "CRI-F"), the persona's occupation or age band, trait names ("verbosity",
  "cooperativeness"), goal facet syntax ("genre=Comedy"). Real users never write these; a leak
  makes labels trivially learnable and the text unrealistic.
- :func:`persona_separability`: can a session's persona/trait values be predicted from its
  user text (cross-validated accuracy vs the majority-class baseline)? Traits meant to
  shape the text (verbosity, politeness, mood) should be separable; near-baseline accuracy
  means the latent has no visible effect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from simworld.latents.intents import DEFAULT_INTENTS
from simworld.latents.persona import TRAIT_LEVELS
from simworld.metrics.classify import text_classifier

_CODES = re.compile(
    r"(?<![A-Za-z-])(?:"
    + "|".join(re.escape(c) for c in sorted(DEFAULT_INTENTS, key=len)[::-1])
    + r")(?![A-Za-z-])"
)
# Trait names nobody uses in a chat about films ("mood" and "patience" are everyday words:
# "I'm in the mood for...", "thanks for your patience").
_EVERYDAY = {"mood", "patience"}
_TRAIT_NAMES = re.compile(
    r"\b(?:" + "|".join(sorted(set(TRAIT_LEVELS) - _EVERYDAY)) + r"|persona|latent|trait|traits)\b",
    re.IGNORECASE,
)
_FACET_SYNTAX = re.compile(r"\b(?:genre|decade|era|tag|like|avoid)\s*=\s*\w", re.IGNORECASE)
LEAK_KINDS = ("intent_code", "occupation", "age_band", "trait_name", "facet_syntax")

SEPARABILITY_ATTRIBUTES = (
    "persona_age_band",
    "persona_occupation",
    "persona_era",
    *(f"trait_{name}" for name in TRAIT_LEVELS),
)


def intent_fidelity(
    turns: Sequence[Mapping[str, Any]], *, seed: int = 0, test_share: float = 0.2
) -> dict[str, Any]:
    """Macro-F1 of predicting turns' ``intent`` from ``user_text`` on held-out sessions.

    ``turns`` are rows with ``session_id``, ``intent`` and ``user_text``. Sessions (not
    turns) are split, so a session's phrasing cannot leak between train and test. Returns
    ``{"macro_f1", "accuracy", "per_class", "labels", "confusion", "n_test"}``; NaN F1 when
    there are fewer than two intents or too few sessions.
    """
    from sklearn.metrics import confusion_matrix, f1_score

    rows = [r for r in turns if r.get("intent") and (r.get("user_text") or "").strip()]
    sessions = sorted({str(r["session_id"]) for r in rows})
    out: dict[str, Any] = {
        "macro_f1": float("nan"),
        "accuracy": float("nan"),
        "per_class": {},
        "labels": [],
        "confusion": [],
        "n_test": 0,
    }
    if len(sessions) < 2:
        return out
    rng = np.random.default_rng(seed)
    n_test = min(max(1, round(len(sessions) * test_share)), len(sessions) - 1)
    test_ids = {sessions[i] for i in rng.permutation(len(sessions))[:n_test]}
    train = [r for r in rows if str(r["session_id"]) not in test_ids]
    test = [r for r in rows if str(r["session_id"]) in test_ids]
    train_labels = sorted({str(r["intent"]) for r in train})
    if len(train_labels) < 2 or not test:
        return out
    model = text_classifier(seed=seed).fit(
        [r["user_text"] for r in train], [str(r["intent"]) for r in train]
    )
    gold = [str(r["intent"]) for r in test]
    predicted = [str(p) for p in model.predict([r["user_text"] for r in test])]
    labels = sorted(set(gold) | set(train_labels))
    scored = sorted(set(gold))
    per = f1_score(gold, predicted, labels=scored, average=None, zero_division=0)
    out.update(
        macro_f1=float(np.mean(per)),
        accuracy=float(np.mean([g == p for g, p in zip(gold, predicted, strict=True)])),
        per_class={lab: float(v) for lab, v in zip(scored, per, strict=True)},
        labels=labels,
        confusion=confusion_matrix(gold, predicted, labels=labels).tolist(),
        n_test=len(test),
    )
    return out


def turn_leaks(text: str, session: Mapping[str, Any]) -> list[str]:
    """The kinds of latent label found in one user turn (see :data:`LEAK_KINDS`)."""
    kinds = []
    if _CODES.search(text):
        kinds.append("intent_code")
    lowered = text.lower()
    occupation = str(session.get("persona_occupation") or "").strip().lower()
    if occupation and re.search(rf"\b{re.escape(occupation)}\b", lowered):
        kinds.append("occupation")
    age = str(session.get("persona_age_band") or "").strip()
    if age and any(ch.isdigit() for ch in age) and age in text:
        kinds.append("age_band")
    if _TRAIT_NAMES.search(text):
        kinds.append("trait_name")
    if _FACET_SYNTAX.search(text):
        kinds.append("facet_syntax")
    return kinds


def label_leaks(
    turns: Sequence[Mapping[str, Any]], sessions: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Share of user turns leaking any latent label, and the share per kind.

    ``sessions`` maps session_id -> its row (for the persona fields). Returns
    ``{"rate", "by_kind": {kind: rate}, "n_turns"}``.
    """
    texts = [(str(r.get("user_text") or ""), str(r.get("session_id"))) for r in turns]
    texts = [(t, s) for t, s in texts if t.strip()]
    counts = dict.fromkeys(LEAK_KINDS, 0)
    leaking = 0
    for text, sid in texts:
        kinds = turn_leaks(text, sessions.get(sid, {}))
        leaking += bool(kinds)
        for kind in kinds:
            counts[kind] += 1
    n = len(texts)
    return {
        "rate": leaking / n if n else float("nan"),
        "by_kind": {k: (v / n if n else float("nan")) for k, v in counts.items()},
        "n_turns": n,
    }


def persona_separability(
    session_texts: Mapping[str, str],
    sessions: Mapping[str, Mapping[str, Any]],
    *,
    attributes: Sequence[str] = SEPARABILITY_ATTRIBUTES,
    seed: int = 0,
    folds: int = 5,
    max_sessions: int = 3000,
) -> dict[str, dict[str, float]]:
    """Cross-validated accuracy of predicting each attribute from a session's user text.

    ``session_texts`` maps session_id -> the session's user turns joined. Returns
    ``{attribute: {"accuracy", "majority", "n"}}`` for attributes with at least two values
    having ``folds`` sessions each (others are skipped).
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    rng = np.random.default_rng(seed)
    ids = sorted(sid for sid, text in session_texts.items() if text.strip() and sid in sessions)
    if len(ids) > max_sessions:
        ids = sorted(rng.choice(ids, size=max_sessions, replace=False).tolist())
    out: dict[str, dict[str, float]] = {}
    for attr in attributes:
        raw = [(session_texts[s], sessions[s].get(attr)) for s in ids]
        pairs = [(t, str(v)) for t, v in raw if v is not None and not isinstance(v, list)]
        counts: dict[str, int] = {}
        for _, v in pairs:
            counts[v] = counts.get(v, 0) + 1
        pairs = [(t, v) for t, v in pairs if counts[v] >= folds]
        if len({v for _, v in pairs}) < 2:
            continue
        y = [v for _, v in pairs]
        cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        model = text_classifier(style=True, balanced=False, seed=seed)
        scores = cross_val_score(model, [t for t, _ in pairs], y, cv=cv, scoring="accuracy")
        majority = max(y.count(v) for v in set(y)) / len(y)
        out[attr] = {"accuracy": float(np.mean(scores)), "majority": majority, "n": len(y)}
    return out
