"""Model-written turns get the real seekers' writing style by default.

An LLM writes tidy text: a capital first letter, a final full stop, no typos. Real ReDial
seekers do not (a fifth start in lower case, about half end without a mark). The LLM user
models run the template model's style pass on every final turn, with the agent's style drawn
from the calibrated distribution, so a model-written *population* should show the measured
rates. The backend here is an in-process stand-in for a perfectly tidy model: it returns the
draft it was asked to rewrite, capitalised and ending with a full stop (or its question
mark) (guards pass, so no
turn falls back to the template).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from llm_contexts import catalog, dialogue

from simworld.build import sample_style, style_calibration
from simworld.scenario import StyleConfig
from simworld.users.models.llm_base import Generation, LLMUserModel

_DRAFT = re.compile(r'in about \d+ words: "(.*)"', re.DOTALL)


class TidyModel(LLMUserModel):
    """Rewrites by returning the draft as a careful writer would type it."""

    name = "tidy"
    max_tokens = 80

    async def _complete(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        seed: int | None,
        attempt: int,
        max_tokens: int,
    ) -> Generation:
        found = _DRAFT.search(messages[-1]["content"]) or _DRAFT.search(
            "\n".join(m["content"] for m in messages)
        )
        assert found, "draft mode puts the draft in the instruction"
        text = found.group(1).strip()
        end = "?" if text.endswith("?") else "."
        text = text.rstrip(".!?")
        return Generation(text[:1].upper() + text[1:] + end)

    def describe(self) -> dict[str, object]:
        return {"name": self.name}


def _rates(texts: list[str]) -> dict[str, float]:
    lettered = [t for t in texts if re.search(r"[A-Za-z]", t)]
    first = [re.search(r"[A-Za-z]", t).group(0) for t in lettered]  # type: ignore[union-attr]
    return {
        "lowercase_start": float(np.mean([c.islower() for c in first])),
        "all_lowercase": float(np.mean([t == t.lower() for t in lettered])),
        "no_final_punct": float(np.mean([t.rstrip()[-1:] not in ".!?" for t in lettered])),
        "exclaim_end": float(np.mean([t.rstrip().endswith("!") for t in lettered])),
    }


async def test_model_written_population_has_the_real_seekers_style() -> None:
    cal = style_calibration()
    real = cal["rates"]
    model = TidyModel(mode="draft")
    rng = np.random.default_rng(11)
    texts: list[str] = []
    fallbacks = 0
    for agent in range(120):
        style = sample_style(rng, cal, StyleConfig())
        for ctx in dialogue(seed=agent)[:5]:
            utt = await model.respond(dataclasses.replace(ctx, style=style))
            fallbacks += bool(utt.meta.get("fallback"))
            texts.append(utt.text)
    assert fallbacks <= len(texts) * 0.05  # the model wrote the turns, not the template
    got = _rates(texts)
    # Without the style pass every rate below would be 0 (tidy model) -- they must land near
    # the measured real rates instead (600 turns from 120 agents: a few points of noise).
    assert got["lowercase_start"] == pytest.approx(real["lowercase_start"], abs=0.08)
    assert got["all_lowercase"] == pytest.approx(real["all_lowercase"], abs=0.08)
    assert got["no_final_punct"] == pytest.approx(real["no_final_punct"], abs=0.12)
    assert got["exclaim_end"] == pytest.approx(real["exclaim_end"], abs=0.08)


def test_the_tidy_stand_in_is_tidy() -> None:
    # guard against a vacuous test: the backend's own text carries none of those habits
    assert _rates(["Something funny.", "A thriller please."]) == {
        "lowercase_start": 0.0,
        "all_lowercase": 0.0,
        "no_final_punct": 0.0,
        "exclaim_end": 0.0,
    }
    assert len(catalog()) > 0
