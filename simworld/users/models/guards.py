"""Guards for LLM-written user turns: pure functions, no model, no I/O.

Assistant-tuned LLMs make poor users: they turn helpful, recommend films themselves, ask the
recommender what *it* likes, wrap the text in quotes or markdown, write both sides of the
dialogue, or blurt out the film they were told to look for. These functions clean what can
be cleaned and detect what must be regenerated; the model loop in
:mod:`simworld.users.models.llm_base` decides what to do about each finding.

Guard names (recorded in the turn's ``guards`` column):

- ``strip``  speaker prefixes, quotes, markdown or a continued dialogue were removed
- ``empty``  nothing was left after cleaning
- ``role``   the text reads like the assistant (offers help, recommends, "As an AI"...)
- ``echo``   the text repeats the instructions or narrates ("the recommender suggests...")
- ``repeat`` the text loops (few distinct words, a phrase over and over)
- ``slots``  the turn's preference (genre, decade, tag, liked film...) is not mentioned, or
             the turn lacks its intent's cue (a rejection with no negative word, an
             inquiry with no question)
- ``drift``  (draft mode) the rewrite shares too few content words with the draft
- ``leak``   the target title appears before the CRS mentioned it
- ``long``   the text was over the verbosity's word limit and was trimmed
- ``short``  the text was under the verbosity's word minimum
"""

from __future__ import annotations

import functools
import re

from simworld.catalog import normalize
from simworld.users.goal import Facet
from simworld.users.phrases_slots import GENRE_NAMES, genre_lex

# Words per turn allowed by the verbosity trait: (min, max).
LENGTH_BOUNDS: dict[str, tuple[int, int]] = {
    "terse": (1, 30),
    "average": (2, 50),
    "chatty": (3, 90),
}

_SPEAKERS = (
    r"user|seeker|me|you|human|customer|client|person|movie ?fan|assistant|recommender|"
    r"system|bot|ai|agent|crs|smollm"
)
_PREFIX = re.compile(rf"^\s*[\*_#>\s]*(?:{_SPEAKERS})\s*[\*_]*\s*:\s*[\*_]*\s*", re.IGNORECASE)
# A later line where another speaker starts: the model went on writing the dialogue.
_NEXT_SPEAKER = re.compile(
    r"\n\s*[\*_]*(?:assistant|recommender|system|bot|agent|crs|ai|user|seeker|human)"
    r"\s*[\*_]*\s*:",
    re.IGNORECASE,
)
_CRS_SPEAKER = re.compile(
    r"^\s*[\*_#>\s]*(?:assistant|recommender|system|bot|agent|crs|ai|smollm)\s*[\*_]*\s*:",
    re.IGNORECASE,
)
_ECHO = re.compile(
    r"\byour next message\b|\bwrite about \d+ words\b|\brewrite this draft\b|"
    r"\bin your own voice\b|\bkeeping its meaning\b|\bthe recommender\b|"
    r"\b(?:ask|tell) the recommender\b|\bsimulated user\b|^\s*[\[(]|"
    r"\bthe person looking for\b|\bthe (?:message|chat|draft|instruction)s?\b",
    re.IGNORECASE,
)
_BRACKET_NOTE = re.compile(r"^\s*[\[(][^\])]*[\])]\s*$")
_MD_EMPH = re.compile(r"(\*{1,3}|_{2,3}|`+)(.+?)\1")
_MD_LINE = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_QUOTES = ('"', "“", "”", "'", "«", "»", "`")
_LIST_LINE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+\S", re.MULTILINE)
_WORDS = re.compile(r"\S+")

