"""The item catalog: the bundled MovieLens-derived movie list, or a user's own CSV.

CSV format (header required; extra columns are ignored)::

    item_id,title,year,genres,tags,popularity
    m1,Toy Story,1995,Adventure|Animation|Children|Comedy|Fantasy,pixar|fun,215

``genres`` and ``tags`` are ``|``-separated (may be empty); ``year`` may be empty;
``popularity`` is a non-negative number (the bundled file uses MovieLens rating counts).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from simworld.errors import DataError

REQUIRED_COLUMNS = ("item_id", "title", "year", "genres", "tags", "popularity")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MAX_TITLE_WORDS = 10


def normalize(text: str) -> str:
    """Lower-case words joined by single spaces; the key used for title matching."""
    return " ".join(_WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class Item:
    item_id: str
    title: str
    year: int | None
    genres: tuple[str, ...]
    tags: tuple[str, ...]
    popularity: float

    @property
    def decade(self) -> int | None:
        return None if self.year is None else (self.year // 10) * 10

    @property
    def display_title(self) -> str:
        return self.title if self.year is None else f"{self.title} ({self.year})"


@dataclass
class Catalog:
    """An immutable list of items with indexes for lookup and title matching."""

    items: tuple[Item, ...]
    source: str = "<memory>"
    _by_id: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {it.item_id: i for i, it in enumerate(self.items)}
        if len(self._by_id) != len(self.items):
            raise DataError("duplicate item_id in catalog", file=self.source)

    # -- loading ---------------------------------------------------------------------
    @classmethod
    def bundled(cls) -> Catalog:
        """The compact movie catalog shipped with simworld (derived from MovieLens)."""
        ref = resources.files("simworld.data").joinpath("catalog.csv")
        with resources.as_file(ref) as path:
            return cls.from_csv(path, source="bundled:catalog.csv")

    @classmethod
    def from_csv(cls, path: str | Path, *, source: str | None = None) -> Catalog:
        path = Path(path)
        name = source or str(path)
        try:
            fh = path.open(newline="", encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read catalog: {exc.strerror}", file=name) from None
        with fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise DataError(
                    f"missing column(s) {', '.join(missing)}; a catalog needs "
                    f"{', '.join(REQUIRED_COLUMNS)}",
                    file=name,
                    line=1,
                )
            items = [_parse_row(row, name, reader.line_num) for row in reader]
        if not items:
            raise DataError("catalog has no items", file=name)
        return cls(tuple(items), source=name)

    # -- lookup ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterable[Item]:  # type: ignore[override]
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def get(self, item_id: str) -> Item:
        return self.items[self._by_id[item_id]]

    def index(self, item_id: str) -> int:
        return self._by_id[item_id]

    @cached_property
    def genres(self) -> tuple[str, ...]:
        return tuple(sorted({g for it in self.items for g in it.genres}))

    @cached_property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for it in self.items for t in it.tags}))

    @cached_property
    def popularity(self) -> np.ndarray:
        return np.array([it.popularity for it in self.items], dtype=np.float64)

    @cached_property
    def years(self) -> np.ndarray:
        """Release years, ``0`` where unknown."""
        return np.array([it.year or 0 for it in self.items], dtype=np.int32)

    @cached_property
    def genre_matrix(self) -> np.ndarray:
        """Boolean matrix ``[n_items, n_genres]`` in the order of :attr:`genres`."""
        col = {g: j for j, g in enumerate(self.genres)}
        m = np.zeros((len(self.items), len(self.genres)), dtype=bool)
        for i, it in enumerate(self.items):
            for g in it.genres:
                m[i, col[g]] = True
        return m

    @cached_property
    def _title_index(self) -> dict[str, list[int]]:
        idx: dict[str, list[int]] = {}
        for i, it in enumerate(self.items):
            key = normalize(it.title)
            if key:
                idx.setdefault(key, []).append(i)
        return idx

    def match_titles(self, text: str) -> list[Item]:
        """Items whose title occurs in ``text`` (word-aligned, case-insensitive).

        Longest matches win and do not overlap; a year written right after a title
        ("Heat (1995)", "Heat 1995") picks between items sharing that title.
        Single-word titles match only when written with a capital letter or in quotes,
        so everyday words ("up", "her") are not taken for films.
        """
        words = _WORD.findall(text.lower())
        raw_tokens = re.findall(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?", text)
        found: list[Item] = []
        seen: set[str] = set()
        i = 0
        while i < len(words):
            hit = None
            for n in range(min(_MAX_TITLE_WORDS, len(words) - i), 0, -1):
                key = " ".join(words[i : i + n])
                cands = self._title_index.get(key)
                if not cands:
                    continue
                if n == 1 and not _looks_like_name(raw_tokens, i, text):
                    continue
                hit = (n, cands)
                break
            if hit is None:
                i += 1
                continue
            n, cands = hit
            year = _year_after(words, i + n)
            choice = cands[0]
            if year is not None:
                for c in cands:
                    if self.items[c].year == year:
                        choice = c
                        break
            else:
                choice = max(cands, key=lambda c: self.items[c].popularity)
            it = self.items[choice]
            if it.item_id not in seen:
                seen.add(it.item_id)
                found.append(it)
            i += n
        return found

    def subset(self, item_ids: Sequence[str]) -> Catalog:
        return Catalog(tuple(self.get(i) for i in item_ids), source=f"{self.source}[subset]")


def _looks_like_name(raw_tokens: list[str], i: int, text: str) -> bool:
    if i >= len(raw_tokens):
        return False
    tok = raw_tokens[i]
    if tok[:1].isupper() and not text.strip().startswith(tok):
        return True
    return f'"{tok}' in text or f"'{tok}" in text or "@" in text


def _year_after(words: list[str], j: int) -> int | None:
    if j < len(words) and len(words[j]) == 4 and words[j].isdigit():
        y = int(words[j])
        if 1880 <= y <= 2100:
            return y
    return None


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(p.strip() for p in value.split("|") if p.strip() and p.strip() != "(no genres listed)")


def _parse_row(row: dict[str, str | None], file: str, line: int) -> Item:
    item_id = (row.get("item_id") or "").strip()
    title = (row.get("title") or "").strip()
    if not item_id:
        raise DataError("item_id is empty", file=file, line=line)
    if not title:
        raise DataError(f"title is empty for item_id {item_id!r}", file=file, line=line)
    year_s = (row.get("year") or "").strip()
    year: int | None = None
    if year_s:
        try:
            year = int(float(year_s))
        except ValueError:
            raise DataError(
                f"year: expected an integer year or empty, got {year_s!r}", file=file, line=line
            ) from None
    pop_s = (row.get("popularity") or "0").strip() or "0"
    try:
        pop = float(pop_s)
    except ValueError:
        raise DataError(
            f"popularity: expected a number >= 0, got {pop_s!r}", file=file, line=line
        ) from None
    if pop < 0 or pop != pop:
        raise DataError(f"popularity: expected a number >= 0, got {pop_s!r}", file=file, line=line)
    return Item(
        item_id=item_id,
        title=title,
        year=year,
        genres=_split(row.get("genres")),
        tags=_split(row.get("tags")),
        popularity=pop,
    )
