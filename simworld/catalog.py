"""The item catalog: the bundled MovieLens-derived movie list, or a user's own CSV.

CSV format (header required; extra columns are ignored)::

    item_id,title,year,genres,tags,popularity
    m1,Toy Story,1995,Adventure|Animation|Children|Comedy|Fantasy,pixar|fun,215

``genres`` and ``tags`` are ``|``-separated (may be empty); ``year`` may be empty;
``popularity`` is a non-negative number (the bundled file: MovieLens ratings per exposure,
i.e. attention in 2018; see ``CATALOG_NOTICE.md``).
The bundled file is built by ``tools/build_catalog.py``; see ``simworld/data/CATALOG_NOTICE.md``.

Besides lookup, the catalog finds the films a piece of chat mentions
(:meth:`Catalog.match_titles`), which the engine runs on every CRS reply.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from simworld.errors import DataError

REQUIRED_COLUMNS = ("item_id", "title", "year", "genres", "tags", "popularity")
_NO_GENRES = "(no genres listed)"

# A word: letters/digits, with inner apostrophes ("Schindler's"); "&" stands for "and".
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|&")


def _fold(token: str) -> str:
    """One token as a matching key: lower-case, no accents, no apostrophes."""
    if token == "&":
        return "and"
    if not token.isascii():
        token = unicodedata.normalize("NFKD", token)
        token = "".join(ch for ch in token if not unicodedata.combining(ch)).replace("’", "")
    return token.lower().replace("'", "")


def normalize(text: str) -> str:
    """Lower-case words joined by single spaces; the key used for title matching.

    Accents, apostrophes and case are dropped and ``&`` reads as ``and``, so
    "Léon", "Schindlers List" and "Dumb and Dumber" match "Leon", "Schindler's List"
    and "Dumb & Dumber".
    """
    return " ".join(w for w in (_fold(m.group()) for m in _TOKEN.finditer(text)) if w)


def _wordset(text: str) -> frozenset[str]:
    """The folded words of ``text`` (for the word lists below)."""
    return frozenset(normalize(text).split())


@dataclass(frozen=True, slots=True)
class Item:
    """One catalog entry (a film, for the bundled catalog)."""

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


class TitleMention(NamedTuple):
    """One title found in a text: the item and the character span where it is written."""

    item: Item
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Entry:
    """A title key in the match index: the items it names and how it must be written."""

    items: tuple[int, ...]
    ambiguous: bool  # every word is an everyday word ("The Game", "Up", "Home Alone")
    needs_cue: bool  # capitals prove nothing either ("Halloween", "Chicago", "300")


@dataclass
class Catalog:
    """An immutable list of items with indexes for lookup and title matching."""

    items: tuple[Item, ...]
    source: str = "<memory>"
    _by_id: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {it.item_id: i for i, it in enumerate(self.items)}
        if len(self._by_id) != len(self.items):
            seen: set[str] = set()
            for it in self.items:
                if it.item_id in seen:
                    raise DataError(f"item_id: duplicate {it.item_id!r}", file=self.source)
                seen.add(it.item_id)

    # -- loading ---------------------------------------------------------------------
    @classmethod
    def bundled(cls) -> Catalog:
        """The compact movie catalog shipped with simworld (derived from MovieLens)."""
        ref = resources.files("simworld.data").joinpath("catalog.csv")
        with resources.as_file(ref) as path:
            return cls.from_csv(path, source="bundled:catalog.csv")

    @classmethod
    def from_csv(cls, path: str | Path, *, source: str | None = None) -> Catalog:
        """Load a catalog CSV; every problem is a :class:`DataError` naming file and line."""
        path = Path(path)
        name = source or str(path)
        try:
            fh = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise DataError(f"cannot read catalog: {exc.strerror}", file=name) from None
        items: list[Item] = []
        first_line: dict[str, int] = {}
        with fh:
            reader = csv.DictReader(fh)
            try:
                header = [h.strip() for h in reader.fieldnames or []]
                reader.fieldnames = header
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    raise DataError(
                        f"missing column(s) {', '.join(missing)}; a catalog needs "
                        f"{', '.join(REQUIRED_COLUMNS)}",
                        file=name,
                        line=1,
                    )
                for row in reader:
                    item = _parse_row(row, name, reader.line_num)
                    if item.item_id in first_line:
                        raise DataError(
                            f"item_id: duplicate {item.item_id!r} "
                            f"(first on line {first_line[item.item_id]})",
                            file=name,
                            line=reader.line_num,
                        )
                    first_line[item.item_id] = reader.line_num
                    items.append(item)
            except UnicodeDecodeError as exc:
                raise DataError(f"not UTF-8 text ({exc.reason})", file=name) from None
            except csv.Error as exc:
                raise DataError(f"bad CSV: {exc}", file=name, line=reader.line_num) from None
        if not items:
            raise DataError("catalog has no items", file=name)
        return cls(tuple(items), source=name)

    # -- lookup ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Item]:
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
    def popularity(self) -> npt.NDArray[np.float64]:
        return np.array([it.popularity for it in self.items], dtype=np.float64)

    @cached_property
    def years(self) -> npt.NDArray[np.int32]:
        """Release years, ``0`` where unknown."""
        return np.array([it.year or 0 for it in self.items], dtype=np.int32)

    @cached_property
    def genre_matrix(self) -> npt.NDArray[np.bool_]:
        """Boolean matrix ``[n_items, n_genres]`` in the order of :attr:`genres`."""
        col = {g: j for j, g in enumerate(self.genres)}
        m = np.zeros((len(self.items), len(self.genres)), dtype=bool)
        for i, it in enumerate(self.items):
            for g in it.genres:
                m[i, col[g]] = True
        return m

    def subset(self, item_ids: Sequence[str]) -> Catalog:
        return Catalog(tuple(self.get(i) for i in item_ids), source=f"{self.source}[subset]")

    # -- title matching --------------------------------------------------------------
    @cached_property
    def _title_index(self) -> tuple[dict[tuple[str, ...], _Entry], dict[str, int]]:
        """Title keys (word tuples) -> entry, and the longest key length per first word.

        Keys are full titles, plus two spellings people use: hyphens dropped
        ("Spiderman") and the part before a subtitle ("Star Wars", "Kill Bill") when it
        is at least two words and not itself a full title.
        """
        full: dict[tuple[str, ...], list[int]] = {}
        extra: dict[tuple[str, ...], list[int]] = {}
        for i, it in enumerate(self.items):
            words = tuple(normalize(it.title).split())
            if not words:
                continue
            full.setdefault(words, []).append(i)
            joined = tuple(normalize(it.title.replace("-", "")).split())
            if joined != words:
                extra.setdefault(joined, []).append(i)
            head = re.split(r":| - ", it.title, maxsplit=1)[0]
            head_words = tuple(normalize(head).split())
            if len(head_words) >= 2 and head_words != words and not _is_everyday(head_words):
                extra.setdefault(head_words, []).append(i)
        for key, idx in extra.items():
            if key not in full:
                full[key] = idx
        index = {key: _make_entry(key, idx) for key, idx in full.items()}
        longest: dict[str, int] = {}
        for key in index:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        return index, longest

    def match_titles(self, text: str) -> list[Item]:
        """Items whose title ``text`` mentions, in order of mention, without repeats.

        Matching is word-aligned and ignores case, accents and punctuation; the longest
        title wins and matches do not overlap. A year written right after a title
        ("Heat (1995)", "Heat 1995") picks between items sharing it; otherwise the most
        popular one is taken. So that ordinary chat yields no films, a title must be
        written as a title when it could be ordinary words:

        * single-word titles, and titles of up to three everyday words ("The Game",
          "Home Alone"), need capitals on their content words that are not merely the
          start of a sentence ("I loved Heat", "Have you seen The Game?"), quotes,
          ``@``, or a year right after; "it was up to me" names no film;
        * titles whose capitals prove nothing ("Halloween", "Chicago", "300") also need
          quotes, a year, or a verb such as "seen" or "loved" just before;
        * a capitalised title glued to other capitalised words ("Jack Black",
          "Dwayne The Rock Johnson") is part of a longer name, not a mention.

        Longer titles, and titles with an uncommon word, match in any case
        ("have you seen the matrix?").
        """
        found: list[Item] = []
        seen: set[str] = set()
        for mention in self.title_mentions(text):
            if mention.item.item_id not in seen:
                seen.add(mention.item.item_id)
                found.append(mention.item)
        return found

    def title_mentions(self, text: str) -> list[TitleMention]:
        """Every title occurrence :meth:`match_titles` accepts, with its place in ``text``.

        Repeats are kept; ``text[m.start:m.end]`` is the title as written.
        """
        index, longest = self._title_index
        toks = _tokenize(text)
        words = [t.word for t in toks]
        bases = [t.base for t in toks]
        caseless = _is_caseless(toks)
        out: list[TitleMention] = []
        i = 0
        while i < len(toks):
            top = min(longest.get(words[i], 1 if bases[i] else 0), len(toks) - i)
            hit: tuple[int, int] | None = None
            for n in range(top, 0, -1):
                entry = index.get(tuple(words[i : i + n]))
                base = bases[i + n - 1]
                if entry is None and base is not None:  # "Heat's ending"
                    entry = index.get((*words[i : i + n - 1], base))
                if entry is None:
                    continue
                choice = self._accept(entry, text, toks, i, n, caseless)
                if choice is not None:
                    hit = (n, choice)
                    break
            if hit is None:
                i += 1
                continue
            n, choice = hit
            out.append(TitleMention(self.items[choice], toks[i].start, toks[i + n - 1].end))
            i += n
        return out

    def _accept(
        self, entry: _Entry, text: str, toks: list[_Tok], i: int, n: int, caseless: bool
    ) -> int | None:
        """The item index this occurrence names, or None when it is not a mention."""
        year = _year_after(toks, i + n)
        dated = [c for c in entry.items if year is not None and self.items[c].year == year]
        if not dated and year is not None:
            dated = [c for c in entry.items if _near_year(self.items[c].year, year)]
        best = dated[0] if dated else max(entry.items, key=lambda c: self.items[c].popularity)
        if dated or _quoted(text, toks[i].start, toks[i + n - 1].end):
            return best
        if not (entry.ambiguous or entry.needs_cue or n == 1):
            return best
        if not caseless and _glued_to_name(text, toks, i, n):
            return None
        if entry.needs_cue:
            numeric = all(t.word.isdigit() for t in toks[i : i + n])
            if numeric and not _clause_ends(text, toks, i + n):  # "I watched 300 movies"
                return None
            return best if _after_cue(toks, i) else None
        if caseless:
            return None if entry.ambiguous else best
        if _capitalised(toks, i, n, sentence_start_counts=not entry.ambiguous):
            return best
        if _capitalised(toks, i, n, sentence_start_counts=True) and _as_subject(text, toks, i, n):
            return best
        return None


# -- matching helpers ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Tok:
    word: str  # folded key
    base: str | None  # the key without a possessive "'s", when there is one
    raw: str  # as written
    start: int
    end: int
    initial: bool  # first word of a sentence

    @property
    def upper(self) -> bool:
        return self.raw[:1].isupper()

    @property
    def titlecase(self) -> bool:
        """Capitalised like a name ("Black"), not shouted ("LOVED")."""
        return self.raw[:1].isupper() and (len(self.raw) == 1 or not self.raw.isupper())


_SENTENCE_END = frozenset(".!?…\n")
_OPENERS = frozenset("\"'“‘«(<[*_-• \t\r")
_QUOTES_BEFORE = frozenset("\"“‘'«<*_")
_QUOTES_AFTER = frozenset("\"”’'»>*_")
_SMALL = _wordset("a an the of in on and to for at by with from or as vs")


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(text):
        word = _fold(m.group())
        if not word:
            continue
        raw = m.group()
        base = word[:-1] if raw[-2:] in ("'s", "’s") else None
        toks.append(_Tok(word, base, raw, m.start(), m.end(), _starts_sentence(text, m.start())))
    return toks


def _clause_ends(text: str, toks: list[_Tok], j: int) -> bool:
    """Nothing but punctuation separates token ``j - 1`` from the next (or it is last)."""
    return j >= len(toks) or not text[toks[j - 1].end : toks[j].start].isspace()


def _starts_sentence(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    if j < 0 or text[j] == "\n":
        return True
    if text[j] not in _SENTENCE_END:
        return False
    # "1. Up" numbers a list; "Dr. No" abbreviates: neither starts a sentence.
    return not (text[j] == "." and j > 0 and (text[j - 1].isdigit() or _abbrev(text, j)))


def _abbrev(text: str, dot: int) -> bool:
    m = re.search(r"(\w+)$", text[:dot])
    return m is not None and m.group(1).lower() in {"dr", "mr", "mrs", "ms", "st", "vs", "jr"}


def _is_caseless(toks: list[_Tok]) -> bool:
    """True when capitals carry no information (ALL CAPS, or Title Case Everywhere).

    Judged on function words ("you", "is", "any"), which normal writing leaves
    lower-case outside titles: a list of names ("Ben Stiller, Jack Black") or a sentence
    quoting a title ("I loved The Sixth Sense") is not Title Case.
    """
    letters = [t.raw for t in toks if t.raw[:1].isalpha() and len(t.raw) > 1]
    if len(letters) >= 2 and all(r.isupper() for r in letters):
        return True
    function = [t for t in toks if not t.initial and t.word in _FUNCTION]
    return len(function) >= 2 and all(t.upper for t in function)


_FUNCTION = _wordset(
    "you your me my we our us they them their he him his she it its is are was were be been "
    "have has had do does did can could will would should shall may might must not no yes any "
    "some all just so very too also what how this that there here if but because than then "
    "about into for with from got get some please thanks"
)


def _capitalised(toks: list[_Tok], i: int, n: int, *, sentence_start_counts: bool) -> bool:
    """Every content word of the title is capitalised, and some capital is evidence."""
    evidence = False
    for t in toks[i : i + n]:
        if t.word in _SMALL or t.word.isdigit():
            continue
        if not t.upper:
            return False
        if sentence_start_counts or not t.initial:
            evidence = True
    return evidence


def _quoted(text: str, start: int, end: int) -> bool:
    """``"Up"``, ``'Up'``, ``“Up,”``, ``*Up*`` or ``@Up``: marked as a name by the writer."""
    before = text[start - 1] if start > 0 else ""
    if before == "@":
        return True
    if not before or before not in _QUOTES_BEFORE:
        return False
    after = text[end : end + 2]
    return after[:1] in _QUOTES_AFTER or (after[:1] in ",.!?" and after[1:] in _QUOTES_AFTER)


def _glued_to_name(text: str, toks: list[_Tok], i: int, n: int) -> bool:
    """The words around the title, joined by spaces only, are capitalised too."""
    if i > 0:
        prev = toks[i - 1]
        gap = text[prev.end : toks[i].start]
        if gap.isspace() and prev.titlecase and not prev.initial and prev.word not in _NOT_NAMES:
            return True
    j = i + n
    if j < len(toks):
        nxt = toks[j]
        gap = text[toks[j - 1].end : nxt.start]
        if gap.isspace() and nxt.titlecase and nxt.word not in _NOT_NAMES:
            return True
    return False


_NOT_NAMES = _wordset("i a an the of in on and to for at by with from or as vs")


def _as_subject(text: str, toks: list[_Tok], i: int, n: int) -> bool:
    """A sentence-initial title that is the whole message, or the subject of "is"/"was".

    ("Seven." / "Up is one of my favourites"), unless its first word usually starts an
    ordinary sentence ("Next is ...", "Life was ...").
    """
    if not toks[i].initial or toks[i].word in _STARTERS:
        return False
    j = i + n
    if j >= len(toks):
        return i == 0
    gap = text[toks[j - 1].end : toks[j].start]
    return gap.isspace() and toks[j].word in ("is", "was")


_STARTERS = _wordset(
    "it this that these those there here what who which one all some none everything nothing "
    "something everyone nobody life love time next help go yes no okay sure sorry thanks hi "
    "hello bye wait stop maybe well so then now today tonight"
)
_CUES = _wordset(
    "see seen saw watch watched watching rewatch rewatched love loved liked like enjoyed "
    "recommend recommended suggest suggested try called titled"
)


def _after_cue(toks: list[_Tok], i: int) -> bool:
    return i > 0 and toks[i - 1].word in _CUES


def _year_after(toks: list[_Tok], j: int) -> int | None:
    if j < len(toks) and len(toks[j].word) == 4 and toks[j].word.isdigit():
        y = int(toks[j].word)
        if 1880 <= y <= 2100:
            return y
    return None


def _near_year(year: int | None, said: int) -> bool:
    return year is not None and abs(year - said) <= 1


def _is_everyday(words: tuple[str, ...]) -> bool:
    return all(w in _EVERYDAY or w in _PROPER or w.isdigit() or len(w) == 1 for w in words)


def _make_entry(words: tuple[str, ...], items: list[int]) -> _Entry:
    everyday = _is_everyday(words)
    content = [w for w in words if w not in _SMALL]
    needs_cue = everyday and all(w in _PROPER or w.isdigit() or len(w) == 1 for w in content)
    # A number makes a longer title distinctive ("21 Jump Street", "50 First Dates").
    numbered = len(words) > 1 and any(w.isdigit() for w in words) and not needs_cue
    ambiguous = everyday and len(words) <= 3 and not numbered
    return _Entry(tuple(items), ambiguous=ambiguous, needs_cue=needs_cue)


# -- CSV rows ------------------------------------------------------------------------------
def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = (p.strip() for p in value.split("|"))
    return tuple(p for p in parts if p and p != _NO_GENRES)


def _parse_row(row: dict[str, str | None], file: str, line: int) -> Item:
    item_id = (row.get("item_id") or "").strip()
    title = (row.get("title") or "").strip()
    if not item_id:
        raise DataError("item_id: expected a non-empty id, got ''", file=file, line=line)
    if not title:
        raise DataError(
            f"title: expected a non-empty title, got '' (item_id {item_id!r})",
            file=file,
            line=line,
        )
    year_s = (row.get("year") or "").strip()
    year: int | None = None
    if year_s:
        try:
            value = float(year_s)
        except ValueError:
            value = math.nan
        if not value.is_integer():
            raise DataError(
                f"year: expected an integer year or empty, got {year_s!r}", file=file, line=line
            )
        year = int(value)
    pop_s = (row.get("popularity") or "").strip() or "0"
    try:
        pop = float(pop_s)
    except ValueError:
        pop = math.nan
    if not (math.isfinite(pop) and pop >= 0):
        raise DataError(f"popularity: expected a number >= 0, got {pop_s!r}", file=file, line=line)
    return Item(
        item_id=item_id,
        title=title,
        year=year,
        genres=_split(row.get("genres")),
        tags=_split(row.get("tags")),
        popularity=pop,
    )


# -- vocabulary ----------------------------------------------------------------------------
# Everyday English words, as folded keys. A title made only of these ("The Game", "Home
# Alone", "Up") reads as ordinary words unless written as a title. Hand-written; words that
# are common in English but rare in chat outside a title ("wars", "toy", "iron") are left out
# on purpose, so "star wars" and "toy story" still match in lower case.
_EVERYDAY = _wordset(
    """
