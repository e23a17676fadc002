"""Custom taxonomies: a policy file with new intents, and scenario phrases for them.

A new intent needs phrases (``user_model.phrases``) before a run starts; bad phrases are
config errors at load naming the field path; scenario phrases extend or replace the bank's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as ds
import pytest

from simworld.build import make_intent_policy
from simworld.catalog import Catalog, Item
from simworld.crs.protocol import RecItem
from simworld.engine.runner import run_scenario
from simworld.errors import ConfigError
from simworld.latents.persona import Persona, Style, Traits
from simworld.latents.policy import load_policy_table
from simworld.scenario import Scenario, load_scenario, validate_scenario
from simworld.users.base import TurnContext
from simworld.users.goal import Facet, Goal, GoalState, Slots
from simworld.users.models.template import TemplateUserModel

# Invented marker words: neither the phrase bank nor the bundled catalog uses them.
WISH_PHRASES = [
    "I wish there were more (zeppelin|hovercraft) movies",
    "@polite [{please}, ]any (zeppelin|hovercraft) films[ at all]?",
]
MARKER = re.compile(r"zeppelin|hovercraft", re.IGNORECASE)


def write_policy(path: Path) -> Path:
    """The bundled IARD policy plus a new intent WISH, reachable from every turn."""
    table = load_policy_table("iard")
    table["intents"] = [*table["intents"], "WISH"]
    table["start"]["WISH"] = 0.3
    for code, row in table["transitions"].items():
        if code != "CLOSE":
            row["WISH"] = 0.3
    table["transitions"]["WISH"] = dict(table["transitions"]["PRO"])
    for dist in table["after_action"].values():
        dist["WISH"] = 0.2
    path.write_text(json.dumps(table), encoding="utf-8")
    return path


def scenario(tmp_path: Path, **over: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": "custom-intents",
        "seed": 5,
        "population": {"size": 16},
        "style": {"typo_scale": 0.0},  # markers stay readable
        "intents": {"policy": str(write_policy(tmp_path / "policy.json"))},
        "user_model": {"phrases": {"WISH": WISH_PHRASES}},
        "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 8},
    }
    data.update(over)
    return validate_scenario(data)


def rows(out: Path, name: str) -> list[dict[str, Any]]:
    return list(ds.dataset(out / name, format="parquet").to_table().to_pylist())


# -- end to end --------------------------------------------------------------------------


async def test_new_intent_runs_with_scenario_phrases_and_its_label(tmp_path: Path) -> None:
    out = tmp_path / "out"
    await run_scenario(scenario(tmp_path), out_dir=out)
    turns, sessions = rows(out, "turns"), rows(out, "sessions")
    wish = [t for t in turns if t["intent"] == "WISH"]
    assert len(wish) >= 5
    assert all(MARKER.search(t["user_text"]) for t in wish), [t["user_text"] for t in wish]
    # the phrases belong to WISH alone, and WISH never borrows another intent's phrases
    assert not [t["user_text"] for t in turns if t["intent"] != "WISH" and
                MARKER.search(t["user_text"])]
    words = {m.group(0).lower() for t in wish for m in MARKER.finditer(t["user_text"])}
    assert words == {"zeppelin", "hovercraft"}  # the alternation is drawn from
    assert any("WISH" in s["intents"] for s in sessions)


async def test_new_intent_without_phrases_stops_the_run_before_it_starts(
    tmp_path: Path,
) -> None:
    s = scenario(tmp_path, user_model={})
    out = tmp_path / "out"
    with pytest.raises(ConfigError) as exc:
        await run_scenario(s, out_dir=out)
    message = str(exc.value)
    assert message.startswith("intents.policy: intent 'WISH' has no phrases")
    assert "user_model.phrases.WISH" in message and "intents.exclude" in message
    assert not (out / "turns").exists()


def test_an_excluded_new_intent_needs_no_phrases(tmp_path: Path) -> None:
    s = scenario(tmp_path, user_model={}, intents={
        "policy": str(write_policy(tmp_path / "p.json")), "exclude": ["WISH"]})
    assert "WISH" not in make_intent_policy(s).intents


def test_phrases_for_an_intent_outside_the_taxonomy_are_a_config_error(
    tmp_path: Path,
) -> None:
    s = scenario(tmp_path, user_model={"phrases": {"WISH": WISH_PHRASES, "WIHS": ["hm"]}})
    with pytest.raises(ConfigError) as exc:
        make_intent_policy(s)
    message = str(exc.value)
    assert message.startswith("user_model.phrases.WIHS: intent 'WIHS' is not in the policy")
    assert message.endswith("did you mean 'WISH'?")


def test_the_check_applies_to_the_bundled_taxonomy_too(tmp_path: Path) -> None:
    s = validate_scenario({"user_model": {"phrases": {"ACCEPT": ["sure"]}}})
    with pytest.raises(ConfigError, match="'ACCEPT' is not in the policy"):
        make_intent_policy(s)
    assert make_intent_policy(validate_scenario({"user_model": {"phrases": {"ACC": ["ok"]}}}))


# -- validation at load --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrases_yaml", "message"),
    [
        (
            '["I wish (more|less", "ok"]',
            "user_model.phrases.WISH[0]: phrase 'I wish (more|less': expected ')' at position 17",
        ),
        ('["ok", "more {genres} please"]', "user_model.phrases.WISH[1]: phrase "
         "'more {genres} please': unknown slot {genres}; slots: accepted,"),
        ('["ok", "a ] b"]', "user_model.phrases.WISH[1]: phrase 'a ] b': unexpected ']'"),
        ('["@kind hello"]', "user_model.phrases.WISH[0]: phrase '@kind hello': unknown tag"),
        ('["  "]', "user_model.phrases.WISH[0]: phrase '  ': no words"),
        ("[]", "user_model.phrases.WISH: expected at least 1 item, got []"),
        ('"just one"', 'user_model.phrases.WISH: expected a list, got "just one"'),
    ],
)
def test_bad_phrases_are_config_errors_naming_the_field(
    tmp_path: Path, phrases_yaml: str, message: str
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(f"user_model:\n  phrases:\n    WISH: {phrases_yaml}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_scenario(path)
    assert str(exc.value).startswith(f"{path}: {message}"), str(exc.value)
    assert "\n" not in str(exc.value)


def test_bad_phrases_passed_to_the_model_directly_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"^user_model\.phrases\.WISH\[0\]: phrase 'x \{'"):
        TemplateUserModel(phrases={"WISH": ["x {"]})
    with pytest.raises(ConfigError, match=r"^user_model\.phrases_mode: expected"):
        TemplateUserModel(phrases_mode="merge")


# -- rendering -----------------------------------------------------------------------------

HEAT = Item("m1", "Heat", 1995, ("Action", "Crime"), ("heist",), 100)
ALIEN = Item("m2", "Alien", 1979, ("Horror", "Sci-Fi"), ("space",), 140)
CATALOG = Catalog((HEAT, ALIEN))


def ctx(intent: str, seed: int) -> TurnContext:
    """A mid-session turn after a recommendation of Heat; the user has said "Horror"."""
    goal = Goal(ALIEN, (Facet("genre", "Horror"), Facet("era", "classic")), 0.5, ())
    heat = RecItem("m1", "Heat (1995)", 0.5)
    state = GoalState(goal, CATALOG, revealed=1, last_items=(heat,), recommended=["m1"])
    slots = Slots(item=heat if intent == "ACC" else None)
    persona = Persona("25-34", "teacher", ("Horror",), (), "any")
    return TurnContext(persona, Traits(), Style(typo_rate=0.0, filler_rate=0.0), state, intent,
                       slots, 2, (), None, np.random.default_rng(seed))


def texts(model: TemplateUserModel, intent: str, n: int = 60) -> list[str]:
    return [model.draft(ctx(intent, seed)) for seed in range(n)]


def test_extend_keeps_the_bank_and_adds_the_scenario_phrases() -> None:
    model = TemplateUserModel(phrases={"ACC": ["(zeppelin|hovercraft) night it is"]})
    out = texts(model, "ACC")
    marked = sum(bool(MARKER.search(t)) for t in out)
    assert 0 < marked < len(out)


def test_replace_uses_only_the_scenario_phrases() -> None:
    model = TemplateUserModel(phrases={"ACC": ["(zeppelin|hovercraft) night it is"]},
                              phrases_mode="replace")
    assert all(MARKER.search(t) for t in texts(model, "ACC"))
    # intents without scenario phrases keep the bank's
    assert not any(MARKER.search(t) for t in texts(model, "REJ", 20))


def test_a_new_intent_fills_slots_from_the_dialogue() -> None:
    model = TemplateUserModel(phrases={"WISH": ["I wish there were more {genre_pl}"]})
    assert model.has_phrases("WISH") and not TemplateUserModel().has_phrases("WISH")
    out = texts(model, "WISH", 20)
    assert all(re.search(r"horror|scary", t, re.IGNORECASE) for t in out), out


def test_llm_models_draft_new_intents_from_the_scenario_phrases() -> None:
    from simworld.users.models.openai_model import OpenAIUserModel

    phrases = {"WISH": ["(zeppelin|hovercraft) wishes for {genre_pl}"]}
    for mode in ("free", "draft"):
        # prompt() renders only: the closed port is never contacted
        model = OpenAIUserModel(
            base_url="http://127.0.0.1:9", model="m", mode=mode, phrases=phrases
        )
        context = ctx("WISH", 3)
        draft = model._template.draft(context)
        assert MARKER.search(draft), draft
        prompt = model.prompt(context, 8, draft)
        # free mode has no instruction text for WISH: the draft says what the turn is for
        assert MARKER.search(prompt.instruction), (mode, prompt.instruction)
        assert "should WISH" not in prompt.instruction
    # a bundled intent in free mode still gets its own instruction, not the draft
    free = OpenAIUserModel(base_url="http://127.0.0.1:9", model="m", mode="free")
    rej = ctx("REJ", 3)
    assert "Say this in your own words" not in free.prompt(rej, 8, "nah").instruction
