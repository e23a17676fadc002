"""Importers for real conversational-recommendation corpora.

``load_dialogues(path, fmt)`` reads one file in one of :data:`FORMATS` into a list of
:class:`Dialogue`; each importer's module docstring documents the fields it reads and the
quirks it handles:

- ``redial``   ReDial JSON Lines (:mod:`simworld.datasets.redial`)
- ``iard``     IARD JSON with human intent labels (:mod:`simworld.datasets.iard`)
- ``inspired`` INSPIRED TSV (:mod:`simworld.datasets.inspired`)
- ``crsarena`` CRSArena-Dial JSON (:mod:`simworld.datasets.crsarena`)
- ``jsonl``    simworld's generic dialogue JSON Lines (:mod:`simworld.datasets.jsonl`)

Malformed input raises :class:`simworld.errors.DataError` naming the file and the line
(JSON Lines, TSV) or the record key/index (JSON); an unknown format raises ConfigError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from simworld.datasets.base import Dialogue, DialogueTurn, user_texts
from simworld.datasets.crsarena import load_crsarena
from simworld.datasets.iard import load_iard
from simworld.datasets.inspired import load_inspired
from simworld.datasets.jsonl import load_jsonl
from simworld.datasets.redial import load_redial
from simworld.errors import ConfigError

Loader = Callable[[Path], list[Dialogue]]

FORMATS: dict[str, Loader] = {
    "redial": load_redial,
    "iard": load_iard,
    "inspired": load_inspired,
    "crsarena": load_crsarena,
    "jsonl": load_jsonl,
}


def load_dialogues(path: str | Path, fmt: str) -> list[Dialogue]:
    """Read the dialogues of ``path`` stored in format ``fmt`` (a key of :data:`FORMATS`)."""
    loader = FORMATS.get(fmt)
    if loader is None:
        raise ConfigError.expected(f"one of {', '.join(FORMATS)}", fmt, field="format")
    return loader(Path(path))


__all__ = ["FORMATS", "Dialogue", "DialogueTurn", "load_dialogues", "user_texts"]