# Phrases that give the assistant away, with the reason recorded for each.
_ROLE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        ("ai_disclosure", r"\bas an? (?:ai|artificial intelligence|language model|assistant)\b"),
        (
            "ai_disclosure",
            r"\bi(?:'m| am) (?:an? |the |your )?(?:ai|language model|assistant|chatbot|bot|"
            r"(?:movie |film )?recommender)\b",
        ),
        ("ai_disclosure", r"\b(?:large )?language model\b"),
        ("offer_help", r"\b(?:how|what) (?:can|may|could) i (?:help|assist|do for you)\b"),
        ("offer_help", r"\b(?:happy|glad|here|ready) to (?:help|assist)\b"),
        ("offer_help", r"\bi can (?:help|assist|suggest|recommend)\b"),
        (
            "offer_help",
            r"\blet me know if (?:you need|you'd like me|there(?:'s| is) anything|i can)\b",
        ),
        ("offer_help", r"\bfeel free to\b"),
        ("offer_help", r"\bhope (?:this|that) helps\b"),
        ("offer_help", r"\bis there anything else\b"),
        ("recommend", r"\bi(?:'d| would)? (?:highly )?(?:recommend|suggest)\b"),
        (
            "recommend",
            r"\b(?:i'll|i will|i can|i could|let me|excited to|happy to|going to|gonna) "
            r"(?:recommend|suggest|offer)\b",
        ),
        ("offer_help", r"\bi can offer\b"),
        ("offer_help", r"\bassist(?:ing)? you\b"),
        ("recommend", r"\byou (?:might|may|would|will|could) (?:also )?(?:enjoy|like|love)\b"),
        ("recommend", r"\byou should (?:definitely )?(?:watch|check out|try|see)\b"),
        ("recommend", r"\bhere (?:are|is) (?:some|a few|a list|my)\b"),
        ("recommend", r"\b(?:my|some) recommendations?\b"),
        ("recommend", r"\bhow about (?:watching|checking)\b"),
        (
            "ask_preferences",
            r"\bwhat (?:kinds?|types?|sorts?|genres?)(?: of (?:movies?|films?))? "
            r"(?:do|would) you (?:like|enjoy|prefer|want)\b",
        ),
        ("ask_preferences", r"\bwhat are you (?:in the mood for|looking for|interested in)\b"),
        ("ask_preferences", r"\bare you looking for\b"),
        ("ask_preferences", r"\bdo you have (?:any )?(?:a )?(?:favou?rite|preferences?)\b"),
        ("ask_preferences", r"\bwhat (?:movies?|films?) have you (?:enjoyed|liked)\b"),
    )
)


def clean(text: str) -> str:
    """Strip what is not the user's message: speaker prefixes, a continued dialogue, markdown
    emphasis and list/heading markers, wrapping quotes, bracketed stage notes.

    Keeps the first speaker's text only, on one line, with single spaces.
    """
    out = first_turn(text)
    prev = None
    while prev != out:  # prefixes and quotes can nest: **User:** "..."
        prev = out
        out = _PREFIX.sub("", out, count=1).strip()
        out = _strip_quotes(out)
    out = _MD_EMPH.sub(r"\2", out)
    out = _MD_LINE.sub("", out)
    lines = [ln for ln in out.split("\n") if ln.strip() and not _BRACKET_NOTE.match(ln)]
    out = " ".join(" ".join(lines).split())
    return _strip_quotes(out.replace("**", "").replace("__", ""))


def first_turn(text: str) -> str:
    """``text`` up to where another speaker starts (models often write both sides), without
    code fences; line breaks are kept."""
    out = text.replace("\r\n", "\n").strip()
    out = re.sub(r"^```\w*\n?|\n?```$", "", out).strip()
    nxt = _NEXT_SPEAKER.search("\n" + out, 1)
    if nxt is not None:
        out = out[: nxt.start() - 1]
    return out.strip()


def _strip_quotes(text: str) -> str:
    t = text.strip()
    while len(t) >= 2 and t[0] in _QUOTES and t[-1] in _QUOTES and _balanced(t):
        t = t[1:-1].strip()
    return t


def _balanced(text: str) -> bool:
    """A wrapping pair, not two separate quotes ("A" and "B")."""
    inner = text[1:-1]
    return not any(q in inner for q in ('"', "“", "”"))


def role_violations(text: str) -> list[str]:
    """Why ``text`` reads like the assistant rather than a user (empty when it does not).

    Reasons: ``crs_speaker`` (it starts as the recommender: ``Assistant: ...``),
    ``ai_disclosure``, ``offer_help``, ``recommend``, ``ask_preferences``,
    ``list`` (two or more list lines, e.g. a list of recommendations).
    """
    reasons: list[str] = []
    if _CRS_SPEAKER.match(text):
        reasons.append("crs_speaker")
    for reason, pattern in _ROLE_PATTERNS:
        if reason not in reasons and pattern.search(text):
            reasons.append(reason)
    if len(_LIST_LINE.findall(text)) >= 2:
        reasons.append("list")
    return reasons


