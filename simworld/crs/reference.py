"""The reference CRS: simworld's default endpoint, an aiohttp server speaking CRS protocol v1.

It is a credible baseline rather than a smart one: a rule-based reading of each turn
(:mod:`simworld.crs.nlu`), preferences accumulated per session, and a numpy ranker over the
catalog (:mod:`simworld.crs.ranker`). It asks about genre and then period when it knows too
little, pitches ``k`` items with a reason, and handles "more", rejections, "I've seen it",
"why?"/questions about the last pick, acceptance and goodbye.

Replies are deterministic: the wording is chosen among several templates per act by a hash
of (session id, turn number), never by a global random generator.

Routes (see :mod:`simworld.crs.protocol`)::

    POST   /v1/sessions/{session_id}/turns   {"user_id": str, "text": str}
           -> 200 {"text": str, "items": [{"id", "title", "score"}], "done": bool}
           -> 400 {"error": "<field>: ..."} | 413 {"error": "body: ..."}
    DELETE /v1/sessions/{session_id}          -> 204 (also for unknown sessions)
    GET    /healthz                           -> 200 {"status": "ok", "items": N, "strategy": ...}

Run it in-process with :class:`EmbeddedCRS`, or standalone with :func:`serve`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType

from aiohttp import web

from simworld.catalog import Catalog, Item
from simworld.crs.nlu import Act, Lexicon, Reading, parse
from simworld.crs.ranker import STRATEGIES, Preferences, Ranked, RankIndex, Reasons, Strategy
from simworld.errors import ConfigError

MAX_BODY_BYTES = 64 * 1024
MAX_SESSION_ID_CHARS = 256


# ---------------------------------------------------------------------------------------------
# Session state and replies
# ---------------------------------------------------------------------------------------------


@dataclass
class SessionState:
    """Everything the CRS remembers about one conversation."""

    user_id: str
    prefs: Preferences = field(default_factory=Preferences)
    turn: int = 0
    recommended: list[str] = field(default_factory=list)
    last_recs: list[str] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)  # said seen, or named by the user
    accepted: list[str] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # clarifying questions already asked
    pending_seen: str | None = None  # we asked "did you like it?" about this item

    def excluded(self) -> set[str]:
        return set(self.recommended) | self.rejected | self.seen | set(self.accepted)


@dataclass(frozen=True, slots=True)
class Reply:
    """One CRS turn: text, the items it recommends (maybe none), whether it ends the session."""

    text: str
    items: tuple[Ranked, ...] = ()
    done: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "items": [
                {"id": r.item.item_id, "title": r.item.display_title, "score": round(r.score, 4)}
                for r in self.items
            ],
            "done": self.done,
        }


# ---------------------------------------------------------------------------------------------
# Wording
# ---------------------------------------------------------------------------------------------

_GENRE_NOUN = {
    "Action": "action films", "Adventure": "adventures", "Animation": "animated films",
    "Children": "family films", "Comedy": "comedies", "Crime": "crime films",
    "Documentary": "documentaries", "Drama": "dramas", "Fantasy": "fantasy films",
    "Film-Noir": "film noir", "Horror": "horror films", "IMAX": "IMAX films",
    "Musical": "musicals", "Mystery": "mysteries", "Romance": "romances", "Sci-Fi": "sci-fi",
    "Thriller": "thrillers", "War": "war films", "Western": "westerns",
}
_GENRE_LABEL = {
    "Animation": "animation", "Children": "family", "Film-Noir": "film noir", "Sci-Fi": "sci-fi",
    "IMAX": "IMAX",
}
_GENRE_FEEL = {
    "Horror": "scary", "Comedy": "funny", "Children": "family-friendly", "Romance": "romantic",
    "Thriller": "tense", "Action": "action-packed", "Drama": "dramatic", "Animation": "animated",
    "Sci-Fi": "sci-fi", "Musical": "full of songs", "Documentary": "factual",
    "Mystery": "puzzling", "Fantasy": "magical", "Crime": "gritty", "War": "intense",
}

_T = dict[str, tuple[str, ...]]
_TEMPLATES: _T = {
    "ask_genre": (
        "What kind of movies do you like? Comedy, drama, sci-fi...?",
        "Sure! Any genre in mind, something funny, scary, romantic?",
        "Happy to help. What sort of film are you in the mood for?",
        "Tell me a genre you enjoy, or a movie you loved, and I'll find something.",
    ),
    "greet": (
        "Hi! What kind of movie are you in the mood for?",
        "Hello! Tell me what you like to watch and I'll find something.",
        "Hey there! Any genre you fancy today?",
    ),
    "ask_period": (
        "Got it, {topic}. Do you prefer something recent or an older classic?",
        "{Topic}, nice. Any particular decade in mind?",
        "Okay, {topic}! New releases, or are older films fine too?",
        "Sounds good: {topic}. Should it be recent, or does the era not matter?",
    ),
    "because_similar": ("Since you liked {ref}", "If you enjoyed {ref}", "Going by {ref}"),
    "because_genre": ("Since you like {nouns}", "As you're after {nouns}", "For {nouns}"),
    "because_tag": ("Since you mentioned {tag}", "For something with {tag}"),
    "because_period": ("Since you wanted something {period}", "For something {period}"),
    "propose_because": (
        "{because}, how about {lead}?",
        "{because}, I'd suggest {lead}.",
        "{because}, you might like {lead}.",
        "{because}, try {lead}.",
    ),
    "propose": (
        "How about {lead}?",
        "I'd suggest {lead}.",
        "You might like {lead}.",
        "Here's one: {lead}.",
    ),
    "describe": ("It's {desc}.", "{short} is {desc}.", "That one's {desc}."),
    "popular_note": (
        "It's one of the most popular films around.",
        "Lots of people love this one.",
    ),
    "others": (
        "You could also try {others}.",
        "Other options: {others}.",
        "If that's not it, there's {others}.",
        "Also worth a look: {others}.",
    ),
    "more": ("Here are a few more.", "Sure, some other options.", "Okay, let me dig further."),
    "reject": (
        "No problem, I'll skip {title}.",
        "Fair enough, scratch {title}.",
        "Understood, not {title} then.",
    ),
    "seen": (
        "Ah, you've already seen {title}. Did you like it?",
        "Oh, so {title} is one you've seen. Did you enjoy it?",
        "Good to know you've seen {title}. Was it any good?",
    ),
    "nudge": (
        "Want more options, or does one of these work for you?",
        "Shall I find something else, or is one of these a good fit?",
        "Any of those catch your eye? I can find more if not.",
    ),
    "chitchat": (
        "Doing well, thanks for asking!",
        "All good here, thanks!",
        "I'm great, thank you.",
    ),
    "anything_else": (
        "Anything else I can help you find?",
        "Happy watching! Need anything else?",
        "Glad we found one. Anything else?",
    ),
    "seen_all": ("Ah, you've seen all of those.", "Okay, those are all seen then."),
    "seen_liked": ("Glad you liked {title}!", "Nice, {title} is a good one."),
    "seen_disliked": (
        "Fair enough, {title} wasn't for you.",
        "Noted, I'll steer away from films like {title}.",
    ),
    "restart": ("Sure, let's start fresh.", "Okay, clean slate."),
    "accept": (
        "Great choice! Enjoy {title}.",
        "Glad that works. {title} it is, enjoy!",
        "Perfect, enjoy {title}! Let me know if you want anything else.",
        "Happy to help. Enjoy watching {title}!",
    ),
    "thanks": (
        "You're welcome! Anything else you'd like?",
        "My pleasure. Want another suggestion?",
        "Any time! Shall I look for something else?",
    ),
    "bye": (
        "Goodbye, and enjoy the movie!",
        "Bye! Happy watching.",
        "Take care, and come back for more picks any time.",
        "See you! Hope you find something great.",
    ),
    "bye_accepted": ("Enjoy {title}! Goodbye.", "Have fun watching {title}. Bye!"),
    "why": (
        "I picked {title} because {reasons}. It's {desc}.",
        "{title} came up because {reasons}; it's {desc}.",
        "Mainly because {reasons}: {title} is {desc}.",
    ),
    "why_popular": (
        "Honestly, mostly because it's popular and well liked. {title} is {desc}.",
        "It's a crowd favourite, and a safe bet: {title} is {desc}.",
    ),
    "genre_yes": ("Yes, {title} is {desc}, so expect it to be {feel}.", "It is: {desc}."),
    "genre_no": ("Not really, {title} is {desc}.", "Not especially: it's {desc}."),
    "unknown_detail": (
        "I don't have {what} details, but {title} is {desc}.",
        "My catalog doesn't list the {what}, sorry. {title} is {desc}.",
    ),
    "year": ("It came out in {year}.", "{title} is from {year}."),
    "rating_popular": (
        "It's one of the most-watched films in my catalog.",
        "It's very popular, people rate it a lot.",
    ),
    "rating_niche": (
        "It's a lesser-known pick, but it fits what you asked for.",
        "Not a blockbuster, more of a hidden gem.",
    ),
    "general": (
        "{title} is {desc}. Does that sound good, or shall I find something else?",
        "It's {desc}. Want it, or another option?",
    ),
    "nothing_yet": (
        "I haven't suggested anything yet. What are you in the mood for?",
        "Nothing picked yet! Tell me what you like and I'll suggest something.",
    ),
    "exhausted": (
        "I've run out of titles that fit. Want to try a different genre?",
        "That's everything I have along those lines. Shall we try something else?",
    ),
}
_DETAIL_WORD = {
    "plot": "plot", "cast": "cast", "director": "director", "length": "runtime",
    "stream": "streaming",
}


class _Say:
    """Picks wording for one turn: template choice hashed from (session id, turn, slot)."""

    def __init__(self, session_id: str, turn: int) -> None:
        self._prefix = f"{session_id}\x00{turn}\x00"

    def __call__(self, slot: str, **values: str) -> str:
        options = _TEMPLATES[slot]
        digest = hashlib.blake2b((self._prefix + slot).encode(), digest_size=8).digest()
        text = options[int.from_bytes(digest, "big") % len(options)]
        return text.format(**values)


def _reply(ack: Sequence[str], text: str) -> Reply:
    """A reply without items: acknowledgements first, then ``text``."""
    return Reply(" ".join([*ack, text]))


def _label(genre: str) -> str:
    return _GENRE_LABEL.get(genre, genre.lower())


def _noun(genre: str) -> str:
    return _GENRE_NOUN.get(genre, f"{genre.lower()} films")


def _join(parts: Sequence[str], last: str = "and") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _describe(item: Item, first: Sequence[str] = (), tags: Sequence[str] = ()) -> str:
    """'a comedy/romance from 1993, tagged "time travel"' (liked genres listed first)."""
    genres = [g for g in first if g in item.genres]
    genres += [g for g in item.genres if g not in genres]
    label = "/".join(_label(g) for g in genres[:3]) or "film"
    text = f"{_article(label)} {label}"
    if item.year is not None:
        text += f" from {item.year}"
    if tags:
        text += ", tagged " + _join([_quote(t) for t in tags[:2]])
    return text


def _quote(tag: str) -> str:
    return f'"{tag}"'



# ---------------------------------------------------------------------------------------------
# Dialogue policy
# ---------------------------------------------------------------------------------------------


class ReferenceCRS:
    """The reference CRS without HTTP: sessions in a bounded LRU and the dialogue policy."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        strategy: str = "preference",
        k: int = 3,
        max_sessions: int = 100_000,
    ) -> None:
        if strategy not in STRATEGIES:
            raise ConfigError.expected(
                f"one of {', '.join(STRATEGIES)}", strategy, field="strategy"
            )
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ConfigError.expected("an integer >= 1", k, field="k")
        if isinstance(max_sessions, bool) or not isinstance(max_sessions, int) or max_sessions < 1:
            raise ConfigError.expected("an integer >= 1", max_sessions, field="max_sessions")
        self.catalog = catalog
        self.strategy: Strategy = "preference" if strategy == "preference" else "popularity"
        self.k = k
        self.max_sessions = max_sessions
        self.lexicon = Lexicon.from_catalog(catalog)
        self.index = RankIndex(catalog)
        self._tag_freq = {t: len(ix) for t, ix in self.index.tag_items.items()}
        self._sessions: OrderedDict[str, SessionState] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sessions)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    def end(self, session_id: str) -> bool:
        """Forget a session; False when it was unknown."""
        return self._sessions.pop(session_id, None) is not None

    def _session(self, session_id: str, user_id: str) -> SessionState:
        st = self._sessions.get(session_id)
        if st is None or st.user_id != user_id:  # another user on the same id starts afresh
            st = SessionState(user_id=user_id)
            self._sessions[session_id] = st
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
        self._sessions.move_to_end(session_id)
        return st

    # -- one turn ---------------------------------------------------------------------------
    def respond(self, session_id: str, user_id: str, text: str) -> Reply:
        """The CRS reply to one user utterance in a session (created on first use)."""
        st = self._session(session_id, user_id)
        st.turn += 1
        say = _Say(session_id, st.turn)
        r = parse(text, self.lexicon)
        ack: list[str] = []
        if r.has(Act.CHITCHAT):
            ack.append(say("chitchat"))
        if r.has(Act.RESTART):
            st.prefs.clear()
            st.asked.clear()
            ack.append(say("restart"))
        # Titles from the list just shown are feedback on it, not new tastes.
        shown = set(st.last_recs)
        liked_shown = [x for x in r.liked if x in shown]
        disliked_shown = [x for x in r.disliked if x in shown]
        named_other = [x for x in r.titles if x not in shown]
        taste = replace(
            r,
            liked=tuple(x for x in r.liked if x not in shown),
            disliked=tuple(x for x in r.disliked if x not in shown),
        )
        changed = st.prefs.absorb(taste)
        if r.has(Act.INDIFFERENT):
            st.asked.update(("genre", "period"))  # "any decade": stop asking, recommend
        st.seen.update(named_other)  # never recommend a film the user named
        pending, st.pending_seen = st.pending_seen, None

        if r.has(Act.GOODBYE):
            return self._farewell(st, say, r)
        if pending is not None and r.has(Act.AFFIRM, Act.DENY) and not named_other:
            return self._seen_answer(st, say, ack, pending, liked=r.has(Act.AFFIRM))
        if r.has(Act.SEEN) and st.last_recs and not named_other:
            return self._seen(st, say, ack, self._focus(st, r), r.opinion)
        if r.has(Act.WHY, Act.INQUIRE) and st.last_recs and not changed:
            return _reply(ack, self._explain(st, say, r))
        pointed = r.refs or any(x in shown for x in r.titles)
        if pointed and r.question and st.last_recs and not changed and not r.acts - {Act.REQUEST}:
            return _reply(ack, self._explain(st, say, r, topic="general"))  # "the second one?"
        if r.has(Act.ACCEPT) and not r.has(Act.REJECT, Act.MORE) and st.last_recs and not changed:
            chosen = self._focus(st, r)[0]
            if chosen not in st.accepted:
                st.accepted.append(chosen)
            return _reply(ack, say("accept", title=self.catalog.get(chosen).display_title))
        if disliked_shown or (r.has(Act.REJECT) and st.last_recs and not named_other):
            return self._reject(st, say, ack, disliked_shown or self._focus(st, r))
        if liked_shown and not r.has(Act.MORE):  # "I love Heat!": seen it, and liked it
            return self._seen(st, say, ack, liked_shown, 1)
        if r.has(Act.MORE):
            if st.last_recs and not changed:
                ack.append(say("more"))
            return self._recommend(st, say, ack)
        if changed or r.has(Act.RESTART):
            return self._recommend_or_ask(st, say, ack)
        if r.has(Act.THANKS):
            return _reply(ack, say("thanks"))
        if r.has(Act.GREETING) and not st.recommended:
            st.asked.add("genre")
            return _reply(ack, say("ask_genre" if ack else "greet"))
        if r.has(Act.WHY, Act.INQUIRE) and not st.last_recs:
            return _reply(ack, say("nothing_yet"))
        if r.has(Act.AFFIRM, Act.CHITCHAT) and st.last_recs:
            # a bare "ok" or small talk after a list: nudge rather than assume
            taken = any(x in st.accepted for x in st.last_recs)
            return _reply(ack, say("anything_else" if taken else "nudge"))
        return self._recommend_or_ask(st, say, ack)

    def _seen_answer(
        self, st: SessionState, say: _Say, ack: list[str], item_id: str, *, liked: bool
    ) -> Reply:
        """The answer to "did you like it?" about a film the user had seen."""
        title = self.catalog.get(item_id).display_title
        if liked:
            st.prefs.like(item_id)
            ack.append(say("seen_liked", title=title))
        else:
            st.prefs.dislike(item_id)
            ack.append(say("seen_disliked", title=title))
        return self._recommend(st, say, ack)

    def _seen(
        self, st: SessionState, say: _Say, ack: list[str], targets: list[str], opinion: int
    ) -> Reply:
        """The user has seen ``targets``: never show them again. Use their verdict when they
        gave one ("seen it, loved it"), else ask about a single film."""
        st.seen.update(targets)
        if opinion and len(targets) == 1:
            return self._seen_answer(st, say, ack, targets[0], liked=opinion > 0)
        for x in targets if opinion else ():
            if opinion > 0:
                st.prefs.like(x)
            else:
                st.prefs.dislike(x)
        if len(targets) == 1:
            st.pending_seen = targets[0]
            ack.append(say("seen", title=self.catalog.get(targets[0]).display_title))
        else:
            ack.append(say("seen_all"))
        return self._recommend(st, say, ack)

    def _reject(self, st: SessionState, say: _Say, ack: list[str], targets: list[str]) -> Reply:
        st.rejected.update(targets)
        st.prefs.reject(targets)
        ack.append(say("reject", title=_join([self.catalog.get(x).title for x in targets])))
        return self._recommend(st, say, ack)

    def _focus(self, st: SessionState, r: Reading) -> list[str]:
        """The items of the last list the user refers to: named, "the second one", "both";
        by default the one they accepted, else the first (the one the pitch was about)."""
        if r.ref_all:
            return list(st.last_recs)
        out = [x for x in r.titles if x in st.last_recs]
        for i in r.refs:
            if -len(st.last_recs) <= i < len(st.last_recs) and st.last_recs[i] not in out:
                out.append(st.last_recs[i])
        taken = [x for x in st.accepted if x in st.last_recs]
        return out or taken[-1:] or st.last_recs[:1]

    def _farewell(self, st: SessionState, say: _Say, r: Reading) -> Reply:
        taken = any(x in st.accepted for x in st.last_recs)
        if r.has(Act.ACCEPT) and st.last_recs and not taken and not r.has(Act.REJECT):
            chosen = self._focus(st, r)[0]
            if chosen not in st.accepted:
                st.accepted.append(chosen)
        if st.accepted:
            title = self.catalog.get(st.accepted[-1]).display_title
            return Reply(say("bye_accepted", title=title), done=True)
        return Reply(say("bye"), done=True)

    def _recommend_or_ask(self, st: SessionState, say: _Say, ack: list[str]) -> Reply:
        """Ask about genre, then period, while too little is known; else recommend."""
        prefs = st.prefs
        if not st.recommended:
            if not prefs.has_content and "genre" not in st.asked:
                st.asked.add("genre")
                return _reply(ack, say("ask_genre"))
            if (
                prefs.has_content and not prefs.has_period and not prefs.liked
                and "period" not in st.asked
            ):
                st.asked.add("period")
                topic = self._topic(prefs)
                question = say("ask_period", topic=topic, Topic=topic[:1].upper() + topic[1:])
                return _reply(ack, question)
        return self._recommend(st, say, ack)

    def _topic(self, prefs: Preferences) -> str:
        genres = [g for g, w in sorted(prefs.genres.items(), key=lambda kv: -kv[1]) if w > 0]
        if genres:
            return _join([_noun(g) for g in genres[:2]])
        tags = [t for t, w in prefs.tags.items() if w > 0]
        return f'something "{tags[0]}"' if tags else "something good"

    def _recommend(self, st: SessionState, say: _Say, ack: list[str]) -> Reply:
        ranked = self.index.rank(st.prefs, exclude=st.excluded(), k=self.k, strategy=self.strategy)
        st.last_recs = [r.item.item_id for r in ranked]
        st.recommended.extend(st.last_recs)
        if not ranked:
            return _reply(ack, say("exhausted"))
        return Reply(" ".join([*ack, self._pitch(st, say, ranked)]), tuple(ranked))

    def _pitch(self, st: SessionState, say: _Say, ranked: list[Ranked]) -> str:
        lead = ranked[0].item
        why = self.index.explain(st.prefs, lead)
        because = self._because(say, why)
        if because:
            parts = [say("propose_because", because=because, lead=lead.display_title)]
        else:
            parts = [say("propose", lead=lead.display_title)]
        parts.append(say("describe", desc=self._describe(lead, why), short=lead.title))
        if not because and why.popular:
            parts.append(say("popular_note"))
        others = [r.item.display_title for r in ranked[1:]]
        if others:
            parts.append(say("others", others=_join(others, "or")))
        return " ".join(parts)

    def _describe(self, item: Item, why: Reasons) -> str:
        """The item in a few words; wanted tags first, then its most widespread ones."""
        rest = sorted(
            (t for t in set(item.tags) if t not in why.tags and not self.lexicon.names_genre(t)),
            key=lambda t: (-self._tag_freq.get(t, 0), t),
        )
        return _describe(item, why.genres, [*why.tags, *rest])

    def _because(self, say: _Say, why: Reasons) -> str:
        if why.similar_to is not None:
            return say("because_similar", ref=why.similar_to.display_title)
        if why.genres:
            return say("because_genre", nouns=_join([_noun(g) for g in why.genres[:2]]))
        if why.tags:
            return say("because_tag", tag=_quote(why.tags[0]))
        if why.period:
            return say("because_period", period=why.period)
        return ""

    def _explain(
        self, st: SessionState, say: _Say, r: Reading, topic: str | None = None
    ) -> str:
        """Answer "why?" or a question (``topic``, else the reading's) about the item."""
        item = self.catalog.get(self._focus(st, r)[0])
        why = self.index.explain(st.prefs, item)
        title = item.display_title
        desc = self._describe(item, why)
        if topic is None and r.has(Act.INQUIRE) and not r.has(Act.WHY):
            topic = r.topic
        if topic is not None and topic.startswith("genre:"):
            genre = topic.split(":", 1)[1]
            plain = _describe(item, (genre,))
            if genre in item.genres:
                feel = _GENRE_FEEL.get(genre, _label(genre))
                return say("genre_yes", title=title, desc=plain, feel=feel)
            return say("genre_no", title=title, desc=plain)
        if topic in _DETAIL_WORD:
            return say("unknown_detail", what=_DETAIL_WORD[topic], title=title, desc=desc)
        if topic == "year":
            if item.year is None:
                return say("unknown_detail", what="release", title=title, desc=desc)
            return say("year", title=item.title, year=str(item.year))
        if topic == "rating":
            return say("rating_popular" if why.popular else "rating_niche")
        if topic in ("genre", "general"):
            return say("general", title=title, desc=desc)
        reasons: list[str] = []
        if why.similar_to is not None:
            reasons.append(f"it's close to {why.similar_to.display_title}, a film you liked")
        if why.genres:
            reasons.append(f"you said you like {_join([_noun(g) for g in why.genres[:2]])}")
        if why.tags:
            reasons.append("it's tagged " + _join([_quote(t) for t in why.tags[:2]]))
        if why.period:
            reasons.append(f"you wanted something {why.period}")
        if not reasons:
            return say("why_popular", title=title, desc=desc)
        if why.popular:
            reasons.append("it's very popular")
        return say("why", title=title, reasons=_join(reasons), desc=desc)


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

