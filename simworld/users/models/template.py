"""The offline default user model: each turn rendered from the phrase bank.

For every turn it draws a target length, renders a few candidates from the phrase pools that
fit the turn's intent and slots (weighted by the user's politeness, mood and decisiveness),
keeps the one closest to the target length (padding a short one with a chatty extra clause),
then applies the user's writing style. All randomness comes from ``ctx.rng``, so the same
generator state gives the same text.

It never names the goal's target before the CRS has: a turn that does is rendered again, and
as a last resort the offending clause is dropped.

A scenario may bring phrases of its own (``user_model.phrases``): for a new intent of a custom
taxonomy they are its only phrases; for a built-in intent they join the bank's pools
(``phrases_mode: extend``) or replace them (``replace``). :func:`check_intents` makes sure
every intent of the policy has phrases before a run starts.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from simworld.catalog import normalize
from simworld.crs.protocol import RecItem
from simworld.errors import ConfigError, did_you_mean
from simworld.latents.intents import CLOSE
from simworld.latents.persona import Traits
from simworld.users import phrases, phrases_slots
from simworld.users.base import TurnContext, Utterance
from simworld.users.goal import FACET_KINDS, Facet
from simworld.users.style import apply_style, target_words

_FACET_INTENTS = ("IQU", "PRO", "ANS", "REF", "STO", "CRI-A")
#: Which padding clauses suit which intent (see ``phrases_social.EXTRAS``).
EXTRA_GROUP = {
    **{i: "request" for i in ("IQU", "PRO", "ANS", "REF", "STO", "CRI-A")},
    "ACC": "pos", "CRI-C": "con", "REJ": "neg", "CRI-F": "neg", "SEE": "seen",
    "INQ": "inq", "ASK": "ask", "CON": "con", "NRE": "nre", "OTH": "oth",
}
_MOOD_PREFIX = {
    "positive": (frozenset({"ACC", "SEE", "CRI-C", "NRE", "OTH"}),
                 ("oh nice", "ooh", "awesome!", "oh cool", "nice!", "oh wow")),
    "negative": (frozenset({"REJ", "CRI-F", "CON", "REF", "STO"}),
                 ("ugh", "meh", "eh,", "honestly")),
}
_GREETINGS = ("hi!", "hey,", "hello!", "hi there,", "hey there!", "hello,", "hi", "hey!",
              "hi,", "hello", "Hello.", "Hi.", "Hi!", "hello there!", "Hello!")
_OPINIONS = {
    "positive": ("loved it", "I loved it", "great movie", "one of my favorites",
                 "I really liked it", "so good", "it was great", "really good movie",
                 "I liked it a lot", "love that movie"),
    "neutral": ("it was okay", "it was ok", "not bad", "I liked it", "pretty good",
                "it was fine", "decent movie", "I thought it was ok"),
    "negative": ("not a fan", "didn't like it", "I didn't love it", "kind of boring",
                 "overrated", "it was meh", "wasn't for me"),
}
_FALLBACKS = ("ok", "hmm", "sure", "I see", "maybe", "...")
#: Opening-turn remarks of returning users and of users whose goal came from a friend
#: (``Slots.hint``). Written for simworld. ``{past}`` is the film accepted last time (never
#: the target); a friend's film is never named, since it is the target.
_HINTS: dict[str, tuple[str, ...]] = {
    "returning": (
        "(I'm|I am) back(!|,) {past} was (great|a good pick|really good)",
        "(last time|the other day) I watched {past} and (loved it|really liked it|it was great)",
        "(hi again|hello again|me again)(!|,) I [really ](liked|enjoyed) {past}",
        "I [finally ]watched {past}[, (loved it|it was great|good pick)]",
        "{past} was (great|so good|a good call)[, thanks]",
    ),
    "friend": (
        "a friend (told me about|recommended|mentioned) a (movie|film)[ I (would|might) like]",
        "my (friend|sister|brother|coworker|roommate) (keeps talking about|recommended) a "
        "(movie|film)[ and I can't remember the (name|title)]",
        "(someone|a friend) told me I (should|have to) (watch|see) this (movie|film)[, but I "
        "(forgot|can't remember) the (name|title)]",
        "my (friend|cousin|neighbor) loved a (movie|film) (recently|last week)[, maybe you can "
        "help me find it]",
    ),
}
#: How a padding clause joins the turn: mostly as a sentence of its own (real seekers write
#: two short sentences far more often than one comma-joined one, and hardly ever " - ").
_JOINERS = (". ", ". ", ". ", " ", ", ", " and ", ". ")
_YEAR = re.compile(r"^(.*?)\s*\((\d{4})\)\s*$")
_LEADING_GREETING = re.compile(
    r"^(hi|hey|hello|hiya|yo|good (morning|evening|afternoon))( there)?[!,.]+\s+", re.IGNORECASE
)
_CLAUSE = re.compile(r"([,.!?;]+\s+|\s+-\s+)")
_MAX_ATTEMPTS = 6
PHRASE_MODES = ("extend", "replace")
#: Chance that a mention of the item under discussion uses its title (else a pronoun), and
#: that a title carries its year ("Heat (1995)"), as 29% of real ReDial/IARD seeker turns do.
_P_TITLE = 0.7
_P_TITLE_YEAR = 0.8


class TemplateUserModel:
    """Renders user turns from the phrase bank; no network, no model weights.

    ``intent_length_shift`` adds a log-space shift per intent to the style's ``words_mu``
    (the lead measures it from real per-intent turn lengths); ``length_gain`` multiplies
    every intent's target length (the builder's ``TEMPLATE_LENGTH_GAIN``: the phrase bank
    compresses lengths towards its phrases' natural size); ``candidates`` is how many
    renderings compete for the target length. ``phrases`` maps intents to extra phrases (the
    scenario's ``user_model.phrases``), which extend or replace the bank's (``phrases_mode``).
    ``one_word`` is the share of one-word turns per intent (IARD: OTH 0.46, CLOSE 0.24): such
    a turn is drawn at that rate and written bare, the others get two words or more.
    An intent with neither falls back to the neutral-response phrases; a run checks first
    (:func:`check_intents`) that this never happens to an intent of its policy.
    """

    name = "template"

    def __init__(
        self,
        intent_length_shift: Mapping[str, float] | None = None,
        *,
        candidates: int = 5,
        length_gain: float = 1.0,
        phrases: Mapping[str, Sequence[str]] | None = None,
        phrases_mode: str = "extend",
        one_word: Mapping[str, float] | None = None,
    ) -> None:
        shifts = dict(intent_length_shift or {})
        for intent, value in (one_word or {}).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                0.0 <= value <= 1.0
            ):
                raise ConfigError.expected("a share in [0, 1]", value, field=f"one_word.{intent}")
        self.one_word: dict[str, float] = {k: float(v) for k, v in (one_word or {}).items()}
        for intent, value in shifts.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
                value
            ):
                raise ConfigError.expected(
                    "a finite number (log-space shift)",
                    value,
                    field=f"intent_length_shift.{intent}",
                )
        if not isinstance(candidates, int) or candidates < 1:
            raise ConfigError.expected("an integer >= 1", candidates, field="candidates")
        if not math.isfinite(length_gain) or length_gain <= 0:
            raise ConfigError.expected("a number > 0", length_gain, field="length_gain")
        if phrases_mode not in PHRASE_MODES:
            raise ConfigError.expected(
                " or ".join(PHRASE_MODES), phrases_mode, field="user_model.phrases_mode"
            )
        self.intent_length_shift: dict[str, float] = {k: float(v) for k, v in shifts.items()}
        self.log_gain = math.log(length_gain)
        self.candidates = candidates
        self.own_phrases = compile_phrases(phrases or {})
        self.replace = phrases_mode == "replace"

    def has_phrases(self, intent: str) -> bool:
        """Whether turns of ``intent`` have phrases of their own (bank or scenario)."""
        return intent in self.own_phrases or intent in phrases.BANK

    async def respond(self, ctx: TurnContext) -> Utterance:
        text, guards = self._write(ctx)
        meta: dict[str, object] = {"user_model": "template", "mode": "template"}
        if guards:
            meta["guards"] = guards
        return Utterance(text, meta)

    def draft(self, ctx: TurnContext) -> str:
        """The same text :meth:`respond` would write (used by LLM user models as a draft)."""
        return self._write(ctx)[0]

    async def aclose(self) -> None:
        return None

    # -- writing ------------------------------------------------------------------------
    def _write(self, ctx: TurnContext) -> tuple[str, list[str]]:
        target = ctx.state.goal.target.title
        guard = not ctx.state.target_mentioned_by_crs
        text = ""
        for _ in range(_MAX_ATTEMPTS):
            text = self._render(ctx)
            if not guard or not names_title(text, target):
                return text, []
        text = drop_clauses(text, target)
        if text:
            return text, ["leak"]
        safe = [f for f in _FALLBACKS if not names_title(f, target)]
        return safe[int(ctx.rng.integers(len(safe)))], ["leak"]

    def _render(self, ctx: TurnContext) -> str:
        rng = ctx.rng
        shift = self.intent_length_shift.get(ctx.intent, 0.0) + self.log_gain
        goal_words = target_words(ctx.style, ctx.traits.verbosity, shift, rng)
        share = self.one_word.get(ctx.intent, 0.0)
        bare = False
        if share > 0.0 and not ctx.slots.closing and not ctx.slots.hint:
            # Two-part length: a one-word turn ("hi", "thanks") at the intent's measured
            # rate, else a turn of two words or more.
            bare = rng.random() < share
            goal_words = 1 if bare else max(goal_words, 2)
        turn = _TurnSlots(ctx)
        goodbye = ""
        if ctx.slots.closing and ctx.intent != CLOSE:
            # An accept that also ends the chat: the goodbye takes its share of the length.
            goodbye = self._goodbye(ctx, turn)
            goal_words = max(1, goal_words - _words(goodbye))
        templates, weights = self._choices(ctx, turn)
        base = 0.25 if goal_words < 6 else 0.5 if goal_words < 14 else 0.75
        best, best_gap = "", math.inf
        # a very short target needs more tries to meet a one- or two-word phrase
        for _ in range(self.candidates * (3 if goal_words <= 2 else 1)):
            tpl = templates[int(rng.choice(len(templates), p=weights))]
            p_opt = float(np.clip(base + rng.normal(0.0, 0.2), 0.05, 0.95))
            turn.reset()
            text = phrases.tidy(phrases.expand(tpl.body, rng, turn.resolve, p_opt))
            gap = abs(math.log(_words(text)) - math.log(goal_words)) + 10.0 * turn.missing
            if gap < best_gap:
                best, best_gap = text, gap
        if bare:
            # Nothing added around a one-word turn: no padding, remark or filler.
            style = dataclasses.replace(ctx.style, filler_rate=0.0)
            return apply_style(best, style, ctx.traits, rng, turn.titles())
        text = self._pad(ctx, turn, best, goal_words)
        if goodbye:
            joiner = " " if text.endswith(("!", "?", ".")) else ". "
            text = phrases.tidy(text + joiner + goodbye)
        text = _with_hint(ctx, text)
        text = _mood_prefix(ctx, text, turn.titles())
        return apply_style(text, ctx.style, ctx.traits, rng, turn.titles())

    def _goodbye(self, ctx: TurnContext, turn: _TurnSlots) -> str:
        """A short thanks-and-goodbye from the successful CLOSE phrases (for a closing ACC)."""
        pool = phrases.pool(CLOSE, "success")
        w = np.array([phrases.tone_weight(t.tags, ctx.traits) for t in pool]) + 1e-9
        tpl = pool[int(ctx.rng.choice(len(pool), p=w / w.sum()))]
        turn.reset()
        return phrases.tidy(phrases.expand(tpl.body, ctx.rng, turn.resolve, 0.3))

    def _choices(
        self, ctx: TurnContext, turn: _TurnSlots
    ) -> tuple[list[phrases.Template], np.ndarray]:
        own = list(self.own_phrases.get(ctx.intent, ()))
        if own and (self.replace or ctx.intent not in phrases.BANK):
            templates = own
        else:
            intent = ctx.intent if ctx.intent in phrases.BANK else "NRE"
            keys = _pool_keys(intent, ctx, turn)
            templates = [t for k in keys for t in phrases.pool(intent, k)] + own
        if not templates:
            templates = list(phrases.pool("NRE", "any"))
        w = np.array([phrases.tone_weight(t.tags, ctx.traits) for t in templates])
        w = w + 1e-9
        return templates, w / w.sum()

    def _pad(self, ctx: TurnContext, turn: _TurnSlots, text: str, goal_words: int) -> str:
        """Add an extra clause (up to three for a long target) while the turn is well short
        of its target length."""
        rng = ctx.rng
        group = EXTRA_GROUP.get(ctx.intent, "any")
        if ctx.intent == CLOSE:
            group = "quit" if ctx.slots.quitting and not ctx.slots.accepted else "close"
        extras = list(phrases.pool("EXTRA", group))
        for limit in (0.6, 0.45, 0.35):
            n = _words(text)
            if n >= limit * goal_words or goal_words - n < 4 or not extras:
                break
            tpl = extras.pop(int(rng.integers(len(extras))))
            turn.reset()
            extra = phrases.expand(tpl.body, rng, turn.resolve, 0.5)
            joiner = _JOINERS[int(rng.integers(len(_JOINERS)))]
            if _last_word(text) == _first_word(extra):
                joiner = ". "  # "sounds good. Good find", not "sounds good good find"
            if ctx.intent == "IQU" and rng.random() < 0.3:
                text = phrases.tidy(extra + (". " if rng.random() < 0.85 else "... ") + text)
            elif text.endswith(("?", "!")):
                text = phrases.tidy(text + " " + extra)
            else:
                text = phrases.tidy(text.rstrip(".") + joiner + extra)
        return text


def compile_phrases(
    spec: Mapping[str, Sequence[str]], field: str = "user_model.phrases"
) -> dict[str, tuple[phrases.Template, ...]]:
    """Parse a scenario's phrases per intent; a bad one is a :class:`ConfigError` naming its
    place (``user_model.phrases.WISH[1]``) and what is wrong with it."""
    out: dict[str, tuple[phrases.Template, ...]] = {}
    for intent, sources in spec.items():
        if isinstance(sources, str) or not sources:
            raise ConfigError.expected(
                "a non-empty list of phrases", sources, field=f"{field}.{intent}"
            )
        parsed: list[phrases.Template] = []
        for i, src in enumerate(sources):
            where = f"{field}.{intent}[{i}]"
            if not isinstance(src, str):
                raise ConfigError.expected("a phrase (string)", src, field=where)
            try:
                parsed.append(phrases.check_phrase(src))
            except phrases.PhraseSyntaxError as exc:
                raise ConfigError(str(exc), field=where) from None
        out[intent] = tuple(parsed)
    return out


def check_intents(
    intents: Iterable[str], custom: Iterable[str], excluded: Iterable[str] = ()
) -> None:
    """Raise :class:`ConfigError` unless every policy intent has phrases (the bank's or the
    scenario's ``custom`` ones) and every intent given phrases is in the taxonomy (a typo
    there would otherwise be ignored silently). ``excluded`` intents may keep phrases."""
    taxonomy = list(intents)
    given = list(custom)
    for intent in taxonomy:
        if intent not in phrases.BANK and intent not in given:
            raise ConfigError(
                f"intent {intent!r} has no phrases for the user model to write it from; add some "
                f"under user_model.phrases.{intent} (a list of phrases, see "
                "docs/calibration.md) or leave it out with intents.exclude",
                field="intents.policy",
            )
    known = set(taxonomy) | set(excluded)
    for intent in given:
        if intent not in known:
            raise ConfigError(
                f"intent {intent!r} is not in the policy's taxonomy ({', '.join(taxonomy)})"
                + did_you_mean(intent, taxonomy),
                field=f"user_model.phrases.{intent}",
            )


def _pool_keys(intent: str, ctx: TurnContext, turn: _TurnSlots) -> list[str]:
    rng, slots = ctx.rng, ctx.slots
    if intent in _FACET_INTENTS:
        facet = turn.facet
        if facet is None or facet.kind not in FACET_KINDS:
            return ["any"]
        return ["facet", *phrases_slots.pool_keys(facet)]
    if intent in ("ASK", "CON", "INQ"):
        keys = ["any"]
        if turn.facet is not None and turn.facet.kind == "genre":
            keys.append("genre")
        if intent == "ASK" and turn.item is not None:
            keys.append("item")
        return keys
    if intent == "REJ":
        if slots.reason is not None:
            return ["reason"] if rng.random() < 0.8 else ["any"]
        return ["any", "reason"] if rng.random() < 0.3 else ["any"]
    if intent == "CRI-F":
        return ["reason"] if slots.reason is not None else ["any", "reason"]
    if intent == "OTH":
        return ["start"] if ctx.turn_index == 0 and not ctx.history else ["any"]
    if intent == CLOSE:
        return ["quit"] if slots.quitting and not slots.accepted else ["success"]
    return ["any"]


class _TurnSlots:
    """Fills the slots of one turn's phrases from its context (a resolver for the grammar).

    The first mention of the item uses any wording; later ones in the same rendering use a
    pronoun. ``missing`` counts slots that had no wording (the candidate is then disfavoured).
    """

    def __init__(self, ctx: TurnContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        state, slots = ctx.state, ctx.slots
        self.facet: Facet | None = slots.facet or (
            slots.reason if ctx.intent == "CRI-A" else None)
        # ASK/CON/INQ, and the new intents of a custom taxonomy, may name the last genre said
        if self.facet is None and (
            ctx.intent in ("ASK", "CON", "INQ") or ctx.intent not in phrases.BANK
        ):
            self.facet = _last_revealed_genre(ctx)
        self.item: RecItem | None = slots.item or state.best_item or (
            state.last_items[0] if state.last_items else None)
        self.item_full, self.item_short, self.item_year = _split_title(self.item)
        if self.item is not None and self.item.id in state.catalog:
            self.item_year = state.catalog.get(self.item.id).year
        self.like_titles = _like_titles(ctx, self.facet)
        self.reason_titles = _like_titles(ctx, slots.reason)
        self.accepted = self.accepted_full = ""
        if state.accepted and state.accepted[-1] in state.catalog:
            accepted = state.catalog.get(state.accepted[-1])
            self.accepted, self.accepted_full = accepted.title, accepted.display_title
        self.missing = 0
        self.item_said = False

    def reset(self) -> None:
        self.missing = 0
        self.item_said = False

    def titles(self) -> list[str]:
        """Every film title this turn may contain (protected from typos)."""
        found = [self.item_full, self.item_short, self.accepted, self.accepted_full,
                 *self.like_titles,
                 *self.reason_titles, self.ctx.state.goal.target.title,
                 self.ctx.slots.hint_title]
        return [t for t in found if t]

    def _pick(self, forms: tuple[str, ...] | list[str]) -> str:
        if not forms:
            self.missing += 1
            return ""
        return forms[int(self.rng.integers(len(forms)))]

    def _maybe(self, p: float, forms: tuple[str, ...]) -> str:
        return self._pick(forms) if self.rng.random() < p else ""

    def resolve(self, name: str) -> str:
        traits: Traits = self.ctx.traits
        if name in ("item", "item_title"):
            return self._item(name == "item_title")
        if name == "accepted":
            if not self.accepted:
                return self._item(False)
            return self.accepted_full if self.rng.random() < _P_TITLE_YEAR else self.accepted
        if name == "reason":
            item = self.ctx.slots.item
            year = self.item_year if item is not None else None
            return self._pick(phrases_slots.reason_forms(self.ctx.slots.reason, year,
                                                         self.reason_titles))
        if name == "greet":
            if self.ctx.turn_index > 0 or self.ctx.history:
                return ""
            p = {"polite": 0.8, "neutral": 0.55, "blunt": 0.25}.get(traits.politeness, 0.5)
            return self._maybe(p, _GREETINGS)
        if name == "please":
            p = {"polite": 0.75, "neutral": 0.3, "blunt": 0.0}.get(traits.politeness, 0.3)
            return self._maybe(p, ("please", "please", "pls"))
        if name == "thanks":
            p = {"polite": 0.9, "neutral": 0.6, "blunt": 0.2}.get(traits.politeness, 0.6)
            return self._maybe(p, ("thanks", "thank you", "thx", "thanks a lot"))
        if name == "sorry":
            p = {"polite": 0.85, "neutral": 0.4, "blunt": 0.0}.get(traits.politeness, 0.4)
            return self._maybe(p, ("sorry", "sorry", "I'm sorry"))
        if name == "hedge":
            p = {"hesitant": 0.8, "open": 0.5, "decisive": 0.2}.get(traits.decisiveness, 0.4)
            return self._maybe(p, ("maybe", "I guess", "probably", "I think"))
        if name == "opinion":
            mood = traits.mood if traits.mood in _OPINIONS else "neutral"
            pool = _OPINIONS[mood] if self.rng.random() < 0.7 else sum(_OPINIONS.values(), ())
            return self._pick(pool)
        if self.facet is None:
            self.missing += 1
            return ""
        return self._pick(phrases_slots.facet_slot(self.facet, name, self.like_titles))

    def _item(self, title_only: bool) -> str:
        if self.item_said and not title_only:
            return self._pick(("it", "it", "that one"))
        self.item_said = True
        if self.item is not None and (title_only or self.rng.random() < _P_TITLE):
            # real seekers mostly write a film as the interface showed it: "Heat (1995)"
            full = self.item_year is not None and self.rng.random() < _P_TITLE_YEAR
            if full and self.item_full == self.item_short:
                return f"{self.item_short} ({self.item_year})"
            return self.item_full if full else self.item_short
        forms = ["that one", "that one", "it", "that movie", "that"]
        items = self.ctx.state.last_items
        if self.item is not None and len(items) > 1:
            pos = [i for i, it in enumerate(items) if it.id == self.item.id]
            if pos:
                i = pos[0]
                forms.append("the last one" if i == len(items) - 1 else
                             ("the first one", "the second one", "the third one",
                              "the fourth one", "the fifth one")[min(i, 4)])
        return self._pick(forms)


def _split_title(item: RecItem | None) -> tuple[str, str, int | None]:
    if item is None:
        return "", "", None
    title = item.title.strip()
    m = _YEAR.match(title)
    if m and m.group(1):
        return title, m.group(1), int(m.group(2))
    return title, title, None


def _like_titles(ctx: TurnContext, facet: Facet | None) -> tuple[str, ...]:
    if facet is None or facet.kind != "like":
        return ()
    catalog = ctx.state.catalog
    if facet.value in catalog:
        it = catalog.get(facet.value)
        return (it.title, it.display_title, it.display_title) if it.year else (it.title,)
    return ((facet.title or facet.value),)


def _last_revealed_genre(ctx: TurnContext) -> Facet | None:
    goal = ctx.state.goal
    for f in reversed(goal.facets[: ctx.state.revealed]):
        if f.kind == "genre":
            return f
    return None


def _with_hint(ctx: TurnContext, text: str) -> str:
    """Add the opening turn's remark about an earlier session or a friend (``Slots.hint``):
    after a greeting, before anything else."""
    hint, past = ctx.slots.hint, ctx.slots.hint_title
    pool = _HINTS.get(hint or "", ())
    if not pool or (hint == "returning" and not past):
        return text
    rng = ctx.rng
    tpl = phrases.compile_phrase(pool[int(rng.integers(len(pool)))])
    clause = phrases.expand(tpl.body, rng, lambda name: past if name == "past" else "", 0.5)
    if ctx.intent == "OTH":
        return phrases.tidy(text.rstrip(".") + (". " if text.endswith(".") else " ") + clause)
    greeting = _LEADING_GREETING.match(text)
    if greeting:  # "hi! <remark>. <request>"
        head = greeting.group(0).rstrip()
        return phrases.tidy(f"{head} {clause}. {text[greeting.end():]}")
    return phrases.tidy(clause + ". " + text)


def _mood_prefix(ctx: TurnContext, text: str, titles: list[str]) -> str:
    entry = _MOOD_PREFIX.get(ctx.traits.mood)
    if entry is None or ctx.intent not in entry[0] or ctx.rng.random() >= 0.12:
        return text
    word = entry[1][int(ctx.rng.integers(len(entry[1])))]
    return phrases.tidy(f"{word} {_lower_first(text, titles)}")


def _lower_first(text: str, titles: list[str]) -> str:
    """Lower-case the first letter of an ordinary word (not "I", not a film title)."""
    if not text[1:2].islower() or any(text.lower().startswith(t.lower()) for t in titles):
        return text
    return text[:1].lower() + text[1:]


def _last_word(text: str) -> str:
    words = re.findall(r"[\w']+", text.lower())
    return words[-1] if words else ""


def _first_word(text: str) -> str:
    words = re.findall(r"[\w']+", text.lower())
    return words[0] if words else ""


def _words(text: str) -> int:
    return max(1, len(text.split()))


def names_title(text: str, title: str) -> bool:
    """Whether ``text`` names ``title``: its normalised form occurs word-aligned in the
    normalised text (the session's rule for ``target_named_by_user``)."""
    key = normalize(title)
    return bool(key) and f" {key} " in f" {normalize(text)} "


def drop_clauses(text: str, title: str) -> str:
    """``text`` without the clauses that name ``title`` (empty when nothing is left)."""
    pieces = _CLAUSE.split(text)
    kept: list[str] = []
    for i in range(0, len(pieces), 2):
        clause = pieces[i]
        sep = pieces[i + 1] if i + 1 < len(pieces) else ""
        if clause.strip() and not names_title(clause, title):
            kept.append(clause + sep)
    out = phrases.tidy("".join(kept)) if kept else ""
    return "" if not out or names_title(out, title) else out
