"""The generic JSON Lines dialogue format: bring any corpus by converting it to this.

One dialogue per line::

    {"dialogue_id": "d1",
     "turns": [{"speaker": "user", "text": "any good sci-fi?", "intent": "IQU"},
               {"speaker": "system", "text": "Have you seen Alien?"},
               {"speaker": "user", "text": "seen it", "intent": ["SEE"]}],
     "meta": {"anything": "kept as dialogue meta"}}

- ``dialogue_id``: string (required, unique within the file);
- ``turns``: list (required); each turn has ``speaker`` (``"user"`` or ``"system"``),
  ``text`` (string), optional ``intent`` (a label or a list of labels), optional ``meta``
  (object, kept as the turn's meta);
- ``meta``: optional object, kept as the dialogue's meta.

Consecutive turns of one speaker are merged (joined by a space). Blank lines are skipped.
Every error names the file, the line and the field, e.g.
``real.jsonl:3: turns[1].speaker: expected "user" or "system", got "bot"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simworld.datasets.base import (
    SPEAKERS,
    Dialogue,
    Message,
    Where,
    iter_jsonl,
    merge_messages,
    show,
)


def load_jsonl(path: Path) -> list[Dialogue]:
    """Read a generic dialogue JSONL file."""
    dialogues: list[Dialogue] = []
    seen: dict[str, int] = {}
    for lineno, obj in iter_jsonl(path):
        where = Where(path, line=lineno)
        if not isinstance(obj, Mapping):
            raise where.error("", f"expected a dialogue object, got {show(obj)}")
        dialogue_id = where.expect(obj, "dialogue_id", str)
        if dialogue_id in seen:
            raise where.error(
                "dialogue_id", f"{show(dialogue_id)} already used on line {seen[dialogue_id]}"
            )
        seen[dialogue_id] = lineno
        messages = [
            _turn(turn, where, f"turns[{i}]")
            for i, turn in enumerate(where.expect(obj, "turns", list))
        ]
        meta: dict[str, Any] = {"file": str(path), "line": lineno}
        extra = obj.get("meta", {})
        if not isinstance(extra, Mapping):
            raise where.error("meta", f"expected an object, got {show(extra)}")
        meta.update(extra)
        dialogues.append(Dialogue(dialogue_id, "jsonl", merge_messages(messages), meta))
    return dialogues


def _turn(turn: Any, where: Where, base: str) -> Message:
    speaker = where.expect(turn, "speaker", str, path=base)
    if speaker not in SPEAKERS:
        raise where.error(f"{base}.speaker", f'expected "user" or "system", got {show(speaker)}')
    text = where.expect(turn, "text", str, path=base)
    intent = turn.get("intent")
    if intent is None:
        intents: tuple[str, ...] = ()
    elif isinstance(intent, str):
        intents = (intent,) if intent.strip() else ()
    elif isinstance(intent, list) and all(isinstance(i, str) for i in intent):
        intents = tuple(i for i in intent if i.strip())
    else:
        raise where.error(
            f"{base}.intent", f"expected a label or a list of labels, got {show(intent)}"
        )
    meta = turn.get("meta", {})
    if not isinstance(meta, Mapping):
        raise where.error(f"{base}.meta", f"expected an object, got {show(meta)}")
    return Message("user" if speaker == "user" else "system", text, intents, dict(meta))
