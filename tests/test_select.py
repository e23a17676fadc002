"""Critic-guided selection: K=1 is no selection, candidates share the turn's latents and
differ, the choice leans towards real-looking text without collapsing onto it."""

from __future__ import annotations

import asyncio
from collections import Counter

import numpy as np
import pytest
from llm_contexts import dialogue

from simworld.calibration.critic import Critic, fit_critic
from simworld.errors import ConfigError
from simworld.users.base import TurnContext, Utterance
from simworld.users.models.select import SelectUserModel, choose
from simworld.users.models.template import TemplateUserModel

# Invented texts: "casual" plays the real users, "formal" the simulator.
CASUAL = [
    "lol ok sure",
    "nah not really my thing",
    "ooh yes that one",
    "meh kinda boring tbh",
    "idk maybe smth funny",
    "yeah ok cool",
    "nope seen it lol",
    "haha sure why not",
    "ugh no horror pls",
    "ok ok whats it about",
    "hmm idk",
    "cool ty",
]
FORMAL = [
    "Could you please recommend a film for me?",
    "I would prefer something else, thank you.",
    "That sounds wonderful, I will watch it.",
    "I have already seen that film.",
    "Could you tell me more about the plot?",
    "Thank you very much for your help.",
    "I am looking for a comedy from the nineties.",
    "I do not enjoy horror films.",
    "Perhaps something with a strong story.",
    "That is not quite what I had in mind.",
    "I appreciate the suggestion.",
    "Goodbye, and thank you.",
]


@pytest.fixture(scope="module")
def critic() -> Critic:
    return fit_critic(CASUAL * 3, FORMAL * 3, seed=0)


class Pool:
    """A user model drawing one of a fixed list of texts from the context's generator;
    records every context it is called with."""

    name = "pool"

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.calls: list[TurnContext] = []

    async def respond(self, ctx: TurnContext) -> Utterance:
        self.calls.append(ctx)
        return Utterance(self.texts[int(ctx.rng.integers(len(self.texts)))], {"user_model": "pool"})

    async def aclose(self) -> None:
        return None


async def test_k1_equals_no_selection_text_and_rng(critic: Critic) -> None:
    plain, wrapped = TemplateUserModel(), SelectUserModel(TemplateUserModel(), critic, candidates=1)
    for seed in range(6):
        for a, b in zip(dialogue(seed), dialogue(seed), strict=True):
            u_plain = await plain.respond(a)
            u_sel = await wrapped.respond(b)
            assert u_sel.text == u_plain.text
            # The rest of the session draws exactly the same numbers.
            assert a.rng.random() == b.rng.random()
            assert u_sel.meta["n_candidates"] == 1
            score = u_sel.meta["critic_score"]
            assert isinstance(score, float) and 0.0 <= score <= 1.0


async def test_candidates_share_the_turn_latents_and_differ(critic: Critic) -> None:
    calls: list[tuple[TurnContext, str]] = []

    class Recording(TemplateUserModel):
        async def respond(self, ctx: TurnContext) -> Utterance:
            utt = await super().respond(ctx)
            calls.append((ctx, utt.text))
            return utt

    distinct: list[int] = []
    model = SelectUserModel(Recording(), critic, candidates=8)
    for seed in range(5):
        for ctx in dialogue(seed):
            calls.clear()
            utt = await model.respond(ctx)
            assert len(calls) == 8 and utt.meta["n_candidates"] == 8
            assert {c.intent for c, _ in calls} == {ctx.intent}
            assert all(c.slots is ctx.slots and c.state is ctx.state for c, _ in calls)
            texts = [t for _, t in calls]
            assert utt.text in texts
            distinct.append(len(set(texts)))
    # The template model draws its phrasing from each candidate's own generator.
    assert sum(d >= 2 for d in distinct) >= 0.9 * len(distinct)
    assert np.mean(distinct) >= 4


