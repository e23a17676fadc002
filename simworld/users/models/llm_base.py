"""What every LLM user model shares: prompting, modes, guards, fallbacks, recorded facts.

A backend (OpenAI-compatible HTTP, embedded llama.cpp) only implements
:meth:`LLMUserModel._complete` -- messages in, text and token counts out. Everything that
keeps a small assistant-tuned model acting as a *user* is here, once:

1. The template model writes a draft for the turn (it carries the intent and the slots). In
   ``draft`` mode the LLM rewrites it in the persona's voice; in ``free`` mode the LLM writes
   the turn from the instructions alone. The draft is also the fallback.
2. A length target (words) goes in the instruction. In ``free`` mode it is drawn from the
   persona's calibrated lognormal (``Style.words_mu``/``words_sigma``), shifted by intent and
   scaled by verbosity -- the real seekers' lengths, since the model writes every word. In
   ``draft`` mode it is the draft's own length: the template drew it from the same
   distribution (with its phrase-bank gain, see below), and asking for a rewrite of a
   6-word draft "in about 25 words" only invites padding and drift.
3. The output is cleaned (speaker prefixes, quotes, markdown, a continued dialogue), then
   checked: assistant-like text (``role``), repeated instructions or narration (``echo``),
   a loop (``repeat``), the turn's preference or intent cue missing (``slots``), a rewrite
   that strays from the draft (``drift``), the target title before the CRS said it
   (``leak``), nothing left
   (``empty``) or too few words (``short``) -> regenerate, up to ``max_regenerations``
   times, then fall back to the draft. Too many words (``long``: over the verbosity's
   maximum, or over ``TARGET_SLACK`` times the target) are trimmed, not regenerated.
4. The same style post-processing as the template model (casing, typos, fillers) is applied,
   so an LLM-written population keeps real seekers' style mix.

The draft template gets the same length gain as the ``template`` user model
(``simworld.build.TEMPLATE_LENGTH_GAIN``, passed in by the builder: the phrase bank
compresses lengths towards its phrases' natural size, and the gain restores the real mean).
So a fallback turn -- the draft -- is as long as the template model's turn would be, and a
population that falls back often still matches the real seekers' words per turn. The free-
mode target gets no gain: the LLM is not compressed by a phrase bank.

Every guard that fired is listed in ``meta["guards"]``; a fallback sets ``meta["fallback"]``.
The model also keeps running totals over the turns it wrote (:class:`GuardTally`): how often
each guard fired, the regenerations and the fallbacks. ``describe()`` carries them as
``guard_totals``, so the run manifest shows them and ``simworld run`` prints them.
If the backend fails (after its own retries) the :class:`EndpointError` propagates -- the
session records ``user_model_error`` -- unless ``fallback_on_error`` is set: then the turn is
the draft, with ``fallback=True`` and the guard ``llm_error``.
"""

from __future__ import annotations

import dataclasses
import math
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from simworld.errors import ConfigError, EndpointError
from simworld.latents.intents import FACET_INTENTS
from simworld.latents.persona import Style
from simworld.users.base import TurnContext, Utterance
from simworld.users.models import guards
from simworld.users.models.llm_prompt import LAYOUTS, MODES, Prompt, describes, render
from simworld.users.models.template import TemplateUserModel
from simworld.users.style import apply_style, target_words

# Draft mode: share of the draft's content words a rewrite must keep (else ``drift``).
DRIFT_MIN = 0.3
# A model-written turn longer than this many times its length target is trimmed (``long``):
# small models pad their rewrites (about twice the target here), which would undo the
# length calibration.
TARGET_SLACK = 1.5
# Length gain of the draft when the caller gives none: the template model's default
# (``simworld.build.TEMPLATE_LENGTH_GAIN``, which the builder passes explicitly).
DEFAULT_DRAFT_LENGTH_GAIN = 1.4


