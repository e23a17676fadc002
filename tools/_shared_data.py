"""Locating and reading the real corpora that simworld's default calibration comes from.

The corpora live beside the project (``../shared/data`` from the repository root), never
inside it: the calibration scripts read them, the package only ships the statistics. This
module holds what both scripts share: where the data is, a content hash for provenance,
the IARD reader and the *primary intent* rule, and the text normalisation of movie
mentions. Every malformed input raises :class:`simworld.errors.DataError` naming the file
and the record.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simworld.errors import DataError, SimworldError
from simworld.latents.intents import CLOSE, DEFAULT_INTENTS

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
IARD_PATH = DATA_DIR / "iard" / "iard_dev.json"
REDIAL_PATHS = (
    DATA_DIR / "redial" / "train_subset_kgsf_valid.jsonl",
    DATA_DIR / "redial" / "train_subset_kepler.jsonl",
)
REDIAL_MOVIES_PATH = DATA_DIR / "redial" / "movies_with_mentions.csv"

# The 17 intents in their canonical order (IARD's 16 seeker intents + CLOSE).
INTENTS: tuple[str, ...] = DEFAULT_INTENTS
OTH = "OTH"

# Placeholder that replaces a movie mention before words are counted: one mention = one word.
MOVIE_TOKEN = "MOVIE_REF"
# ReDial marks a mention as "@<movieId>"; IARD as "@<movieId> <Title (year)>".
REDIAL_MENTION = re.compile(r"@\d+")
IARD_MENTION = re.compile(r"@\d+(?:\s*<[^<>]*>)?")
# IARD joins a sender's consecutive chat messages with "...".
IARD_JOIN = "..."


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (provenance of every calibrated figure)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 16), b""):
                digest.update(block)
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    return digest.hexdigest()


def source_entry(path: Path) -> dict[str, str]:
    """``{"file": name, "sha256": hash}``: names an input without the machine's paths."""
    return {"file": path.name, "sha256": sha256_file(path)}


def read_json(path: Path) -> Any:
    """A whole JSON file, with errors that name it."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-blank line (a missing final newline is fine)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", file=str(path), line=number) from None
        if not isinstance(row, dict):
            raise DataError("expected a JSON object", file=str(path), line=number)
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class IardUtterance:
    """One IARD utterance (a sender's merged messages) with its sub-intent/action labels."""

    pos: int
    role: str  # "seeker" | "recommender"
    labels: tuple[str, ...]
    text: str


def load_iard(path: Path) -> dict[str, list[IardUtterance]]:
    """IARD dialogues by conversation id (sorted), utterances in ``utterance_pos`` order."""
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise DataError("expected an object keyed by conversation id", file=str(path))
    dialogues: dict[str, list[IardUtterance]] = {}
    for cid in sorted(raw, key=_conversation_key):
        record = raw[cid]
        info = record.get("dialogue_info") if isinstance(record, dict) else None
        if not isinstance(info, dict):
            raise DataError(f"dialogue {cid}: missing object 'dialogue_info'", file=str(path))
        utterances = [_utterance(path, cid, key, value) for key, value in info.items()]
        utterances.sort(key=lambda u: u.pos)
        dialogues[cid] = utterances
    return dialogues


def _conversation_key(cid: str) -> tuple[int, str]:
    return (int(cid), cid) if cid.isdigit() else (1 << 62, cid)


def _utterance(path: Path, cid: str, key: str, value: Any) -> IardUtterance:
    where = f"dialogue {cid}, utterance {key}"
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected an object", file=str(path))
    pos = value.get("utterance_pos")
    role = value.get("role")
    labels = value.get("sub-intent/action", [])
    text = value.get("utterance_text", "")
    if not isinstance(pos, int):
        raise DataError(f"{where}: 'utterance_pos' must be an integer, got {pos!r}", file=str(path))
    if role not in ("seeker", "recommender"):
        raise DataError(
            f"{where}: 'role' must be seeker or recommender, got {role!r}", file=str(path)
        )
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise DataError(f"{where}: 'sub-intent/action' must be a list of strings", file=str(path))
    if not isinstance(text, str):
        raise DataError(f"{where}: 'utterance_text' must be a string", file=str(path))
    if role == "seeker":
        unknown = [x for x in labels if x not in INTENTS or x == CLOSE]
        if unknown:
            raise DataError(
                f"{where}: unknown seeker intent {unknown[0]!r}; expected one of "
                + ", ".join(INTENTS[:-1]),
                file=str(path),
            )
    return IardUtterance(pos=pos, role=role, labels=tuple(labels), text=text)


def primary_intent(labels: tuple[str, ...]) -> str:
    """A seeker utterance's primary intent: its first non-OTH label, else OTH."""
    return next((x for x in labels if x != OTH), OTH)


def seeker_primaries(utterances: list[IardUtterance]) -> list[tuple[IardUtterance, str]]:
    """Each seeker utterance with its primary intent, the closing one re-labelled CLOSE.

    The last seeker utterance of a dialogue whose labels are all OTH (thanks, goodbye) is
    re-labelled CLOSE: IARD files closings under OTH, simworld keeps them apart because the
    session ends on them. An utterance without labels counts as OTH.
    """
    seekers = [u for u in utterances if u.role == "seeker"]
    out = [(u, primary_intent(u.labels)) for u in seekers]
    if out:
        last = out[-1][0]
        if set(last.labels) <= {OTH}:
            out[-1] = (last, CLOSE)
    return out


def normalise_iard_text(text: str) -> str:
    """IARD text in ReDial's shape: mentions -> placeholder, "..." joins -> a space."""
    return IARD_MENTION.sub(f" {MOVIE_TOKEN} ", text).replace(IARD_JOIN, " ")


def normalise_redial_text(text: str) -> str:
    """ReDial text with every ``@id`` mention replaced by the placeholder word."""
    return REDIAL_MENTION.sub(f" {MOVIE_TOKEN} ", text)


def write_figures(
    out: Path, produce: Callable[[], dict[str, Any]], summary: Callable[[dict[str, Any]], str]
) -> int:
    """A tool's last step: ``produce()`` the figures and write them to ``out`` (exit code 0,
    one line with ``summary``), or print the input's error in one line (exit code 2)."""
    try:
        figures = produce()
    except SimworldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_json(out, figures)
    print(f"wrote {out}: {summary(figures)}")
    return 0


def write_json(path: Path, data: Any) -> None:
    """Canonical JSON (sorted keys, 2-space indent, final newline), written atomically."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
