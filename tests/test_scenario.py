"""Scenario validation: every bad input gets one line naming file, field, value, allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from simworld.errors import ConfigError
from simworld.scenario import Scenario, load_scenario, scenario_json_schema

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _load(tmp_path: Path, text: str) -> Scenario:
    p = tmp_path / "x.yaml"
    p.write_text(text)
    return load_scenario(p)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("population:\n  size: ten\n", 'population.size: expected an integer > 0, got "ten"'),
        ("population:\n  size: 0\n", "population.size: expected an integer > 0, got 0"),
        ("population:\n  sise: 10\n", "population.sise: unknown key 'sise'; did you mean 'size'?"),
        ("populaton: {}\n", "populaton: unknown key 'populaton'; did you mean 'population'?"),
        (
            "schedule:\n  active_share: 1.5\n",
            "schedule.active_share: expected a number > 0 and <= 1, got 1.5",
        ),
        (
            "user_model:\n  kind: gpt\n",
            'user_model.kind: expected one of "template", "openai", "local", got "gpt"',
        ),
        ("endpoints:\n  - name: a\n    kind: v1\n", "endpoints[0]: kind v1 needs url"),
        ("endpoints: []\n", "endpoints: expected at least 1 item, got []"),
        (
            "traits:\n  patience: {lo: 1}\n",
            "traits.patience.lo: unknown level 'lo'; allowed: low, medium, high; "
            "did you mean 'low'?",
        ),
        (
            "persona:\n  age_band: {'18-24': -1}\n",
            "persona.age_band.18-24: expected a number >= 0, got -1",
        ),
        ("seed: 1.5\n", "seed: expected an integer >= 0, got 1.5"),
        ("user_model:\n  kind: openai\n", "user_model: kind openai needs base_url and model"),
        (
            "endpoints:\n  - {name: a}\n  - {name: a}\n",
            "endpoints: endpoint names must be unique; repeated: a",
        ),
        ("- 1\n- 2\n", "expected a mapping of sections at the top level, got [1, 2]"),
        ("population: {size: [}\n", "invalid YAML"),
        (
            "goal: {films_wanted: {0: 1}}\n",
            "goal.films_wanted: film counts are whole numbers from 1 to 10, got 0",
        ),
        (
            "goal: {films_wanted: {1: 0}}\n",
            "goal.films_wanted: expected a mapping of film counts to weights with a positive total",
        ),
    ],
)
def test_bad_scenarios_get_one_line_errors(tmp_path: Path, yaml_text: str, message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        _load(tmp_path, yaml_text)
    text = str(exc.value)
    assert text.startswith(str(tmp_path / "x.yaml")), text
    assert message in text
    assert "\n" not in text
    assert "Traceback" not in text


def test_error_message_verbatim(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        _load(tmp_path, "population:\n  size: ten\n")
    assert (
        str(exc.value)
        == f'{tmp_path / "x.yaml"}: population.size: expected an integer > 0, got "ten"'
    )


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match=r"nope\.yaml: no such file"):
        load_scenario("nope.yaml")


def test_defaults_and_overrides(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("name: t\n")
    s = load_scenario(p, overrides={"population.size": 5, "schedule.ticks": 2})
    assert (s.population.size, s.schedule.ticks, s.endpoints[0].kind) == (5, 2, "embedded")
    assert s.digest() != load_scenario(p).digest()


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_scenarios_validate(path: Path) -> None:
    assert load_scenario(path).name


def test_json_schema_lists_sections() -> None:
    schema = scenario_json_schema()
    for section in (
        "population",
        "persona",
        "traits",
        "goal",
        "intents",
        "user_model",
        "endpoints",
        "schedule",
        "output",
    ):
        assert section in schema["properties"]