@dataclass(frozen=True, slots=True)
class Generation:
    """One completion: the raw text and its token usage (None when the backend omits it)."""

    text: str
    tokens_in: int | None = None
    tokens_out: int | None = None
    cached: bool = False


@dataclass(slots=True)
class GuardTally:
    """Running totals of the guards over the turns one model wrote (``respond`` calls).

    The per-turn record is the ``turns.guards`` column; these totals are what the manifest
    and the end-of-run line show. A guard's ``fires`` counts every firing (a turn rejected
    twice by ``role`` counts 2); its ``turns`` counts the turns it fired in at least once,
    and ``rate`` is that share of all turns. ``regenerations`` counts the requests after a
    turn's first. Turns that raised (an endpoint failure without ``fallback_on_error``) are
    not counted: they wrote nothing.
    """

    turns: int = 0
    fallbacks: int = 0
    regenerations: int = 0
    fires: Counter[str] = field(default_factory=Counter)
    turns_fired: Counter[str] = field(default_factory=Counter)

    def record(self, fired: Sequence[str], *, fallback: bool, requests: int) -> None:
        """Count one finished turn: the guards it fired, whether it fell back, and how many
        generation requests it made (1 + its regenerations)."""
        self.turns += 1
        self.fallbacks += int(fallback)
        self.regenerations += max(0, requests - 1)
        self.fires.update(fired)
        self.turns_fired.update(set(fired))

    def as_dict(self) -> dict[str, object]:
        """The totals as plain JSON values, guards most fired first (then by name)."""
        n = self.turns
        order = sorted(self.fires, key=lambda g: (-self.fires[g], g))
        return {
            "turns": n,
            "guards": {
                g: {
                    "fires": self.fires[g],
                    "turns": self.turns_fired[g],
                    "rate": self.turns_fired[g] / n if n else 0.0,
                }
                for g in order
            },
            "regenerations": self.regenerations,
            "fallbacks": self.fallbacks,
            "fallback_rate": self.fallbacks / n if n else 0.0,
        }


