"""Critic-guided selection: K candidate turns, one kept at random, favouring real-looking ones.

:class:`SelectUserModel` wraps any user model (template, OpenAI-compatible, local). For each
turn it asks the wrapped model for ``candidates`` texts for the *same* turn context -- same
intent, same slots, so the latent labels stay true -- scores them with the calibration
bundle's realism critic and keeps one drawn with probability
``softmax(logit(P(real)) / temperature)``. Drawing rather than taking the best keeps the
variety of the wrapped model (argmax would collapse onto the critic's favourite phrasings);
a lower temperature leans harder on the critic.

Length: shorter turns carry fewer tell-tale n-grams, so the critic favours them and selection
shortens turns (measured on the quickstart: 11.0 -> 9.0 words per turn at K=8, 7.2 at K=32
with temperature 0.3, against 11.1 for the real seekers). ``match_length`` keeps the wrapped
model's length distribution instead: the choice is made among the candidates about as long
as one drawn uniformly (:func:`choose_matched`); it also removes most of the C2ST gain.

Randomness: each candidate gets its own generator seeded from the session's (one draw of K
seeds), so candidates differ, can be generated concurrently (LLM models) and stay
deterministic for a seed; the choice is one more draw from the session's generator. With
``candidates=1`` the wrapped model is called with the session's own context and nothing else
is drawn, so the text and the rest of the session are exactly those without selection.

Recorded per turn (``Utterance.meta`` -> turn columns): ``critic_score`` (P(real) of the
kept text), ``n_candidates``, ``select_ms`` (wall time to write the kept turn, all candidates
and scoring included); token counts are summed over all candidates (the real cost). The run
manifest's ``user_model.select`` adds the totals: candidates generated per kept turn, mean
time per turn, mean critic score kept vs. generated. With concurrent generation (LLM
models) ``select_ms`` is wall time and includes waiting while other sessions run.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import numpy as np

from simworld.calibration.critic import Critic, CriticStack
from simworld.errors import ConfigError
from simworld.metrics.text import word_count
from simworld.users.base import TurnContext, UserModel, Utterance
from simworld.users.models.template import TemplateUserModel

#: Candidates within this factor of the reference candidate's word count compete.
LENGTH_BAND = 1.3


class SelectUserModel:
    """Wraps ``inner``: K candidates per turn, one kept by critic-weighted sampling."""

    def __init__(
        self,
        inner: UserModel,
        critic: Critic | CriticStack,
        *,
        candidates: int,
        temperature: float = 1.0,
        match_length: bool = False,
        concurrent: bool | None = None,
    ) -> None:
        if not isinstance(candidates, int) or isinstance(candidates, bool) or candidates < 1:
            raise ConfigError.expected("an integer >= 1", candidates, field="select.candidates")
        if not temperature > 0:
            raise ConfigError.expected("a number > 0", temperature, field="select.temperature")
        self.inner = inner
        self.critic = critic
        self.candidates = candidates
        self.temperature = float(temperature)
        self.match_length = match_length
        self.name = inner.name
        # Candidates of models that wait on I/O (LLMs) are written concurrently; the template
        # model computes without waiting, so one after the other costs nothing and keeps
        # ``select_ms`` free of other sessions' work.
        self.concurrent = (
            not isinstance(inner, TemplateUserModel) if concurrent is None else concurrent
        )
        self.turns = 0
        self.generated = 0
        self.seconds = 0.0
        self.kept_score = 0.0
        self.all_score = 0.0

    async def respond(self, ctx: TurnContext) -> Utterance:
        started = time.perf_counter()
        if self.candidates == 1:
            utts = [await self.inner.respond(ctx)]
            index = 0
            scores = self.critic.decision([utts[0].text])
        else:
            seeds = ctx.rng.integers(0, 2**63 - 1, size=self.candidates)
            contexts = [dataclasses.replace(ctx, rng=np.random.default_rng(int(s))) for s in seeds]
            if self.concurrent:
                utts = list(await asyncio.gather(*(self.inner.respond(c) for c in contexts)))
            else:
                utts = [await self.inner.respond(c) for c in contexts]
            scores = self.critic.decision([u.text for u in utts])
            if self.match_length:
                words = [word_count(u.text) for u in utts]
                index = choose_matched(scores, words, self.temperature, ctx.rng)
            else:
                index = choose(scores, self.temperature, ctx.rng)
        elapsed = time.perf_counter() - started
        p_real = 1.0 / (1.0 + np.exp(-scores))
        kept = utts[index]
        meta = dict(kept.meta)
        meta["critic_score"] = float(p_real[index])
        meta["n_candidates"] = len(utts)
        meta["select_ms"] = elapsed * 1000.0
        for key in ("tokens_in", "tokens_out"):
            counts = [u.meta.get(key) for u in utts]
            if any(isinstance(c, int) for c in counts):
                meta[key] = sum(c for c in counts if isinstance(c, int))
        self.turns += 1
        self.generated += len(utts)
        self.seconds += elapsed
        self.kept_score += float(p_real[index])
        self.all_score += float(p_real.mean())
        return Utterance(kept.text, meta)

    def describe(self) -> dict[str, object]:
        """The wrapped model's description plus the selection settings and its cost."""
        describe = getattr(self.inner, "describe", None)
        desc: dict[str, object] = dict(describe()) if callable(describe) else {}
        desc.setdefault("name", self.inner.name)
        n = max(self.turns, 1)
        desc["select"] = {
            "candidates": self.candidates,
            "temperature": self.temperature,
            "match_length": self.match_length,
            "turns": self.turns,
            "candidates_generated": self.generated,
            "candidates_per_turn": self.generated / n,
            "mean_turn_ms": 1000.0 * self.seconds / n,
            "mean_critic_score_kept": self.kept_score / n,
            "mean_critic_score_generated": self.all_score / n,
        }
        return desc

    async def aclose(self) -> None:
        await self.inner.aclose()


def choose_matched(
    logits: np.ndarray, words: list[int], temperature: float, rng: np.random.Generator
) -> int:
    """Critic-weighted choice among the candidates about as long as a reference candidate.

    The reference is drawn uniformly, so the kept turns keep the wrapped model's length
    distribution: shorter turns carry fewer tell-tale n-grams, and an unmatched critic would
    otherwise favour them (measured: -35% words per turn at K=32). Two draws from rng.
    """
    ref = words[int(rng.integers(len(words)))]
    lo, hi = ref / LENGTH_BAND, ref * LENGTH_BAND + 1
    near = [i for i, w in enumerate(words) if lo <= w <= hi]
    pick = choose(np.asarray(logits)[near], temperature, rng)
    return near[pick]


def choose(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """Index drawn with probability ``softmax(logits / temperature)`` (one draw from rng)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    w = np.exp(z - z.max())
    return int(rng.choice(len(w), p=w / w.sum()))