a an the and or but nor if then else so as at by for from in into of off on onto out over to up
down with without within about above across after again against all almost along already also
although always am among any anybody anyone anything anyway anywhere are around away back be
became because become becomes been before behind being below beside besides between beyond both
can cannot could did do does doing done during each either enough even ever every everybody
everyone everything everywhere few further had has have having he her here hers herself him
himself his how however i is it its itself just least less let lets like likes liked many may
maybe me might mine more most much must my myself near nearly neither never next no nobody none
not nothing now nowhere often once one ones only other others otherwise our ours ourselves own
per perhaps please quite rather same several shall she should since some somebody someone
something sometime sometimes somewhere soon still such than that their theirs them themselves
there these they this those though through throughout till too toward towards under unless until
upon us very via was we well were what whatever when whenever where wherever whether which while
who whoever whole whom whose why will would yes yet you your yours yourself yourselves
really actually definitely probably certainly totally absolutely especially usually basically
honestly seriously pretty fairly kinda sorta lot lots plenty bit ok okay hi hello hey bye goodbye
thanks thank sorry oh ah wow yeah yep nope lol haha hmm um uh welcome cheers sure
don't doesn't didn't isn't aren't wasn't weren't can't couldn't wouldn't shouldn't won't I'm
I've I'd I'll you're you've you'd you'll he's she's they're they've that's what's there's here's
who's how's where's ain't haven't hasn't hadn't gonna wanna gotta
zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million billion first second third fourth fifth sixth seventh eighth ninth tenth last
twice half double single
go goes going went gone get gets getting got gotten make makes making made take takes taking took
taken come comes coming came see sees seeing saw seen know knows knowing knew known think thinks
thinking thought look looks looking looked want wants wanting wanted give gives giving gave given
use used find finds finding found tell tells telling told ask asks asked work works working worked
seem seems seemed feel feels feeling felt try tries trying tried leave leaves leaving left call
calls called keep keeps keeping kept begin began begun help helps helped helping talk talks
talking talked turn turned start starts started show shows showed shown hear heard play plays
playing played run runs running ran move moving moved love loves loving loved live lives living
lived believe hold held bring brings brought happen happens happened write wrote written sit sat
stand stood lose lost pay paid meet meets met set learn change changed lead led understand watch
watches watching watched follow stop stopped speak spoke read reading spend spent grow grew grown
open opened walk walking win won teach offer remember consider buy bought wait waiting waited stay
stayed fall falls fell fallen cut reach kill kills killing killed pass sell sold decide return
explain hope hoping hoped carry break breaking broke broken agree hit eat eating ate eaten catch
caught choose chose chosen enjoy enjoys enjoying enjoyed recommend recommends recommended suggest
suggested prefer preferred check checked mind mean means meant guess bet hate hates hated cry
crying cried laugh laughing laughed scare scared sound sounds sounded rent rented stream sleep
slept dream dreaming fly flying drive driving drove ride jump fight fighting save saved shoot shot
hide forget forgot forgotten miss missed wish wonder care worry say says saying said need needs
needed put send sent die died dying dies build stuck finish finished end ended close hang wake
share kiss marry married
good better best bad worse worst great big bigger biggest small little large long short high low
old older oldest new newer newest young younger right wrong true false real easy hard early late
later latest full empty free nice fine cool hot cold warm dark light bright black white red blue
green yellow brown gray grey pink orange purple gold golden happy sad funny scary creepy weird
strange crazy silly stupid dumb smart clever beautiful ugly cute sweet lovely wonderful
amazing awesome fantastic excellent perfect terrible horrible awful boring exciting interesting
romantic serious simple special closer grown ups favorite favourite popular famous classic modern
original recent
different similar main final entire alive dead deep wild strong weak fast slow quick safe
dangerous brave lucky lonely quiet loud rich poor fair ready busy tired bored sick total odd
normal mad angry evil fresh clean dirty soft tough heavy super extra impossible possible funnier
scarier happier nasty dear kind personal human natural social private public common
time times day days night nights week weeks weekend month months year years today tonight
tomorrow yesterday morning afternoon evening hour hours minute minutes moment life world people
person man men woman women guy guys girl girls boy boys kid kids child children baby babies
family friend friends mother mom mum father dad parents parent brother brothers sister sisters
son sons daughter daughters husband wife uncle aunt home house room school class college job
office city town country place street road car cars bus train plane boat water fire air sky sun
moon star stars sea beach island park food money game games movie movies film films series story
stories book books music song songs picture pictures scene scenes ending beginning part parts
sequel sequels actor actors actress cast character characters director plot genre comedy
comedies drama dramas action horror thriller thrillers romance mystery documentary documentaries
animation animated cartoon cartoons musical musicals fantasy adventure adventures crime superhero
superheroes hero heroes villain monster monsters ghost ghosts zombie zombies alien aliens killer
killers murder death blood cop cops police spy detective soldier soldiers king queen prince
princess magic dog dogs cat cats animal animals horse bird birds fish thing things stuff way ways
idea type sort point reason question answer problem luck fear heart mind head face eye eyes hand
hands body side top bottom front middle inside outside name word words line lines list choice
choices option options suggestion suggestions recommendation recommendations review reviews
rating chance mood taste theater theaters theatre cinema tv television screen trailer date party
wedding holiday holidays vacation trip summer winter spring autumn season birthday gift present
dinner lunch team sport sports ball race power truth lie lies secret secrets future history age
era decade nineties eighties seventies sixties rock dance lady sir mister mr mrs ms doctor boss
teacher student president devil angel heaven hell peace law trouble danger battle attack escape
chase mission plan deal business news conversation chat space science nature computer phone
internet soul spirit
matter case fact rest group number level war army agent act absolute alone another attached bank
basic beast beauty bedroom bedtime benefits bill blind blonde blow blown bodies bound breakfast
brief bringing bunch burn burning bull bucket cake calm candy captain castle cause celebration
cell chain chasing chicken circle civil click client club code color colors comfort company
confused connection contact couple courage cousin cowboy cowboys crash creature cup cuts cutting
daddy dancing dates dawn decision deeds desire destination diamond diary disaster dollar doors
dozen dreams driver drop drunk duck due duty earth edge effect element enemy enter eve event
executive exit expectations experiment express faith far farm feet female fever field fields
fighter figures files flash floor flowers focus fool fools foot force forever fortune forward
fox fright fried frozen gate genius giant glory grace grave gun guns hall happiness harbor hardly
haunted heat heights hidden highway hill hills hollow honor hook hotel hunt hunter hunting hurt
ice ideal identity impact incredible instinct intern interview jacket jam judge junior jury key
kick kingdom kissed lake land lane lawyer league legend liar lights limit limited locker lone
longest loser machine magnificent maid mail major management mansion mask master match medicine
messenger metal midnight mighty mile milk minds miracle misery mist models monk mountain naked
nation national neighbor neighbors net network notebook nurse ordinary paper patient pet photo
pitch places planet player pond powers pride primary prisoner prisoners pro professional
professor promises proof punch quest rain rat reaction reality recall records report rescue
returns rider ridge ring rising river rookie rooms rope royal runaway runner saint salt saving
score sense serial service sexy shadow shark sharks sheep shift shine shots shut sight signs
silent silver singer singles size skip sleeper sleeping sleepless smile smoke snake soccer
society source south north east west speech speed splash squad standing state station steel step
steps stone storm straight stranger strike strings submarine substitute sucker sudden suicide
sunrise sunset sunshine swimming tail tale tales target taxi terminal terror theory thieves
thunder tide tin touch toys trading traffic training trap treasure twin twins united universe
university values velvet vertical village violin wall warrior warriors weapon web whale wide
wind window wings wire witness wives wolf wolves wood worlds zone
"""
)

# Words written with a capital in any sentence: days, months, holidays, peoples, places.
# A title made of these and everyday words ("Halloween", "Paris, Texas", "Chicago") needs a
# quote, a year, or a cue verb to count as a mention.
_PROPER = _wordset(
    """
monday tuesday wednesday thursday friday saturday sunday january february march april june july
august september october november december christmas xmas halloween easter thanksgiving
valentine valentine's hanukkah god jesus christ american americans british english french german
italian spanish japanese chinese korean indian mexican russian irish scottish canadian australian
european african asian swedish danish dutch greek roman latin america usa england britain france
germany italy spain japan china korea india mexico russia ireland scotland canada australia europe
africa asia brazil egypt israel vietnam iraq chicago philadelphia boston london paris rome tokyo
berlin munich barcelona sydney manhattan brooklyn vegas hollywood york texas california florida
alaska hawaii seattle atlanta dallas detroit miami
"""
)
