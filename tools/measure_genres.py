"""Measure how often real seekers name each genre, for simworld's default genre weights.

Writes ``simworld/data/genres_redial.json``: for every genre of the bundled catalog, the share
of ReDial dialogues in which the seeker names it (read with the reference CRS's parser,
:func:`simworld.crs.nlu.parse`, so "funny", "rom com" and "scary movies" count). Real seekers
name comedies three times as often, and horror nearly four times as often, as the catalog's
rating mass would suggest; nobody asks for "IMAX". The table feeds
``persona.favourite_genres.weights: seekers`` and the choice of which of the target's genres
a simulated user names (:func:`simworld.latents.sampling.sample_goal`).

Usage: ``python tools/measure_genres.py [--redial PATH ...] [--out PATH]``
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _shared_data import REDIAL_PATHS, source_entry, write_figures

from simworld.catalog import Catalog
from simworld.crs.nlu import Lexicon, parse
from simworld.datasets import load_dialogues
from simworld.errors import DataError

OUT_PATH = Path(__file__).resolve().parents[1] / "simworld" / "data" / "genres_redial.json"
DECIMALS = 4


def measure(paths: Sequence[Path]) -> dict[str, Any]:
    catalog = Catalog.bundled()
    lexicon = Lexicon.from_catalog(catalog)
    named: Counter[str] = Counter()
    n_dialogues = 0
    for path in paths:
        for dialogue in load_dialogues(path, "redial"):
            genres: set[str] = set()
            for turn in dialogue.user_turns:
                genres.update(parse(turn.text, lexicon).genres)
            named.update(genres)
            n_dialogues += 1
    if not n_dialogues:
        raise DataError("no dialogues", file=", ".join(map(str, paths)))
    return {
        "description": (
            "share of ReDial dialogues in which the seeker names each genre "
            "(tools/measure_genres.py)"
        ),
        "n_dialogues": n_dialogues,
        "named": {g: round(named[g] / n_dialogues, DECIMALS) for g in catalog.genres},
        "source": [source_entry(p) for p in paths],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--redial", type=Path, nargs="+", default=list(REDIAL_PATHS), help="ReDial JSONL files"
    )
    parser.add_argument("--out", type=Path, default=OUT_PATH, help="where to write the table")
    args = parser.parse_args(argv)
    return write_figures(
        args.out, lambda: measure(args.redial), lambda f: f"{f['n_dialogues']} dialogues"
    )


if __name__ == "__main__":
    raise SystemExit(main())