class LLMUserModel(ABC):
    """Base class of the LLM user models; subclasses implement :meth:`_complete`."""

    kind = "llm"
    name: str
    max_tokens: int

    def __init__(
        self,
        *,
        mode: str = "draft",
        layout: str = "assistant",
        max_regenerations: int = 2,
        fallback_on_error: bool = False,
        intent_length_shift: Mapping[str, float] | None = None,
        seed: int | None = None,
        max_history: int = 8,
        draft_length_gain: float | None = None,
        phrases: Mapping[str, Sequence[str]] | None = None,
        phrases_mode: str = "extend",
    ) -> None:
        if mode not in MODES:
            raise ConfigError.expected(" or ".join(MODES), mode, field="user_model.mode")
        if layout not in LAYOUTS:
            raise ConfigError.expected(" or ".join(LAYOUTS), layout, field="user_model.layout")
        if max_regenerations < 0:
            raise ConfigError.expected(
                "an integer >= 0", max_regenerations, field="user_model.max_regenerations"
            )
        self.mode = mode
        self.layout = layout
        self.max_regenerations = max_regenerations
        self.fallback_on_error = fallback_on_error
        # The template validates the shifts; both draw turn lengths the same way.
        self.intent_length_shift = dict(TemplateUserModel(intent_length_shift).intent_length_shift)
        if draft_length_gain is None:
            draft_length_gain = DEFAULT_DRAFT_LENGTH_GAIN
        if not math.isfinite(draft_length_gain) or draft_length_gain <= 0:
            raise ConfigError.expected(
                "a number > 0", draft_length_gain, field="user_model.draft_length_gain"
            )
        self.draft_length_gain = float(draft_length_gain)
        # Drafts come from the same phrases as the template model, the scenario's included.
        self._template = TemplateUserModel(
            self.intent_length_shift,
            length_gain=self.draft_length_gain,
            phrases=phrases,
            phrases_mode=phrases_mode,
        )
        self.seed = seed
        self.max_history = max_history
        self.tally = GuardTally()

    # -- the backend -------------------------------------------------------------------
    @abstractmethod
    async def _complete(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        seed: int | None,
        attempt: int,
        max_tokens: int,
    ) -> Generation:
        """One completion for ``messages`` of at most ``max_tokens`` tokens; raise
        :class:`EndpointError` on failure."""

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """The configuration for the run manifest, without secrets."""

    async def aclose(self) -> None:
        await self._template.aclose()

    def _describe_common(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "layout": self.layout,
            "max_regenerations": self.max_regenerations,
            "fallback_on_error": self.fallback_on_error,
            "intent_length_shift": dict(self.intent_length_shift),
            "draft_length_gain": self.draft_length_gain,
            "guard_totals": self.tally.as_dict(),
        }

    # -- one turn ----------------------------------------------------------------------
    def target_words(self, ctx: TurnContext, draft: str | None = None) -> int:
        """Words for this turn, kept inside the verbosity's bounds: the draft's length when
        there is one (draft mode), else drawn like the template model's (the persona's
        calibrated lognormal, shifted by intent, scaled by verbosity)."""
        if draft is not None and guards.word_count(draft) > 0:
            words = guards.word_count(draft)
        else:
            shift = self.intent_length_shift.get(ctx.intent, 0.0)
            words = target_words(ctx.style, ctx.traits.verbosity, shift, ctx.rng)
        lo, hi = guards.length_bounds(ctx.traits.verbosity)
        return max(lo, min(hi, words))

    def token_budget(self, target_words: int) -> int:
        """Tokens to allow for a turn: 3 per target word (about twice the target at 1.3
        tokens a word) plus 16,
        never more than ``max_tokens``. Small models ramble; every token they are not
        allowed to write is time saved, and the length guard trims the rest."""
        return max(8, min(self.max_tokens, 3 * target_words + 16))

    def prompt(self, ctx: TurnContext, target_words: int, draft: str) -> Prompt:
        return render(
            ctx,
            target_words=target_words,
            layout=self.layout,
            # An intent of the scenario's own taxonomy has no instruction text: its draft,
            # written from the scenario's phrases, says what the turn is for, in free mode too.
            draft=draft if self.mode == "draft" or not describes(ctx.intent) else None,
            max_history=self.max_history,
        )

    async def respond(self, ctx: TurnContext) -> Utterance:
        # The draft without surface noise: the style pass runs once, on the final text.
        draft = self._template.draft(dataclasses.replace(ctx, style=_plain(ctx.style)))
        target = self.target_words(ctx, draft if self.mode == "draft" else None)
        prompt = self.prompt(ctx, target, draft)
        fired: list[str] = []
        meta: dict[str, object] = {
            "user_model": self.name,
            "mode": self.mode,
            "prompt_hash": prompt.hash,
            "target_words": target,
        }
        budget = self.token_budget(target)
        # One sampling seed per turn, from the session's stream: two sessions (or two
        # candidates of one turn under ``select``) with the same prompt get different samples,
        # and a rerun with the same scenario seed gets the same ones.
        turn_seed = int(ctx.rng.integers(2**31)) if self.seed is not None else None
        tokens_in = tokens_out = 0
        counted = False
        text: str | None = None
        requests = 0
        started = time.perf_counter()
        try:
            for attempt in range(self.max_regenerations + 1):
                requests += 1
                gen = await self._complete(
                    prompt.messages,
                    seed=self._request_seed(turn_seed, attempt),
                    attempt=attempt,
                    max_tokens=budget,
                )
                if gen.tokens_in is not None or gen.tokens_out is not None:
                    counted = True
                    tokens_in += gen.tokens_in or 0
                    tokens_out += gen.tokens_out or 0
                text = self.check(gen.text, ctx, fired, draft, target=target)
                if text is not None:
                    break
        except EndpointError:
            if not self.fallback_on_error:
                raise
            fired.append("llm_error")
            text = None
        meta["gen_latency_ms"] = (time.perf_counter() - started) * 1000.0
        meta["tokens_in"] = tokens_in if counted else None
        meta["tokens_out"] = tokens_out if counted else None
        meta["guards"] = fired
        meta["fallback"] = text is None
        self.tally.record(fired, fallback=text is None, requests=requests)
        return Utterance(self._stylise(draft if text is None else text, ctx), meta)

    def check(
        self,
        raw: str,
        ctx: TurnContext,
        fired: list[str],
        draft: str = "",
        *,
        target: int | None = None,
    ) -> str | None:
        """Clean ``raw`` and run the guards; the usable text, or None to regenerate.

        Appends the name of every guard that fired to ``fired``. With a length ``target``
        (words), text over ``TARGET_SLACK`` times the target is trimmed too (``long``).
        """
        text = guards.clean(raw)
        if text != " ".join(raw.split()):
            fired.append("strip")
        if not text:
            fired.append("empty")
            return None
        reasons = set(guards.role_violations(guards.first_turn(raw)))
        if ctx.intent in ("ASK", "OTH"):
            reasons.discard("ask_preferences")  # asking the recommender's taste is the turn
        if reasons:
            fired.append("role")
            return None
        if guards.echoes_instructions(guards.first_turn(raw)):
            fired.append("echo")
            return None
        if guards.is_repetitive(text):
            fired.append("repeat")
            return None
        facet = ctx.slots.facet if ctx.intent in FACET_INTENTS else None
        reference = draft if self.mode == "draft" and draft else None
        if (facet is not None and not guards.facet_mentioned(text, facet)) or (
            guards.intent_cue_missing(ctx.intent, text, reference)
        ):
            fired.append("slots")
            return None
        if self.mode == "draft" and draft and guards.draft_overlap(text, draft) < DRIFT_MIN:
            fired.append("drift")
            return None
        state = ctx.state
        if guards.leaks_goal(text, state.goal.target.title, state.target_mentioned_by_crs):
            fired.append("leak")
            return None
        lo, hi = guards.length_bounds(ctx.traits.verbosity)
        if target is not None:
            hi = max(lo, min(hi, math.ceil(TARGET_SLACK * target)))
        verdict = guards.check_length(text, (lo, hi))
        if verdict == "short":
            fired.append("short")
            return None
        if verdict == "long":
            fired.append("long")
            text = guards.trim_words(text, hi)
        return text

    @staticmethod
    def _request_seed(turn_seed: int | None, attempt: int) -> int | None:
        """A different seed per regeneration, or None (the server picks) without a seed."""
        if turn_seed is None:
            return None
        return (turn_seed + attempt) % (2**31)

    def _stylise(self, text: str, ctx: TurnContext) -> str:
        """The template model's surface habits (fillers, casing, typos outside titles)."""
        return apply_style(text, ctx.style, ctx.traits, ctx.rng, _titles(ctx))


def _plain(style: Style) -> Style:
    """``style`` with its length habits but no surface noise (for the draft)."""
    return dataclasses.replace(
        style,
        lowercase_rate=0.0,
        all_lower_rate=0.0,
        no_final_punct_rate=0.0,
        typo_rate=0.0,
        filler_rate=0.0,
        exclaim_rate=0.0,
    )


def _titles(ctx: TurnContext) -> list[str]:
    """Film titles this turn may contain: protected from typos by the style pass."""
    slots, state = ctx.slots, ctx.state
    found = [state.goal.target.title]
    if slots.item is not None:
        found.append(slots.item.title)
    for facet in (slots.facet, slots.reason):
        if facet is not None and facet.kind == "like":
            found.append(facet.title or facet.value)
    found.extend(state.catalog.get(x).title for x in state.accepted if x in state.catalog)
    return [t for t in found if t]