_CRS_KEY = web.AppKey("crs", ReferenceCRS)
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


@web.middleware
async def _json_errors(request: web.Request, handler: _Handler) -> web.StreamResponse:
    """Routing errors (404, 405) as JSON like every other error of this server."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() == "allow"}
        resp = _error(exc.status, f"{request.method} {request.path}: {exc.reason}")
        resp.headers.update(headers)
        return resp


async def _turn(request: web.Request) -> web.Response:
    session_id = request.match_info["session_id"]
    if len(session_id) > MAX_SESSION_ID_CHARS:
        return _error(400, f"session_id: expected at most {MAX_SESSION_ID_CHARS} characters, "
                      f"got {len(session_id)}")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, f"body: larger than the {MAX_BODY_BYTES} bytes allowed")
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"body: expected a JSON object, got invalid JSON ({exc})")
    if not isinstance(payload, dict):
        return _error(400, f"body: expected a JSON object, got {_json_type(payload)}")
    for name in ("user_id", "text"):
        if name not in payload:
            return _error(400, f"{name}: missing; expected a string")
        if not isinstance(payload[name], str):
            return _error(400, f"{name}: expected a string, got {_json_type(payload[name])}")
    reply = request.app[_CRS_KEY].respond(session_id, payload["user_id"], payload["text"])
    return web.json_response(reply.to_json())


async def _delete(request: web.Request) -> web.Response:
    request.app[_CRS_KEY].end(request.match_info["session_id"])
    return web.Response(status=204)


async def _healthz(request: web.Request) -> web.Response:
    crs = request.app[_CRS_KEY]
    return web.json_response(
        {"status": "ok", "items": len(crs.catalog), "strategy": crs.strategy}
    )


def make_app(
    catalog: Catalog,
    *,
    strategy: str = "preference",
    k: int = 3,
    max_sessions: int = 100_000,
) -> web.Application:
    """The reference CRS as an aiohttp application (protocol v1) over ``catalog``.

    Raises :class:`ConfigError` naming ``strategy``, ``k`` or ``max_sessions`` when invalid.
    """
    crs = ReferenceCRS(catalog, strategy=strategy, k=k, max_sessions=max_sessions)
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[_json_errors])
    app[_CRS_KEY] = crs
    app.router.add_post("/v1/sessions/{session_id}/turns", _turn)
    app.router.add_delete("/v1/sessions/{session_id}", _delete)
    app.router.add_get("/healthz", _healthz)
    return app


class EmbeddedCRS:
    """The reference CRS served in-process on 127.0.0.1 and a free port.

    ``async with EmbeddedCRS(catalog) as crs: ... crs.url ...``; the server stops cleanly on
    exit, also when the body raises.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        strategy: str = "preference",
        k: int = 3,
        max_sessions: int = 100_000,
        host: str = "127.0.0.1",
    ) -> None:
        self._app = make_app(catalog, strategy=strategy, k=k, max_sessions=max_sessions)
        self._host = host
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123`` (only while running)."""
        if self._port is None:
            raise RuntimeError("EmbeddedCRS is not running; use it as 'async with'")
        return f"http://{self._host}:{self._port}"

    @property
    def crs(self) -> ReferenceCRS:
        """The dialogue engine behind the server (for inspection in tests)."""
        return self._app[_CRS_KEY]

    async def __aenter__(self) -> EmbeddedCRS:
        runner = web.AppRunner(self._app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, 0)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        runner, self._runner, self._port = self._runner, None, None
        if runner is not None:
            await runner.cleanup()


async def serve(
    catalog: Catalog,
    host: str = "127.0.0.1",
    port: int = 8765,
    strategy: str = "preference",
    *,
    k: int = 3,
    started: asyncio.Event | None = None,
) -> None:
    """Serve the reference CRS until cancelled; prints nothing (the CLI does).

    ``started`` (optional) is set once the server listens. Raises :class:`ConfigError`
    (field ``port``) when the address cannot be bound.
    """
    runner = web.AppRunner(make_app(catalog, strategy=strategy, k=k), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}", field="port"
            ) from None
        if started is not None:
            started.set()
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
