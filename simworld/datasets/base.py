"""The common shape of imported real dialogues, and the helpers every importer shares.

Every corpus (ReDial, IARD, INSPIRED, CRSArena-Dial, generic JSONL) is read into
:class:`Dialogue` objects made of :class:`DialogueTurn` objects, so metrics never care where
a dialogue came from. A *turn* is everything one speaker said before the other spoke:
chat corpora log messages, not turns, so consecutive messages of one speaker are merged
(:func:`merge_messages`). Speakers are ``"user"`` (the seeker) and ``"system"`` (the
recommender, human or CRS).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from simworld.errors import DataError

Speaker = Literal["user", "system"]
SPEAKERS: tuple[Speaker, ...] = ("user", "system")


@dataclass(frozen=True, slots=True)
class DialogueTurn:
    """One speaker's turn: merged text, labels (intents or actions, possibly none), extras."""

    speaker: Speaker
    text: str
    intents: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dialogue:
    """One conversation. ``source`` is the format name; ``meta`` holds corpus extras."""

    dialogue_id: str
    source: str
    turns: tuple[DialogueTurn, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def user_turns(self) -> tuple[DialogueTurn, ...]:
        return tuple(t for t in self.turns if t.speaker == "user")

    @property
    def labelled(self) -> bool:
        """True when at least one user turn carries an intent label."""
        return any(t.intents for t in self.user_turns)


@dataclass(frozen=True, slots=True)
class Message:
    """One raw chat message, before merging into turns."""

    speaker: Speaker
    text: str
    intents: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


def merge_messages(messages: Iterable[Message], *, joiner: str = " ") -> tuple[DialogueTurn, ...]:
    """Merge runs of messages by one speaker into turns.

    Texts are stripped and joined with ``joiner``; empty messages are dropped; intents are
    the ordered union of the messages' intents; ``meta`` is the first message's, plus
    ``n_messages`` (how many messages the turn merges).
    """
    turns: list[DialogueTurn] = []
    run: list[Message] = []

    def flush() -> None:
        if not run:
            return
        intents: list[str] = []
        for m in run:
            intents.extend(i for i in m.intents if i not in intents)
        meta = {**run[0].meta, "n_messages": len(run)}
        text = joiner.join(m.text for m in run)
        turns.append(DialogueTurn(run[0].speaker, text, tuple(intents), meta))
        run.clear()

    for msg in messages:
        text = msg.text.strip()
        if not text:
            continue
        if run and run[-1].speaker != msg.speaker:
            flush()
        run.append(Message(msg.speaker, text, msg.intents, msg.meta))
    flush()
    return tuple(turns)


def user_texts(dialogues: Sequence[Dialogue]) -> list[str]:
    """The text of every user turn, in dialogue order."""
    return [t.text for d in dialogues for t in d.turns if t.speaker == "user"]


# -- reading helpers shared by importers ----------------------------------------------


def read_text(path: Path) -> str:
    """The whole file as UTF-8 text; unreadable files become a DataError."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise DataError("expected a file, got a directory", file=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", file=str(path)) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None


def read_json(path: Path) -> Any:
    """Parse a JSON file; syntax errors name the line."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, value)`` for each non-blank line of a JSON Lines file."""
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", file=str(path), line=lineno) from None


def show(value: Any) -> str:
    """A short rendering of a bad value for error messages."""
    text = json.dumps(value) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_KIND_NAMES: dict[type, str] = {
    dict: "an object",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true/false",
}


def type_name(value: Any) -> str:
    """How a JSON value's type is called in messages ("an object", "a list"...)."""
    return _KIND_NAMES.get(type(value), type(value).__name__)


class Where:
    """Builds DataErrors for one record: a line number (JSONL/TSV) or a record key (JSON)."""

    def __init__(self, path: Path, *, line: int | None = None, record: str | None = None) -> None:
        self.path = path
        self.line = line
        self.record = record

    def error(self, field_path: str, message: str) -> DataError:
        prefix = f"record {self.record}: " if self.record is not None else ""
        where = f"{field_path}: " if field_path else ""
        return DataError(f"{prefix}{where}{message}", file=str(self.path), line=self.line)

    def expect(self, obj: Any, key: str, kind: type | tuple[type, ...], *, path: str = "") -> Any:
        """``obj[key]`` checked to be present and of ``kind``."""
        full = f"{path}.{key}" if path else key
        if not isinstance(obj, Mapping):
            raise self.error(path, f"expected an object, got {type_name(obj)}")
        if key not in obj:
            raise self.error(full, "missing")
        value = obj[key]
        if not isinstance(value, kind):
            names = kind if isinstance(kind, tuple) else (kind,)
            allowed = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in names)
            raise self.error(full, f"expected {allowed}, got {show(value)}")
        return value