def echoes_instructions(text: str) -> bool:
    """Whether ``text`` repeats the prompt's instructions or talks *about* the recommender
    (a user talks *to* it) -- small models often narrate instead of speaking."""
    return _ECHO.search(text) is not None


def is_repetitive(text: str) -> bool:
    """Whether ``text`` loops, as small models do when they run out of ideas: under 45%
    distinct words (over 6+ words), or a three-word phrase said three times or more."""
    words = normalize(text).split()
    if len(words) >= 6 and len(set(words)) / len(words) < 0.45:
        return True
    counts: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 2):
        gram = tuple(words[i : i + 3])
        counts[gram] = counts.get(gram, 0) + 1
        if counts[gram] >= 3:
            return True
    return False


_DECADE_WORDS = {
    1920: "twenties", 1930: "thirties", 1940: "forties", 1950: "fifties",
    1960: "sixties", 1970: "seventies", 1980: "eighties", 1990: "nineties",
}
_ERA_WORDS = {
    "classic": ("classic", "old", "older", "oldie", "golden"),
    "recent": ("new", "newer", "recent", "latest", "modern", "current"),
}
_NEGATIVE = re.compile(
    r"\b(?:no|not|nah|nope|never|pass|hate|dislike|skip|rather|meh|boring|too|seen|watched|"
    r"bad|mixed|else|long|depressing|cheesy|scary|sad|slow|weird|eh|ugh|heard|other|"
    r"instead|bit)\b|n't\b|\bdon'?t\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|\b(?:what|who|how|is it|is that|does it|do you|did you|any good|tell me)\b",
    re.IGNORECASE,
)
_CUES: dict[str, re.Pattern[str]] = {
    "REJ": _NEGATIVE,
    "CRI-F": _NEGATIVE,
    "INQ": _QUESTION,
    "ASK": _QUESTION,
    "ACC": re.compile(
        r"\b(?:yes|yeah|yep|sure|sounds|great|good|ok|okay|perfect|awesome|cool|love|like|"
        r"nice|thanks|thank|watch|try|check|gonna|going to|definitely|interesting|go with|"
        r"take it|add it|that one|this one|wanted|it is|a go|a shot|a try)\b",
        re.IGNORECASE,
    ),
    "SEE": re.compile(
        r"\b(?:seen|saw|watched|watch(?:ing)? it|know|remember|classic|already|before|"
        r"favou?rites?|loved|liked)\b",
        re.IGNORECASE,
    ),
    "CLOSE": re.compile(
        r"\b(?:bye|goodbye|thanks|thank|thx|later|night|go|going|leave|give up|forget|"
        r"never ?mind|done|enough|pass|cya|see you|off|own|myself|working|quit|stop|anyway|"
        r"helps?|time|whatever|tv|late|nothing|not)\b",
        re.IGNORECASE,
    ),
}

_STOP = frozenset(
    (
        "a", "an", "the", "and", "or", "but", "so", "i", "i'm", "im", "me", "my", "you",
        "your", "it", "its", "it's", "is", "are", "was", "were", "be", "been", "to", "of",
        "in", "on", "at", "for",
        "with", "that", "this", "those", "these", "there", "what", "some", "any", "just", "really",
        "very", "do", "does", "did", "have", "has", "had", "not", "no", "yes", "oh", "hmm", "um",
        "ok", "okay", "well", "like", "maybe", "one",
    )
)


@functools.lru_cache(maxsize=256)
def _genre_words(genre: str) -> frozenset[str]:
    """Content words of the template's wordings of ``genre`` (its nouns and modifiers)."""
    lex = genre_lex(genre)
    phrases = (*lex.sg, *lex.pl, *lex.mass, *lex.mod)
    words = {w for p in phrases for w in normalize(p).replace("'", " ").split()}
    own = normalize(genre.replace("-", " "))[:5]
    others = {normalize(g.replace("-", " "))[:5] for g in GENRE_NAMES} - {own}
    return frozenset(
        w
        for w in words
        if len(w) > 3 and w not in _GENERIC and not any(w.startswith(o) for o in others)
    )


