"""INSPIRED importer (tab-separated, one utterance per row, header required).

Columns used (others are ignored):

==================  ========  ==============================================================
column              required  use
==================  ========  ==============================================================
``dialog_id``       yes       groups rows into dialogues (in order of first appearance)
``utt_id``          yes       integer; orders utterances within a dialogue
``speaker``         yes       ``SEEKER`` -> ``"user"``, ``RECOMMENDER`` -> ``"system"``
                              (case-insensitive)
``text``            yes       the utterance (``QUOTATION_MARK`` placeholders become ``"``)
``expert_label``    no        recommender's sociable strategy -> turn ``intents``
 / ``first_label``            (the released files and the paper's README name it differently)
``second_label``    no        optional second strategy -> turn ``intents``
``movies``          no        titles mentioned -> turn ``meta["movies"]``
``case``            no        outcome flag (accept_rating_good, reject, ...)
 / ``fine_label``             -> dialogue ``meta["case"]``
``coarse_label``    no        -> dialogue ``meta["coarse_case"]``
``movie_id``        no        recommended trailer's id -> dialogue ``meta["movie_id"]``
==================  ========  ==============================================================

Seeker rows carry no labels, so INSPIRED user turns have empty ``intents``. Consecutive
rows of one speaker are merged into one turn (joined by a space). A row with a different
number of fields than the header, an unknown speaker or a non-integer ``utt_id`` raises
DataError with its line number.
"""

from __future__ import annotations

import csv
from pathlib import Path

from simworld.datasets.base import (
    Dialogue,
    Message,
    Speaker,
    Where,
    merge_messages,
    read_text,
    show,
)

REQUIRED = ("dialog_id", "utt_id", "speaker", "text")
_SPEAKERS: dict[str, Speaker] = {"seeker": "user", "recommender": "system"}
_LABEL_COLUMNS = (("expert_label", "first_label"), ("second_label",))
_EMPTY = {"", "none", "nan", "null"}


def load_inspired(path: Path) -> list[Dialogue]:
    """Read an INSPIRED ``.tsv`` file into dialogues."""
    lines = read_text(path).splitlines()
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise Where(path, line=1).error(
            "", f"missing column(s) {', '.join(missing)}; INSPIRED needs {', '.join(REQUIRED)}"
        )
    col = {name: i for i, name in enumerate(header)}
    rows: dict[str, list[tuple[int, Message]]] = {}
    dmeta: dict[str, dict[str, str]] = {}
    for lineno, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        where = Where(path, line=lineno)
        if len(fields) != len(header):
            raise where.error("", f"expected {len(header)} tab-separated fields, got {len(fields)}")

        def get(name: str, fields: list[str] = fields) -> str:
            i = col.get(name)
            value = fields[i].strip() if i is not None else ""
            return "" if value.lower() in _EMPTY else value

        dialog_id = get("dialog_id")
        if not dialog_id:
            raise where.error("dialog_id", "empty")
        try:
            utt_id = int(get("utt_id"))
        except ValueError:
            raise where.error("utt_id", f"expected an integer, got {show(get('utt_id'))}") from None
        speaker = _SPEAKERS.get(get("speaker").lower())
        if speaker is None:
            raise where.error(
                "speaker", f'expected "SEEKER" or "RECOMMENDER", got {show(get("speaker"))}'
            )
        labels = tuple(
            label
            for names in _LABEL_COLUMNS
            for label in [next((get(n) for n in names if get(n)), "")]
            if label
        )
        text = get("text").replace("QUOTATION_MARK", '"')
        meta: dict[str, object] = {"utt_id": utt_id, "line": lineno}
        if get("movies"):
            meta["movies"] = get("movies")
        rows.setdefault(dialog_id, []).append((utt_id, Message(speaker, text, labels, meta)))
        info = dmeta.setdefault(dialog_id, {})
        for key, names in (
            ("case", ("case", "fine_label")),
            ("coarse_case", ("coarse_label",)),
            ("movie_id", ("movie_id",)),
        ):
            value = next((get(n) for n in names if get(n)), "")
            if value and key not in info:
                info[key] = value
    dialogues = []
    for dialog_id, msgs in rows.items():
        msgs.sort(key=lambda r: r[0])
        dialogue_meta: dict[str, object] = {"file": str(path), **dmeta[dialog_id]}
        turns = merge_messages(m for _, m in msgs)
        dialogues.append(Dialogue(dialog_id, "inspired", turns, dialogue_meta))
    return dialogues
