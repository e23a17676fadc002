"""The template user model's phrase bank and the tiny grammar its phrases are written in.

A phrase is a template string:

- ``[words]``: optional part, kept with a probability the caller chooses (longer target turns
  keep more optional parts); ``[a|b]`` is an optional alternation;
- ``(a|b|c)``: alternation, one branch picked uniformly (branches may be empty: ``(a|)``);
- ``{name}``: a slot, filled by a resolver the caller passes (a genre mention, the item...);
- a leading ``@tag`` (``@polite``, ``@blunt``, ``@pos``, ``@neg``, ``@hes``) marks a phrase
  that suits some traits more than others (see :func:`tone_weight`).

Parts nest freely: ``[(oh|ah) ]{item}[, (I think|probably)]``. The banks themselves live in
``phrases_request`` (asking and adding details), ``phrases_feedback`` (reacting to items) and
``phrases_social`` (greetings, chit-chat, closing, padding clauses); this module joins them in
:data:`BANK` keyed by intent, then by *pool*: ``any`` (needs no slot), ``facet`` (any facet
kind, through ``{want}``/``{pref}``), a facet kind (``genre``, ``decade:old``, ``era:classic``,
``tag:noun``...) or an intent-specific key (``reason``, ``quit``, ``start``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from simworld.latents.persona import Traits
from simworld.users import phrases_feedback, phrases_request, phrases_social

# -- the grammar -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    text: str


@dataclass(frozen=True, slots=True)
class SlotRef:
    name: str


@dataclass(frozen=True, slots=True)
class Seq:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Opt:
    body: Seq


@dataclass(frozen=True, slots=True)
class Alt:
    options: tuple[Seq, ...]


Node = Lit | SlotRef | Seq | Opt | Alt


@dataclass(frozen=True, slots=True)
class Template:
    """One parsed phrase: its tone tags, its syntax tree and the source text."""

    tags: frozenset[str]
    body: Seq
    source: str


class PhraseSyntaxError(ValueError):
    """A phrase in the bank does not parse; names the phrase and the position."""


TAGS = frozenset({"polite", "blunt", "pos", "neg", "hes"})

#: Slots that depend on the turn's facet (filled by ``phrases_slots.facet_slot``).
FACET_SLOTS = frozenset({
    "want", "pref", "genre", "genre_pl", "genre_sg", "genre_mass", "genre_mod", "avoid",
    "avoid_pl", "avoid_sg", "avoid_mass", "decade_np", "decade_mod", "tag", "tag_word", "like",
})
#: Every slot a phrase may use (the template model's resolver fills each of them).
SLOT_NAMES = FACET_SLOTS | {
    "item", "item_title", "accepted", "reason", "greet", "please", "thanks", "sorry", "hedge",
    "opinion",
}


class _Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0

    def fail(self, what: str) -> PhraseSyntaxError:
        return PhraseSyntaxError(f"phrase {self.src!r}: {what} at position {self.i}")

    def seq(self, stop: str) -> Seq:
        parts: list[Node] = []
        buf: list[str] = []
        while self.i < len(self.src):
            ch = self.src[self.i]
            if ch in stop:
                break
            if ch in "[({":
                if buf:
                    parts.append(Lit("".join(buf)))
                    buf = []
                parts.append(self.group(ch))
                continue
            if ch in "])}|":
                raise self.fail(f"unexpected {ch!r}")
            buf.append(ch)
            self.i += 1
        if buf:
            parts.append(Lit("".join(buf)))
        return Seq(tuple(parts))

    def group(self, ch: str) -> Node:
        self.i += 1
        if ch == "{":
            end = self.src.find("}", self.i)
            name = self.src[self.i : end] if end >= 0 else ""
            if end < 0 or not re.fullmatch(r"[a-z_]+", name):
                raise self.fail("bad slot")
            self.i = end + 1
            return SlotRef(name)
        close = "]" if ch == "[" else ")"
        options = [self.seq("|" + close)]
        while self.i < len(self.src) and self.src[self.i] == "|":
            self.i += 1
            options.append(self.seq("|" + close))
        self.expect(close)
        if ch == "[":
            return Opt(options[0] if len(options) == 1 else Seq((Alt(tuple(options)),)))
        return Alt(tuple(options))

    def expect(self, ch: str) -> None:
        if self.i >= len(self.src) or self.src[self.i] != ch:
            raise self.fail(f"expected {ch!r}")
        self.i += 1


@cache
def compile_phrase(src: str) -> Template:
    """Parse one phrase (cached); raises :class:`PhraseSyntaxError` on a malformed one."""
    tags: list[str] = []
    rest = src.lstrip()
    while rest.startswith("@"):
        word, _, rest = rest.partition(" ")
        if word[1:] not in TAGS:
            raise PhraseSyntaxError(f"phrase {src!r}: unknown tag {word!r}")
        tags.append(word[1:])
        rest = rest.lstrip()
    parser = _Parser(rest)
    body = parser.seq("")
    if parser.i != len(rest):
        raise parser.fail("trailing text")
    return Template(frozenset(tags), body, src)


#: "(it )?(tonight|later)": a regex habit; the grammar's optional part is "[it ]".
_REGEX_OPTIONAL = re.compile(r"\)\?[\w(\[{]")


def check_phrase(src: str) -> Template:
    """Parse a phrase written outside the bank (a scenario's ``user_model.phrases``): like
    :func:`compile_phrase`, but an empty phrase or a slot the template model cannot fill is an
    error too. Raises :class:`PhraseSyntaxError` naming the phrase and what is wrong."""
    template = compile_phrase(src)
    if not template.body.parts:
        raise PhraseSyntaxError(f"phrase {src!r}: no words")
    unknown = sorted(slot_names(template.body) - SLOT_NAMES)
    if unknown:
        raise PhraseSyntaxError(
            f"phrase {src!r}: unknown slot {{{unknown[0]}}}; slots: {', '.join(sorted(SLOT_NAMES))}"
        )
    if _REGEX_OPTIONAL.search(src):
        raise PhraseSyntaxError(
            f"phrase {src!r}: '?' after a group is written literally (\"watch it?tonight\"); "
            "an optional part is written [like this]"
        )
    return template


def slot_names(node: Node) -> set[str]:
    """Every slot name used in a tree (for checking the bank against the resolver)."""
    if isinstance(node, SlotRef):
        return {node.name}
    if isinstance(node, Seq):
        return set().union(*(slot_names(p) for p in node.parts)) if node.parts else set()
    if isinstance(node, Opt):
        return slot_names(node.body)
    if isinstance(node, Alt):
        return set().union(*(slot_names(o) for o in node.options))
    return set()


Resolver = Callable[[str], str]


def expand(node: Node, rng: np.random.Generator, resolve: Resolver, p_opt: float) -> str:
    """Render a tree: optional parts kept with probability ``p_opt``, slots via ``resolve``."""
    if isinstance(node, Lit):
        return node.text
    if isinstance(node, SlotRef):
        return resolve(node.name)
    if isinstance(node, Seq):
        return "".join(expand(p, rng, resolve, p_opt) for p in node.parts)
    if isinstance(node, Opt):
        return expand(node.body, rng, resolve, p_opt) if rng.random() < p_opt else ""
    return expand(node.options[int(rng.integers(len(node.options)))], rng, resolve, p_opt)


# -- tidying rendered text ---------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:])")
_COMMA_RUNS = re.compile(r",(\s*,)+")
_COMMA_BEFORE_END = re.compile(r",\s*([.!?])")
_DOUBLE_END = re.compile(r"([!?])\s*\.(?!\.)|(?<!\.)\.\s*([!?])")
_LEADING_JUNK = re.compile(r"^[\s,;:.]+(?!\.)")
_SENTENCE_START = re.compile(r"((?:^|(?<!\.)[.!?]\s+))([a-z])")
_ARTICLE = re.compile(r"\b([Aa]) ((?!one|use|usu|uni|eu|ur)[aeiouAEIOU]\w*|'?80'?s\b|8\b)")
_LONE_I = re.compile(r"\bi\b(?=(?:'[a-z]+)?(?:\s|$|[,.!?]))")


def tidy(text: str) -> str:
    """Fix what slot filling and dropped optional parts leave behind.

    Collapses spaces, drops stray commas, fixes "a"/"an", capitalises sentence starts and the
    pronoun "I", and ends the turn with punctuation (the style pass may drop it again).
    """
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _COMMA_RUNS.sub(",", text)
    text = _COMMA_BEFORE_END.sub(r"\1", text)
    text = _DOUBLE_END.sub(lambda m: m.group(1) or m.group(2), text)
    text = _LEADING_JUNK.sub("", text)
    text = re.sub(r"([,;])(?=[A-Za-z])", r"\1 ", text)
    text = _ARTICLE.sub(r"\1n \2", text)
    text = _LONE_I.sub("I", text)
    text = _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
    text = text.rstrip(",;: -")
    if text and text[-1] not in ".!?":
        text += "."
    return text


# -- tone ---------------------------------------------------------------------------------

_TAG_WEIGHTS: dict[str, tuple[str, dict[str, float]]] = {
    "polite": ("politeness", {"polite": 1.0, "neutral": 0.35, "blunt": 0.03}),
    "blunt": ("politeness", {"blunt": 1.0, "neutral": 0.3, "polite": 0.02}),
    "pos": ("mood", {"positive": 1.0, "neutral": 0.35, "negative": 0.03}),
    "neg": ("mood", {"negative": 1.0, "neutral": 0.3, "positive": 0.02}),
    "hes": ("decisiveness", {"hesitant": 1.0, "open": 0.5, "decisive": 0.12}),
}


def tone_weight(tags: frozenset[str], traits: Traits) -> float:
    """How likely a phrase with these tags is for a user with these traits (1 = untagged)."""
    w = 1.0
    for tag in tags:
        trait, table = _TAG_WEIGHTS[tag]
        w *= table.get(str(getattr(traits, trait)), 0.3)
    return w


# -- the bank -----------------------------------------------------------------------------

Pools = Mapping[str, tuple[str, ...]]

BANK: dict[str, Pools] = {
    **phrases_request.BANK,
    **phrases_feedback.BANK,
    **phrases_social.BANK,
}

#: Padding clauses a chatty user adds to approach the target length, by intent group.
EXTRAS: Pools = phrases_social.EXTRAS


def pool(intent: str, key: str) -> tuple[Template, ...]:
    """The parsed phrases of one pool (empty when the intent has no such pool)."""
    return _pool(intent, key)


@cache
def _pool(intent: str, key: str) -> tuple[Template, ...]:
    src = EXTRAS.get(key, ()) if intent == "EXTRA" else BANK.get(intent, {}).get(key, ())
    return tuple(compile_phrase(s) for s in src)