# Words of genre wordings that name no genre ("a good movie", "something with ...").
_GENERIC = frozenset(
    ("movie", "movies", "film", "films", "flick", "flicks", "good", "something", "stuff",
     "with", "that", "great", "kind", "real", "some", "looks", "screen", "story", "stories",
     "makes", "lots", "about")
)


def facet_mentioned(text: str, facet: Facet) -> bool:
    """Whether ``text`` says ``facet`` in some recognisable form: a genre or tag by its word
    stem ("comed" for comedies), a decade as 1990/1990s/90s/nineties, an era by a word for
    old or new, a liked film by its title. Kinds it cannot check count as mentioned."""
    words = normalize(text).replace("'", " ").split()
    flat = f" {' '.join(words)} "
    if facet.kind in ("genre", "tag", "avoid"):
        stems = [w[:5] for w in normalize(facet.value.replace("-", " ")).split() if len(w) > 2]
        if not stems:
            return True
        if "sci" in normalize(facet.value).split():
            stems = ["sci", "scien", "scifi"]
        if any(w.startswith(st) for st in stems for w in words):
            return True
        # The template's own words for a genre ("suspense" for Thriller, "scary" for Horror):
        # a rewrite that keeps the draft's wording says the genre too.
        return facet.kind != "tag" and any(w in words for w in _genre_words(facet.value))
    if facet.kind == "decade":
        try:
            decade = int(facet.value)
        except ValueError:
            return True
        short = f"{decade % 100:02d}"
        forms = {str(decade), f"{decade}s", f"{short}s", short, _DECADE_WORDS.get(decade, "")}
        return any(f and f" {f} " in flat for f in forms)
    if facet.kind == "era":
        return facet.value not in _ERA_WORDS or any(w in words for w in _ERA_WORDS[facet.value])
    if facet.kind == "like":
        key = normalize(facet.title or facet.value)
        return not key or f" {key} " in f" {normalize(text)} "
    return True


def intent_cue_missing(intent: str, text: str, draft: str | None = None) -> bool:
    """Whether ``text`` lacks the cue its intent needs to stay true: a rejection or critique
    with no negative word, an inquiry or opinion request with no question, an acceptance
    with no positive word, "seen it" with no seeing, a closing with no goodbye, thanks or
    giving up. Other intents have no cue to check.

    With a ``draft`` (draft mode) only a cue the draft had can go missing: people say "no"
    in many ways, and the draft is the reference for this turn.
    """
    cue = _CUES.get(intent)
    if cue is None or (draft is not None and cue.search(draft) is None):
        return False
    return cue.search(text) is None


def draft_overlap(text: str, draft: str) -> float:
    """Share of the draft's content words (no stop words) that the rewrite kept, in [0, 1];
    1 when the draft has none."""
    want = {w for w in normalize(draft).split() if w not in _STOP}
    if not want:
        return 1.0
    got = set(normalize(text).split())
    return len(want & got) / len(want)


def leaks_goal(text: str, target_title: str, crs_mentioned: bool) -> bool:
    """Whether the user names the target before the CRS did.

    Same rule as the session's ``target_named_by_user`` column: the normalised title occurs,
    word-aligned, in the normalised text.
    """
    if crs_mentioned:
        return False
    key = normalize(target_title)
    return bool(key) and f" {key} " in f" {normalize(text)} "


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def length_bounds(verbosity: str) -> tuple[int, int]:
    """(min, max) words per turn for a verbosity level; ``average`` for unknown levels."""
    return LENGTH_BOUNDS.get(verbosity, LENGTH_BOUNDS["average"])


def check_length(text: str, bounds: tuple[int, int]) -> str | None:
    """``"short"``, ``"long"`` or None when the word count is within ``bounds``."""
    n = word_count(text)
    if n < bounds[0]:
        return "short"
    if n > bounds[1]:
        return "long"
    return None


def trim_words(text: str, max_words: int) -> str:
    """Cut ``text`` to at most ``max_words`` words, at a sentence end when one is late enough
    (past half the budget), else at the word limit."""
    words = _WORDS.findall(text)
    if len(words) <= max_words:
        return text
    head = " ".join(words[:max_words])
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", head)]
    if ends and word_count(head[: ends[-1]]) * 2 >= max_words:
        return head[: ends[-1]]
    return head.rstrip(",;:-")
