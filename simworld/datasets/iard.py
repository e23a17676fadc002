"""IARD importer (one JSON object keyed by ReDial conversation id).

Layout read::

    {"<conversationId>": {
        "accepted_recommendation": [utterance_pos, ...],
        "dialogue_info": {"S1": {"utterance_pos": 1, "role": "seeker", "utterance_text": "...",
                                 "sub-intent/action": ["OTH", "IQU"],
                                 "top-level intent/action": [...], "worker_id": ...},
                          "R2": {...}, ...}}}

- ``role`` seeker -> ``"user"``, recommender -> ``"system"``; utterances are ordered by
  ``utterance_pos``.
- ``DialogueTurn.intents`` holds the *sub-intent* labels (seekers: IQU, PRO, ACC, REJ, ...;
  recommenders: REC-S, EXP-I, ...) -- the human labels metrics compare against. Top-level
  labels go to ``meta["top_level"]``; ``meta["pos"]`` keeps the utterance position.
- ``@124485 <Spaceballs (1987)>`` mentions become the title as shown, ``Spaceballs (1987)``
  (the same form the ReDial importer produces).
- IARD already merged consecutive messages, joining them with "..." and no space after
  ("hi...I like comedies", "a comedy....Thanks"): such a join becomes a space (after a
  message's own final mark, that mark and a space), as the other importers join messages,
  so a comparison does not tell real from simulated turns by the join (38% of IARD seeker
  turns held one). An ellipsis followed by a space ("well... maybe") is kept as typed.
  Turns are merged again anyway in case two utterances of one role follow each other.

Dialogue ``meta``: ``file``, ``accepted`` (utterance positions of accepted recommendations).
Errors name the record key, e.g. ``record "474": dialogue_info.S3.role: ...``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from simworld.datasets.base import (
    Dialogue,
    Message,
    Speaker,
    Where,
    merge_messages,
    read_json,
    show,
)

_MENTION = re.compile(r"@\d+\s*<([^<>]*)>")
_JOIN = re.compile(r"\s*(\.?)\.\.\.(?=[^\s.])")
_SPACES = re.compile(r"[ \t]+")
_ROLES: dict[str, Speaker] = {"seeker": "user", "recommender": "system"}
SUB = "sub-intent/action"
TOP = "top-level intent/action"


def normalize_mentions(text: str) -> str:
    """Replace ``@id <Title (year)>`` by ``Title (year)``."""
    return _MENTION.sub(lambda m: _SPACES.sub(" ", m.group(1)).strip(), text)


def unjoin(text: str) -> str:
    """Undo IARD's "..." message joins: ``"hi...I like"`` -> ``"hi I like"``, ``"film....Thanks"``
    -> ``"film. Thanks"``; ``"well... maybe"`` (a typed ellipsis) is left alone."""
    return _JOIN.sub(lambda m: f"{m.group(1)} " if m.group(1) else " ", text).strip()


def load_iard(path: Path) -> list[Dialogue]:
    """Read an IARD JSON file; malformed records raise DataError naming the record key."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise Where(path).error("", "expected an object keyed by conversation id")
    return [_parse(str(key), rec, Where(path, record=show(str(key)))) for key, rec in data.items()]


def _parse(conv_id: str, rec: Any, where: Where) -> Dialogue:
    info = where.expect(rec, "dialogue_info", dict)
    accepted = rec.get("accepted_recommendation", [])
    if not isinstance(accepted, list):
        raise where.error("accepted_recommendation", f"expected a list, got {show(accepted)}")
    rows: list[tuple[int, Message]] = []
    for key, utt in info.items():
        base = f"dialogue_info.{key}"
        role = where.expect(utt, "role", str, path=base)
        if role not in _ROLES:
            raise where.error(
                f"{base}.role", f'expected "seeker" or "recommender", got {show(role)}'
            )
        text = where.expect(utt, "utterance_text", str, path=base)
        pos = where.expect(utt, "utterance_pos", int, path=base)
        rows.append(
            (
                pos,
                Message(
                    _ROLES[role],
                    unjoin(normalize_mentions(text)),
                    _labels(utt, SUB, where, base),
                    {"pos": pos, "top_level": _labels(utt, TOP, where, base)},
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    meta = {"file": str(where.path), "accepted": [a for a in accepted if isinstance(a, int)]}
    return Dialogue(conv_id, "iard", merge_messages(m for _, m in rows), meta)


def _labels(utt: dict[str, Any], key: str, where: Where, base: str) -> tuple[str, ...]:
    value = utt.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(f"{base}.{key}", f"expected a list of labels, got {show(value)}")
    return tuple(v.strip() for v in value if v.strip())