async def test_selection_leans_to_real_but_keeps_variety(critic: Critic) -> None:
    pool = Pool(CASUAL[:4] + FORMAL[:4])
    model = SelectUserModel(pool, critic, candidates=4)
    kept: Counter[str] = Counter()
    ctxs = [c for seed in range(60) for c in dialogue(seed)]
    for ctx in ctxs:
        kept[(await model.respond(ctx)).text] += 1
    casual = sum(n for t, n in kept.items() if t in CASUAL)
    # A random candidate is casual half the time; the critic makes it much more likely...
    assert casual / len(ctxs) > 0.75
    # ...but not argmax: formal texts still get kept sometimes, and every casual text
    # survives (no collapse onto the single best-scored phrasing).
    assert casual < len(ctxs)
    assert all(kept[t] > 0 for t in CASUAL[:4])
    assert model.describe()["select"]["candidates_per_turn"] == 4.0  # type: ignore[index]


async def test_deterministic_for_a_seed(critic: Critic) -> None:
    async def run() -> list[str]:
        model = SelectUserModel(TemplateUserModel(), critic, candidates=6)
        return [(await model.respond(c)).text for c in dialogue(3)]

    first, second = await run(), await run()
    assert first == second


def test_choose_follows_the_softmax() -> None:
    rng = np.random.default_rng(0)
    logits = np.array([0.0, np.log(3.0)])
    picks = [choose(logits, 1.0, rng) for _ in range(4000)]
    assert abs(np.mean(picks) - 0.75) < 0.03
    cold = [choose(logits, 0.1, rng) for _ in range(500)]
    assert np.mean(cold) > 0.99


def test_bad_settings_are_config_errors(critic: Critic) -> None:
    with pytest.raises(ConfigError, match=r"select\.candidates"):
        SelectUserModel(TemplateUserModel(), critic, candidates=0)
    with pytest.raises(ConfigError, match=r"select\.temperature"):
        SelectUserModel(TemplateUserModel(), critic, candidates=2, temperature=0.0)


async def test_concurrent_candidates_are_deterministic_whatever_finishes_first(
    critic: Critic,
) -> None:
    """LLM-like models write candidates concurrently; each candidate has its own generator,
    so the order in which they finish cannot change the result."""

    class Slow(Pool):
        async def respond(self, ctx: TurnContext) -> Utterance:
            for _ in range(int(ctx.rng.integers(0, 5))):  # finish in a scrambled order
                await asyncio.sleep(0)
            return await super().respond(ctx)

    texts = CASUAL[:3] + FORMAL[:3]
    together = SelectUserModel(Slow(texts), critic, candidates=5, concurrent=True)
    in_turn = SelectUserModel(Slow(texts), critic, candidates=5, concurrent=False)
    for seed in range(10):
        for a, b in zip(dialogue(seed), dialogue(seed), strict=True):
            ua, ub = await together.respond(a), await in_turn.respond(b)
            assert ua.text == ub.text and ua.meta["critic_score"] == ub.meta["critic_score"]
            assert a.rng.random() == b.rng.random()


async def test_match_length_keeps_the_length_mix(critic: Critic) -> None:
    """Short casual vs long formal texts: unmatched selection keeps mostly the (short,
    real-looking) ones; matched selection keeps the wrapped model's length mix."""
    from simworld.metrics.text import word_count

    texts = CASUAL[:4] + FORMAL[:4]
    ctxs = [c for seed in range(40) for c in dialogue(seed)]
    means = {}
    for match in (False, True):
        model = SelectUserModel(Pool(texts), critic, candidates=4, match_length=match)
        kept = [(await model.respond(c)).text for c in ctxs]
        means[match] = np.mean([word_count(t) for t in kept])
    pool_mean = np.mean([word_count(t) for t in texts])
    assert means[False] < pool_mean - 1.0
    assert abs(means[True] - pool_mean) < 1.0
    assert model.describe()["select"]["match_length"] is True  # type: ignore[index]
