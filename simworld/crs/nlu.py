"""Rule-based reading of one user utterance for the reference CRS.

:func:`parse` turns a sentence into a :class:`Reading`: the genres, tags, periods and titles
it mentions (each with a polarity: "no horror", "I hated Titanic"), and its dialogue acts
(accept, reject, seen, more, why, ...). It runs on every turn of every simulated session, so it
is a single left-to-right pass over the words with dictionary look-ups: no models, no I/O.

How polarity works: the text is cut into clauses (at punctuation and at "but", "however"...).
Inside a clause, negative cues ("no", "not", "hate", "anything but", "without") turn what
follows negative and positive cues ("like", "want", "something") turn it back, unless they come
right after a negator ("don't like"). A mention with no cue before it can still be judged by
what follows in its clause ("westerns are boring", "Heat was great").

Build a :class:`Lexicon` once per catalog (it indexes the catalog's genres and tags) and call
``parse(text, lexicon)``; both are pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from simworld.catalog import Catalog, Item, normalize
from simworld.crs.vocab import (
    BLOCKERS,
    CLAUSE_STARTERS,
    COMMON,
    DECADE_WORDS,
    ERA_WORDS,
    GENRE_COMBOS,
    GENRE_WORDS,
    INTERJECTIONS,
    NEG_VERBS,
    NEGATORS,
    NEUTRAL,
    NOT_SPLIT_BEFORE_BUT,
    POS_CUES,
    POST_NEG,
    POST_POS,
    REFS,
    SEPARATOR_WORDS,
    WEAK_GENRE_WORDS,
    folded,
)
from simworld.crs.vocab import Era as Era


class Act(StrEnum):
    """Dialogue acts a user turn can perform (several at once: "great, thanks, bye")."""

    GREETING = "greeting"
    REQUEST = "request"  # asks for a recommendation
    ACCEPT = "accept"  # takes the recommendation
    REJECT = "reject"  # turns the recommendation down
    SEEN = "seen"  # has already seen it
    MORE = "more"  # wants other options
    WHY = "why"  # asks why it was recommended
    INQUIRE = "inquire"  # asks about the item (plot, cast, "is it scary?")
    AFFIRM = "affirm"  # a bare yes / "loved it": answers a yes-no question
    DENY = "deny"  # a bare no / "didn't like it"
    RESTART = "restart"  # start over
    INDIFFERENT = "indifferent"  # no preference: "any decade", "surprise me"
    CHITCHAT = "chitchat"  # small talk: "how are you?"
    THANKS = "thanks"
    GOODBYE = "goodbye"


@dataclass(frozen=True, slots=True)
class Reading:
    """What one utterance says. Item references are catalog item ids.

    ``after`` is the earliest wanted year (inclusive) and ``before`` the first unwanted year
    (exclusive). ``refs`` are positions in the last list shown ("the second one" -> 1,
    "the last one" -> -1); ``ref_all`` is set by "all of them", "none of these"...
    ``topic`` says what an inquiry is about: ``plot``, ``cast``, ``director``, ``length``,
    ``rating``, ``year``, ``genre``, ``genre:<Genre>`` ("is it scary?") or ``general``.
    """

    text: str
    acts: frozenset[Act] = frozenset()
    genres: tuple[str, ...] = ()
    neg_genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    neg_tags: tuple[str, ...] = ()
    decades: tuple[int, ...] = ()
    neg_decades: tuple[int, ...] = ()
    years: tuple[int, ...] = ()
    after: int | None = None
    before: int | None = None
    era: Era | None = None
    liked: tuple[str, ...] = ()
    disliked: tuple[str, ...] = ()
    mentioned: tuple[str, ...] = ()
    refs: tuple[int, ...] = ()
    ref_all: bool = False
    topic: str | None = None
    question: bool = False
    opinion: int = 0  # +1 "loved it" / -1 "it was boring": a verdict on a film seen

    def has(self, *acts: Act) -> bool:
        """True when the reading performs any of ``acts``."""
        return any(a in self.acts for a in acts)

    @property
    def titles(self) -> tuple[str, ...]:
        """Every item the utterance names, whatever the polarity."""
        return self.liked + self.disliked + self.mentioned

    @property
    def has_preferences(self) -> bool:
        """True when the utterance states any taste (genre, tag, period or title)."""
        return bool(
            self.genres or self.neg_genres or self.tags or self.neg_tags or self.decades
            or self.neg_decades or self.years or self.after is not None
            or self.before is not None or self.era or self.liked or self.disliked
        )




@dataclass(frozen=True, slots=True)
class _Feat:
    """One meaning of a phrase: ``kind`` in genre/tag/era/decade/ref/neg/negator/pos/neutral/
    post_neg/post_pos, with a string ``value``."""

    kind: str
    value: str = ""


@dataclass(frozen=True)
class Lexicon:
    """The phrase table of one catalog: genre synonyms present in it, its tags, cue words.

    Build with :meth:`from_catalog`; it is immutable and shared by all sessions.
    """

    catalog: Catalog
    phrases: Mapping[tuple[str, ...], tuple[_Feat, ...]]
    max_len: int

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Lexicon:
        table: dict[tuple[str, ...], list[_Feat]] = {}

        def add(phrase: str, feat: _Feat) -> None:
            key = tuple(normalize(phrase).split())
            if key:
                feats = table.setdefault(key, [])
                if feat not in feats:
                    feats.append(feat)

        for phrase in BLOCKERS:
            table.setdefault(tuple(normalize(phrase).split()), [])
        known = set(catalog.genres)
        for genre, words in GENRE_WORDS.items():
            if genre in known:
                for w in words:
                    add(w, _Feat("genre_weak" if w in WEAK_GENRE_WORDS else "genre", genre))
        for phrase, genres in GENRE_COMBOS.items():
            for g in genres:
                if g in known:
                    add(phrase, _Feat("genre", g))
        for genre in known:  # a custom catalog's own genre names, singular and plural
            base = normalize(genre)
            add(base, _Feat("genre", genre))
            if not base.endswith("s"):
                add(base + "s", _Feat("genre", genre))
        for phrase, decade in DECADE_WORDS.items():
            add(phrase, _Feat("decade", str(decade)))
        for phrase, era in ERA_WORDS.items():
            add(phrase, _Feat("era", era))
        for phrase, ref in REFS.items():
            add(phrase, _Feat("ref", ref))
        for phrase in NEGATORS:
            add(phrase, _Feat("negator"))
        for phrase in NEG_VERBS:
            add(phrase, _Feat("neg"))
        for phrase in POS_CUES:
            add(phrase, _Feat("pos"))
        for phrase in NEUTRAL:
            table[tuple(normalize(phrase).split())] = [_Feat("neutral")]
        for phrase in POST_NEG:
            add(phrase, _Feat("post_neg"))
        for phrase in POST_POS:
            add(phrase, _Feat("post_pos"))
        genre_names = {normalize(g) for g in known} | {normalize(g) + "s" for g in known}
        for tag in catalog.tags:
            key = normalize(tag)
            parts = key.split()
            if not parts or len(key) < 3 or key.replace(" ", "").isdigit():
                continue
            if all(w in COMMON for w in parts) or key in genre_names:
                continue  # "good" fires on chat; "comedy" would count the genre twice
            add(key, _Feat("tag", tag))
        frozen = {k: tuple(v) for k, v in table.items()}
        return cls(catalog=catalog, phrases=frozen, max_len=max(len(k) for k in frozen))

    def names_genre(self, text: str) -> bool:
        """True when ``text`` as a whole is a genre word ("sci-fi", "science fiction")."""
        feats = self.phrases.get(tuple(normalize(text).split()), ())
        return any(f.kind in ("genre", "genre_weak") for f in feats)


# ---------------------------------------------------------------------------------------------
# Dialogue acts (matched per clause on its normalized words, titles masked out)
# ---------------------------------------------------------------------------------------------

_OBJ = r"(?:it|that|this|them|that one|this one|xtitlex|the (?:first|second|third|last)(?: one)?)"
_ACT_RE: dict[Act, re.Pattern[str]] = {
    act: re.compile(p)
    for act, p in {
        Act.GREETING: r"^(?:hi|hello|hey|heya|hiya|howdy|greetings|yo|hi there|hey there"
        r"|hello there|good (?:morning|afternoon|evening))\b",
        Act.GOODBYE: r"\b(?:bye|goodbye|good bye|bye bye|byebye|see (?:you|ya)|cya|take care"
        r"|gotta go|got to go|have (?:a )?(?:good|nice|great|lovely) (?:day|night|evening|one"
        r"|weekend)|(?<!a )good ?night|enjoy your (?:night|day|evening|weekend)|that'?s all"
        r"|that is all|that'?s it for (?:now|today)"
        r"|i'?m done|i am done|that'?ll be all|that will be all|i'?m all set|i am all set"
        r"|all set|nothing else|signing off|(?:talk|chat|speak) (?:to you )?(?:later|soon)"
        r"|catch you later|call it a (?:night|day)|i give up"
        r"|i'?ll give up|stop here)\b",
        Act.CHITCHAT: r"\b(?:how are you|how'?s (?:your day|it going|everything|your"
        r" (?:night|evening|weekend))|how are things|how have you been|how do you do"
        r"|hope you(?:'?re| are)? (?:doing )?(?:well|good|great)|hope you(?:'?re| are) having"
        r"|what'?s up|i'?m (?:good|fine|great|well) (?:and )?you|and you$|^you$"
        r"|how about you|what about you)\b",
        Act.THANKS: r"\b(?:thanks|thank you|thank u|thx|ty|cheers|much appreciated"
        r"|appreciate (?:it|that|the help)|many thanks|(?:very|so|really) helpful"
        r"|(?:was|were|been) (?:a )?(?:big |great |real |huge )?help(?:ful)?)\b",
        Act.ACCEPT: r"\b(?:sounds? (?:good|great|perfect|interesting|fun|awesome|nice|cool"
        r"|fine|amazing|excellent|lovely|promising|like a plan|right up my alley)"
        r"|(?:i'?ll|i will|we'?ll|we will|will|i'?m (?:\w+ )?(?:going to|gonna)|gonna|i'?d"
        r"|i would|i want to|let'?s|might|definitely) (?:\w+ )?(?:watch|try|take|stream|rent"
        rf"|go with|add|check out|give|like to watch|love to watch|see) {_OBJ}"
        rf"|(?:i'?ll|i will|we'?ll|will|gonna) check {_OBJ} out|check (?:it|that) out"
        r"|give (?:it|that|xtitlex|a shot to|a try to) (?:a (?:try|shot|go|watch))?"
        r"|go with (?:that|this|it)|that works|works for me|might work"
        r"|(?:great|good|nice|awesome) (?:choice|pick|suggestion|idea|call|one)|perfect|i'?m sold"
        rf"|love (?:it|that|this|the (?:look|sound) of)|i like {_OBJ}"
        r"|add(?:ed|ing)? (?:it |that |xtitlex )?to my (?:list|watchlist|queue)"
        r"|(?:goes|going|go|is going) on my (?:list|watchlist)|will do|(?:exactly|just) what i"
        r"|just the thing"
        r"|looks? (?:good|great|interesting|fun|promising|perfect|like just)"
        r"|should be (?:fun|good|great|interesting)|heard good things"
        r"|that'?ll do|yes please|count me in|it'?s a deal|that'?s the one"
        r"|(?:xtitlex|that one|this one|that|this) it is)\b",
        Act.REJECT: r"\b(?:not (?:that|this) one|no thanks|no thank you|i don'?t think so"
        rf"|(?:don'?t|do not|didn'?t|did not) (?:really )?(?:like|love|want|fancy) {_OBJ}"
        r"|(?:doesn'?t|does not|don'?t|do not) (?:sound|look|seem|do it for me)"
        r"|not (?:quite|feeling it|really feeling)|i'?ll pass|pass on (?:that|this|it|those"
        r"|them|xtitlex)|hard pass|nah|nope|none of (?:these|those|them|that)|no way"
        r"|skip (?:it|that|this|those|xtitlex)|not what i|not in the mood for (?:that|this"
        r"|it|those)|probably not|i don'?t know about (?:that|this|it|xtitlex)|nothing (?:is|are)"
        r" (?:really )?grabbing me|heard (?:mixed|bad|terrible) things|(?:wasn'?t|weren'?t"
        r"|isn'?t|aren'?t) (?:quite )?it|(?:doesn'?t|does not|don'?t|do not) do (?:much|anything)"
        r" for me|(?:haven'?t|hasn'?t|weren'?t|wasn'?t) been (?:quite )?(?:right|it)"
        r"|(?:don'?t|didn'?t|do not|did not) (?:really )?like the (?:trailer|sound|look|premise"
        r"|idea|plot))\b",
        Act.SEEN: r"\b(?:seen (?:it|that|this|them|those|these|both|all|already|before)"
        r"|i'?ve (?:seen|watched)|i have (?:seen|watched)|ive (?:seen|watched)"
        r"|already (?:seen|watched|saw)|(?:watched|saw) (?:it|that|this|them|those|both)"
        r"|i saw (?:it|that)|(?:saw|seen|watched) xtitlex|i saw already|saw (?:it )?already"
        r"|i remember (?:it|that|xtitlex)|been there)\b",
        Act.MORE: r"\b(?:anything else|something else|what else|other (?:options|suggestions"
        r"|ideas|recommendations|ones|movies|films|titles|picks|choices)|more (?:options"
        r"|suggestions|ideas|recommendations|movies|films|titles|picks|choices|please|of (?:those"
        r"|these|that|them)|like (?:that|this|those|these|it|them))|any more|some more"
        r"|show me more|give me more|one more|another(?! time)|any others|the others"
        r"|something different"
        r"|different (?:one|ones|options|suggestions)|alternatives?|keep (?:them|em) coming"
        r"|keep going|(?:got any|any|some|a few|a couple(?: of)?) (?:other|more)|what other"
        r"|^more|more$|next(?: one)?$|others$)\b",
        Act.WHY: r"\b(?:why|how come|what makes (?:it|that|this|you)|what made you"
        r"|what'?s the reason|for what reason)\b",
        Act.RESTART: r"\b(?:start (?:over|again|fresh)|new search|forget (?:that|everything"
        r"|what i said|all that|those|them|these)|scratch (?:that|everything|all that)"
        r"|scrap (?:that|all that|everything)|from scratch|completely different|reset"
        r"|change of plans?|different (?:direction|plan)|totally different)\b",
        Act.INDIFFERENT: r"\b(?:any (?:era|decade|period|time|year|genre|kind|type)"
        r"|(?:doesn'?t|does not|don'?t|do not) (?:matter|care(?! for)|mind)|whatever|surprise me"
        r"|no (?:preference|preferences)|not picky|anything (?:is fine|works|goes)"
        r"|either (?:is fine|way)|up to you|you (?:choose|pick|decide)|open to anything"
        r"|i'?m easy|(?:era|decade|period) (?:is|are) fine)\b",
        Act.REQUEST: r"\b(?:recommend|recommendation|recommendations|suggest|suggestion"
        r"|suggestions|looking for|look for|in the mood for|what should i watch|can you find"
        r"|find me|give me|show me|i want|i'?d like|i would like|any ideas|help me (?:find|pick"
        r"|choose)|movie night|something to watch|what to watch)\b",
        Act.AFFIRM: r"^(?:yes|yeah|yep|yup|yea|sure|of course|definitely|absolutely|ok|okay"
        r"|alright|fair enough|got it|i see|no problem|no worries)\b"
        r"|^(?:i did|i do|loved it|liked it|enjoyed it)$"
        r"|\b(?:i (?:loved|liked|enjoyed) (?:it|that)"
        r"|it was (?:great|good|amazing|awesome|fantastic|fun|excellent|brilliant))\b",
        Act.DENY: r"^(?:no|nope|nah|not really|not at all|i didn'?t|i did not|no no)$"
        r"|\b(?:i (?:hated|disliked) (?:it|that)|(?:didn'?t|did not) (?:like|enjoy|love)"
        r" (?:it|that)|it was (?:\w+ ){0,2}(?:bad|boring|terrible|awful|meh|not (?:great|good)))\b",
    }.items()
}
# A verdict on a film the user has seen ("loved it", "it was kind of boring").
_OPINION_POS = re.compile(
    r"\b(?:loved it|liked it|enjoyed it|love it|it was (?:(?!not\b)\w+ ){0,2}(?:great|good"
    r"|amazing|awesome|fantastic|fun|excellent|brilliant|a classic)|one of my favou?rites"
    r"|a favou?rite)\b"
)
_OPINION_NEG = re.compile(
    r"\b(?:hated it|didn'?t (?:like|enjoy|love) it|did not (?:like|enjoy|love) it"
    r"|it was (?:\w+ ){0,2}(?:bad|boring|terrible|awful|meh|overrated|not (?:very |that |so )?"
    r"(?:great|good|for me))|wasn'?t for me|was not for me|wasn'?t (?:great|good|my thing"
    r"|very good)|not a fan)\b"
)
# Closings that only end the session when the turn asks for nothing else ("never mind").
_SOFT_CLOSE = re.compile(
    r"\b(?:never ?mind|forget it|thanks for (?:the|your|all the) (?:help|suggestions"
    r"|recommendations|recs|ideas)|you(?:'?ve| have)? been (?:a )?(?:big |great )?help"
    r"|thank you for (?:the|your|all the) (?:help|suggestions|recommendations|ideas)"
    r"|(?:i|we) (?:think i |think we )?(?:have|got) (?:my|our) movie|great chat|nice chatting"
    r"|time to go|(?:make|grab|get) (?:some |the )?popcorn|can'?t wait to watch|^later$"
    r"|(?:not|aren'?t|isn'?t) getting anywhere|going nowhere"
    r"|^that'?s it$|(?:this|that) (?:is|was) useless|not helpful|you'?re not (?:helping|getting"
    r" it)|found (?:our|my|a|the) (?:movie|film|pick)"
    r"|this was (?:fun|great|helpful)|let you know how|this (?:isn'?t|is not) working"
    r"|(?:figure it out|look|look around|find something|check \w+) (?:on my own|myself"
    r"|somewhere else)|look somewhere else|watch whatever|i'?ll stop|waste of time"
    r"|(?:don'?t|do not) think this is working)\b"
)
# Acts whose match does not count right after a negator ("haven't seen it", "not perfect").
_NEGATABLE = frozenset({Act.SEEN, Act.ACCEPT})
_NEG_BEFORE = folded({"not", "don't", "dont", "never", "haven't", "havent", "hasn't",
                       "didn't", "didnt", "doesn't", "doesnt", "isn't", "isnt", "wasn't",
                       "weren't", "aren't", "ain't", "no", "won't", "hardly", "wouldn't"})
# What may come before a bare yes-word in a short accept ("that's great", "oh ok").
_YES_LEAD = folded({"that's", "thats", "sounds", "looks", "very", "really", "so", "oh", "ok",
                     "okay", "ah", "ooh", "alright", "yes", "yeah", "sure", "great", "cool"})
_BUT_WORDS = frozenset({"but", "though", "although", "however"})
# A bare "ok" or "sure" only acknowledges (AFFIRM); these accept in a short turn.
_SHORT_YES = frozenset({"yes", "yeah", "yep", "yup", "great", "awesome", "cool", "nice",
                        "excellent", "fantastic", "wonderful", "lovely", "good", "brilliant",
                        "perfect", "fine"})
_HEDGES = re.compile(
    r"\b(?:maybe|could be|possibly|might|think about|not sure|noted|huh|i guess|perhaps"
    r"|we'?ll see)\b"
)
_NOT_YES_BEFORE = frozenset({"night", "morning", "evening", "afternoon", "day", "bye", "mind"})
_FILLERS = frozenset({"hmm", "hm", "um", "uh", "eh", "ugh", "oh", "ah", "well", "sorry", "ok",
                      "okay", "so"})
_BARE_NO = frozenset({"no", "nope", "nah", "no no", "no way", "eh", "ugh", "sorry", "meh"})
# Rejections that only count when the clause names nothing: else "westerns are not for me"
# or "not a fan of musicals" state a taste rather than turn down the last suggestion.
_WEAK_REJECT = re.compile(
    r"\b(?:boring|not really(?! sure)|sounds boring|not great|no good|not for me|not a fan"
    r"|not keen"
    r"|neither|meh|not my (?:thing|taste|cup of tea|style|kind of)|not interested"
    r"|rather not|not into (?:it|that|this))\b"
)
# Item questions: a topic word ("cast", "rated") makes a clause an inquiry when the clause is a
# question or is about an item; else "I like films with good actors" would be one.
_INTERROGATIVE = re.compile(
    r"^(?:and |so |but |ok |okay |hmm |oh |also |sorry )?(?:what|what'?s|whats|who|who'?s|whos"
    r"|how|when|where|is|was|does|did|has|are|can you tell|could you tell|tell me|do you know"
    r"|any idea)\b"
)
# The clause points at an item ("it", "that one", a title)...
_ABOUT_ITEM = re.compile(
    r"\b(?:it|its|this one|that one|xtitlex|the movie|the film|(?:this|that)$)\b"
)
# ...or asks something only an item can answer, even without pointing at it.
_ITEM_TOPIC = re.compile(
    r"\b(?:what'?s the (?:plot|story|premise)|synopsis|premise|storyline|who stars"
    r"|who'?s starring|who directed|runtime|run time|how long is|what year|release date"
    r"|what genre is|tell me more|more info|more details)\b"
)
_ITEM_QUESTION = re.compile(
    r"^(?:and |so |but |ok |okay |also |hmm |oh |sorry )?(?:(?:is|was|does|did|will|would"
    r"|isn'?t|has) (?:it|this|that|this one|that one|the movie|the film|xtitlex)"
    r"|(?:is|are) there (?:any|a lot of|much|lots of)\b.*\b(?:it|xtitlex)"
    r"|would you (?:call|say|describe) (?:it|that|xtitlex)|how \w+ is (?:it|that|xtitlex))\b"
)
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(p))
    for topic, p in (
        ("plot", r"\b(?:what(?:'?s| is) (?:it|that|this|xtitlex)(?: one)?(?: movie| film)?"
         r" about|what'?s the (?:plot|story|premise)|plot|storyline|synopsis|premise"
         r"|what happens|summary)\b"),
        ("cast", r"\b(?:who(?:'?s| is) in (?:it|xtitlex)|who stars|who'?s starring|who plays"
         r"|cast|actors?|actress|starring|stars in)\b"),
        ("director", r"\b(?:who directed|director|directed by|who made (?:it|xtitlex))\b"),
        ("length", r"\b(?:how long|runtime|run time|length|minutes|super long|too long)\b"),
        ("rating", r"\b(?:ratings?|rated|reviews?|critics|any good|worth (?:it|watching)"
         r"|popular|well known)\b"),
        ("year", r"\b(?:what year|when (?:did|was) (?:it|that|this|xtitlex)|how old is"
         r"|release date|came out|come out|released)\b"),
        ("stream", r"\b(?:(?:where|how) can i (?:stream|watch|find|rent|get)|stream(?:ing)?"
         r"|on netflix)\b"),
        ("genre", r"\b(?:what genre|what (?:kind|type|sort) of (?:movie|film)|is it (?:a|an))\b"),
        ("general", r"\b(?:tell me (?:more )?about (?:it|that|this|xtitlex)|more about"
         r" (?:it|that|this|xtitlex)|more info|more details|details|know more"
         r"|what'?s (?:it|that|xtitlex) like|part of a series|sequel)\b"),
    )
)


_DECADE_TOKEN = re.compile(r"^(?:(1[89]|20)(\d)0|(\d)0)'?s$")
_AFTER_WORDS = {("after",): "after", ("post",): "after", ("since",): "since",
                ("newer", "than"): "after", ("later", "than"): "after",
                ("from", "after"): "after"}
_BEFORE_WORDS = {("before",): "before", ("pre",): "before", ("prior", "to"): "before",
                 ("older", "than"): "before", ("earlier", "than"): "before",
                 ("until",): "until", ("till",): "until", ("up", "to"): "until",
                 ("up", "until"): "until"}
_AFTER_TAIL = {("or", "later"), ("and", "later"), ("onwards",), ("onward",), ("or", "newer"),
               ("and", "up"), ("and", "after"), ("or", "after"), ("and", "newer"), ("plus",),
               ("on",)}
_BEFORE_TAIL = {("or", "earlier"), ("or", "before"), ("or", "older"), ("and", "earlier"),
                ("and", "before"), ("and", "older")}
_PERIOD_FILLER = frozenset({"the", "early", "mid", "late", "of", "in"})


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

# Words as the catalog's title matcher sees them (folded by ``normalize``), or clause breaks.
_TOKEN = re.compile(r"([^\W_]+(?:['’][^\W_]+)*|&)|([.,;:!?()\[\]\"…]+|\s[-–—]+\s|\s/\s)")


@dataclass(slots=True)
class _Words:
    words: list[str]  # folded like catalog.normalize
    clause: list[int]  # clause number of each word


_Event = tuple[int, int, list[_Feat]]  # (first word, end word, meanings)


@dataclass(slots=True)
class _Mention:
    kind: str
    value: str
    clause: int
    polarity: int  # +1, -1, or 0 when no cue decided it


def _tokenize(text: str) -> _Words:
    words: list[str] = []
    clause: list[int] = []
    c = 0
    for m in _TOKEN.finditer(text):
        raw = m.group(1)
        if raw is None:
            if any(ch in m.group(2) for ch in ".,;:!?-–—/…"):
                c += 1  # parentheses and quotes do not end a clause
            continue
        word = normalize(raw)
        if not word or " " in word:
            continue
        if word in SEPARATOR_WORDS and not (
            word == "but" and words and words[-1] in NOT_SPLIT_BEFORE_BUT
        ) and not (word == "except" and words and words[-1] in NOT_SPLIT_BEFORE_BUT):
            c += 1
        elif (
            words
            and clause[-1] == c
            and words[-1] in INTERJECTIONS
            and (len(words) == 1 or clause[-2] != c)
            and word in CLAUSE_STARTERS
        ):
            c += 1  # "no I want a comedy": the interjection is its own clause
        words.append(word)
        clause.append(c)
    return _Words(words, clause)


def _find(words: list[str], key: list[str], start: int, masked: list[bool]) -> int:
    n = len(key)
    for i in range(start, len(words) - n + 1):
        if words[i : i + n] == key and not any(masked[i : i + n]):
            return i
    return -1


def _title_keys(title: str) -> list[list[str]]:
    """The spellings the catalog matches a title by: full, hyphens dropped, before a subtitle."""
    keys = [normalize(title).split(), normalize(title.replace("-", "")).split()]
    head = re.split(r":| - ", title, maxsplit=1)[0]
    keys.append(normalize(head).split())
    return [k for k in keys if k]


def _locate_titles(
    text: str, tw: _Words, lex: Lexicon, masked: list[bool]
) -> list[tuple[int, Item]]:
    """Titles the catalog finds in ``text`` with their word position; masks their words.

    A title found by the catalog but not located here (an unusual spelling) gets position
    -1: it still counts as mentioned, without a polarity.
    """
    found: list[tuple[int, Item]] = []
    pos = 0
    for item in lex.catalog.match_titles(text):
        i, end = -1, -1
        for key in _title_keys(item.title):
            for k in (key, [*key[:-1], key[-1] + "s"]):  # "Heat's" folds to "heats"
                i = _find(tw.words, k, pos, masked)
                if i < 0:
                    i = _find(tw.words, k, 0, masked)
                if i >= 0:
                    end = i + len(k)
                    break
            if i >= 0:
                break
        if i < 0:
            found.append((-1, item))
            continue
        if end < len(tw.words) and item.year is not None and tw.words[end] == str(item.year):
            end += 1
        for j in range(i, end):
            masked[j] = True
        found.append((i, item))
        pos = end
    return found


def _year(word: str) -> int | None:
    if len(word) == 4 and word.isdigit():
        y = int(word)
        if 1880 <= y <= 2100:
            return y
    return None


def _decade(word: str) -> int | None:
    m = _DECADE_TOKEN.match(word)
    if m is None:
        return None
    if m.group(3) is not None:
        d = int(m.group(3))
        return 2000 + 10 * d if d <= 1 else 1900 + 10 * d
    return int(m.group(1)) * 100 + int(m.group(2)) * 10


def _period_at(word: str) -> tuple[int, bool] | None:
    """A year or decade token as (value, is_decade)."""
    y = _year(word)
    if y is not None:
        return y, False
    d = _decade(word)
    if d is not None:
        return d, True
    return None


def _words_before(words: list[str], i: int) -> list[str]:
    j = i
    while j > 0 and words[j - 1] in _PERIOD_FILLER:
        j -= 1
    return words[max(0, j - 2) : j]


def _period_mentions(
    words: list[str], i: int, end: int, value: int, is_decade: bool
) -> tuple[list[tuple[str, int]], int]:
    """Turn a year/decade at words[i:end] into period mentions using the words around it.

    Returns the mentions (kind in decade/year/after/before) and the index after the phrase.
    """
    before = _words_before(words, i)
    span = 10 if is_decade else 1
    # "between 1980 and 1995", "from the 80s to the 90s"
    if before and before[-1] in ("between", "from"):
        j = end
        if j < len(words) and words[j] in ("and", "to", "through", "till", "until"):
            k = j + 1
            while k < len(words) and words[k] in _PERIOD_FILLER:
                k += 1
            if k < len(words):
                other = _year(words[k])
                other_is_decade = False
                if other is None:
                    other = _decade(words[k]) or DECADE_WORDS.get(words[k])
                    other_is_decade = other is not None
                if other is not None:
                    hi = other + (10 if other_is_decade else 1)
                    return [("after", value), ("before", hi)], k + 1
    for key, how in _AFTER_WORDS.items():
        if tuple(before[-len(key) :]) == key:
            start = value + span if how == "after" and is_decade else value
            return [("after", start)], end
    for key, how in _BEFORE_WORDS.items():
        if tuple(before[-len(key) :]) == key:
            stop = value + span if how == "until" else value
            return [("before", stop)], end
    tail2 = tuple(words[end : end + 2])
    tail1 = tuple(words[end : end + 1])
    if tail2 in _AFTER_TAIL or tail1 in _AFTER_TAIL:
        return [("after", value)], end + (2 if tail2 in _AFTER_TAIL else 1)
    if tail2 in _BEFORE_TAIL:
        return [("before", value + span)], end + 2
    return [("decade" if is_decade else "year", value)], end


def _scan(words: _Words, lex: Lexicon, masked: list[bool]) -> list[_Event]:
    """Longest-match phrases, years and decades, left to right: (start, end, meanings)."""
    out: list[_Event] = []
    w = words.words
    n = len(w)
    i = 0
    while i < n:
        if masked[i]:
            i += 1
            continue
        period = _period_at(w[i])
        if period is not None:
            value, is_decade = period
            mentions, nxt = _period_mentions(w, i, i + 1, value, is_decade)
            out.append((i, nxt, [_Feat(k, str(v)) for k, v in mentions]))
            i = max(nxt, i + 1)
            continue
        hit = False
        for length in range(min(lex.max_len, n - i), 0, -1):
            if any(masked[i : i + length]):
                continue
            feats = lex.phrases.get(tuple(w[i : i + length]))
            if feats is None:
                continue
            decade = next((f for f in feats if f.kind == "decade"), None)
            if decade is not None:
                mentions, nxt = _period_mentions(w, i, i + length, int(decade.value), True)
                rest = [f for f in feats if f.kind != "decade"]
                out.append((i, nxt, rest + [_Feat(k, str(v)) for k, v in mentions]))
                i = max(nxt, i + length)
            else:
                out.append((i, i + length, list(feats)))
                i += length
            hit = True
            break
        if not hit:
            i += 1
    return out


def _polarize(events: list[_Event], clause_of: list[int]) -> list[_Mention]:
    """Give each content mention the polarity of the cues around it in its clause."""
    mentions: list[_Mention] = []
    state = 0
    negator_end = -10
    current = -1
    pending: list[_Mention] = []
    post_negated = False
    for pos, end, feats in events:
        c = clause_of[pos]
        if c != current:
            current, state, negator_end, pending, post_negated = c, 0, -10, [], False
        for f in feats:
            if f.kind == "negator":
                state = -1
                negator_end = end
                post_negated = bool(pending)
            elif f.kind == "neg":
                state = -1
                post_negated = bool(pending)
            elif f.kind == "pos":
                if not (state == -1 and pos - negator_end <= 2):
                    state = 1
                    post_negated = False
            elif f.kind == "neutral":
                state = 0
            elif f.kind in ("post_neg", "post_pos"):
                # "horror is not good": a negator between mention and judgement flips it
                judged = -1 if f.kind == "post_neg" or post_negated else 1
                for m in pending:
                    if m.polarity == 0:
                        m.polarity = judged
                pending = []
            elif f.kind == "ref":
                mentions.append(_Mention("ref", f.value, c, 0))
            else:
                m = _Mention(f.kind, f.value, c, state)
                mentions.append(m)
                if state == 0:
                    pending.append(m)
    return mentions


def _clause_texts(tw: _Words, masked: list[bool]) -> list[tuple[int, str]]:
    texts: dict[int, list[str]] = {}
    for word, c, m in zip(tw.words, tw.clause, masked, strict=True):
        texts.setdefault(c, []).append("xtitlex" if m else word)
    return [(c, " ".join(ws)) for c, ws in texts.items()]


def _negated(text: str, start: int) -> bool:
    before = text[:start].split()[-2:]
    return any(b in _NEG_BEFORE for b in before)


def _acts(
    clauses: list[tuple[int, str]], content_clauses: set[int], taste_clauses: set[int],
    n_words: int,
) -> tuple[set[Act], set[int], str | None]:
    """Acts of the utterance, the clauses that ask about an item, and the inquiry topic.

    ``content_clauses`` name a taste or a title, ``taste_clauses`` a taste.
    """
    acts: set[Act] = set()
    question_clauses: set[int] = set()
    topic: str | None = None
    accept_at = 1 << 30  # first clause that accepts
    for c, s in clauses:
        for act, rx in _ACT_RE.items():
            m = rx.search(s)
            if m is None:
                continue
            if act in _NEGATABLE and _negated(s, m.start()):
                if act is Act.ACCEPT:
                    acts.add(Act.REJECT)
                continue
            acts.add(act)
            if act is Act.ACCEPT:
                accept_at = min(accept_at, c)
        core = " ".join(w for w in s.split() if w not in _FILLERS) or s
        if core in _BARE_NO or s in _BARE_NO:
            acts.add(Act.REJECT)
        if c not in content_clauses and _WEAK_REJECT.search(s):
            acts.add(Act.REJECT)
        if re.search(r"\bno thank(?:s| you)\b", s):
            acts.discard(Act.THANKS)
        clause_topic = None
        if _ABOUT_ITEM.search(s) or _ITEM_TOPIC.search(s):
            clause_topic = next((t for t, rx in _TOPICS if rx.search(s)), None)
        if clause_topic is not None or _ITEM_QUESTION.search(s):
            question_clauses.add(c)
            acts.add(Act.INQUIRE)
            topic = topic or clause_topic
        elif _ACT_RE[Act.WHY].search(s):
            question_clauses.add(c)
    named_only = bool(content_clauses) and Act.ACCEPT not in acts  # "never mind, like Heat?"
    if (
        not taste_clauses
        and not named_only
        and not acts & {Act.MORE, Act.INQUIRE, Act.WHY, Act.SEEN, Act.REJECT}
        and any(_SOFT_CLOSE.search(s) for _, s in clauses)
    ):
        acts.add(Act.GOODBYE)
    hedged = any(_HEDGES.search(s) for _, s in clauses)
    if n_words <= 4 and not hedged and not acts & {
        Act.REJECT, Act.SEEN, Act.MORE, Act.WHY, Act.INQUIRE, Act.GREETING, Act.GOODBYE
    }:
        for c, s in clauses:
            if c in content_clauses:
                continue  # "Heat was great" praises a film, it accepts nothing
            ws = s.split()
            for i, wd in enumerate(ws):
                if wd not in _SHORT_YES or not all(w in _YES_LEAD for w in ws[:i]):
                    continue
                if i + 1 < len(ws) and ws[i + 1] in _NOT_YES_BEFORE:
                    continue
                acts.add(Act.ACCEPT)
                accept_at = min(accept_at, c)
    if any(
        c > accept_at and (s.split()[0] in _BUT_WORDS or s.endswith(" though"))
        for c, s in clauses
    ):
        acts.discard(Act.ACCEPT)  # "looks ok, but it's too long" critiques, it does not accept
    return acts, question_clauses, topic


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def parse(text: str, lexicon: Lexicon) -> Reading:
    """Read one user utterance. Never raises on any string input."""
    tw = _tokenize(text)
    masked = [False] * len(tw.words)
    titles = _locate_titles(text, tw, lexicon, masked)
    events = _scan(tw, lexicon, masked)
    for pos, item in titles:
        if pos >= 0:
            events.append((pos, pos + 1, [_Feat("title", item.item_id)]))
    events.sort(key=lambda e: e[0])
    mentions = _polarize(events, tw.clause)
    mentions += [_Mention("title", it.item_id, -1, 0) for pos, it in titles if pos < 0]
    content_clauses = {m.clause for m in mentions if m.kind != "ref"}
    taste_clauses = {m.clause for m in mentions if m.kind not in ("ref", "title")}
    clauses = _clause_texts(tw, masked)
    acts, question_clauses, topic = _acts(
        clauses, content_clauses, taste_clauses, sum(1 for m in masked if not m)
    )
    # "is it scary?" asks about the item: its genre words are not a stated taste.
    asked = [m for m in mentions if m.clause in question_clauses and m.kind != "title"]
    if asked and (topic is None or topic == "genre"):
        genre = next((m.value for m in asked if m.kind in ("genre", "genre_weak")), None)
        if genre is not None:
            topic = f"genre:{genre}"
        elif any(m.kind in ("era", "year", "decade") for m in asked):
            topic = "year"
    if Act.INQUIRE in acts and topic is None:
        topic = "general"
    joined = " | ".join(s for _, s in clauses)
    opinion = -1 if _OPINION_NEG.search(joined) else (1 if _OPINION_POS.search(joined) else 0)
    mentions = [m for m in mentions if m.clause not in question_clauses or m.kind == "title"]
    for m in mentions:
        if m.clause in question_clauses:
            m.polarity = 0  # "is Heat good for kids?" neither likes nor dislikes Heat
    return _reading(text, mentions, acts, topic, opinion)


def _reading(
    text: str, mentions: list[_Mention], acts: set[Act], topic: str | None, opinion: int
) -> Reading:
    def values(kind: str, positive: bool) -> list[str]:
        return [m.value for m in mentions if m.kind == kind and (m.polarity >= 0) == positive]

    neg_genres = _dedupe(values("genre", False))
    genres = _dedupe(
        g for g in values("genre", True) + values("genre_weak", True) if g not in neg_genres
    )
    neg_tags = _dedupe(values("tag", False))
    tags = _dedupe(t for t in values("tag", True) if t not in neg_tags)
    after: int | None = None
    before: int | None = None
    for m in mentions:
        if m.kind not in ("after", "before"):
            continue
        is_after = (m.kind == "after") == (m.polarity >= 0)  # "nothing before 1990" = after
        if is_after:
            after = int(m.value) if after is None else max(after, int(m.value))
        else:
            before = int(m.value) if before is None else min(before, int(m.value))
    eras: set[Era] = set()
    for m in mentions:
        if m.kind == "era":
            positive = m.polarity >= 0
            eras.add(("old" if m.value == "old" else "new") if positive else (
                "new" if m.value == "old" else "old"))
    era: Era | None = eras.pop() if len(eras) == 1 else None  # "old or new" says neither
    liked = _dedupe(m.value for m in mentions if m.kind == "title" and m.polarity > 0)
    disliked = _dedupe(m.value for m in mentions if m.kind == "title" and m.polarity < 0)
    mentioned = _dedupe(
        m.value for m in mentions
        if m.kind == "title" and m.polarity == 0 and m.value not in liked + disliked
    )
    refs: list[int] = []
    ref_all = False
    for m in mentions:
        if m.kind == "ref":
            if m.value == "all":
                ref_all = True
            elif int(m.value) not in refs:
                refs.append(int(m.value))
    return Reading(
        text=text,
        acts=frozenset(acts),
        genres=genres,
        neg_genres=neg_genres,
        tags=tags,
        neg_tags=neg_tags,
        decades=tuple(sorted({int(v) for v in values("decade", True)})),
        neg_decades=tuple(sorted({int(v) for v in values("decade", False)})),
        years=tuple(sorted({int(v) for v in values("year", True)})),
        after=after,
        before=before,
        era=era,
        liked=liked,
        disliked=disliked,
        mentioned=mentioned,
        refs=tuple(refs),
        ref_all=ref_all,
        topic=topic,
        question="?" in text,
        opinion=opinion,
    )
