"""Scenario files: YAML validated at load into typed config objects.

``load_scenario(path)`` returns a :class:`Scenario` or raises :class:`ConfigError` whose
message names the file, the field path, the bad value and what is allowed::

    scenarios/x.yaml: population.size: expected an integer > 0, got "ten"

Defaults live here and only here (the CLI never re-declares them). ``scenario_json_schema()``
exports the JSON Schema for editors.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from simworld.config_errors import format_errors
from simworld.errors import ConfigError, did_you_mean
from simworld.latents.persona import ERAS, TRAIT_LEVELS

PosInt = Annotated[int, Field(gt=0)]
NonNegInt = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
PosFloat = Annotated[float, Field(gt=0)]
Weight = Annotated[float, Field(ge=0)]
Dist = dict[str, Weight]  # categorical distribution: value -> weight (normalised at build)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class PopulationConfig(_Strict):
    size: PosInt = 200
    sampling: Literal["independent", "stratified"] = "stratified"
    # With stratified sampling: the latents whose joint grid is covered on purpose.
    strata: list[
        Literal[
            "age_band",
            "occupation",
            "era",
            "patience",
            "verbosity",
            "politeness",
            "mood",
            "cooperativeness",
            "decisiveness",
        ]
    ] = ["era", "patience", "verbosity", "decisiveness"]  # pydantic copies list defaults
    # Films each agent watched before the run (median; drives SEE): MovieLens users' median
    # rating count on the bundled catalog, log-normal spread ``seen_spread`` (0: all equal).
    seen_per_agent: NonNegInt = 65
    seen_spread: Annotated[float, Field(ge=0, le=3)] = 1.23


class GenreCount(_Strict):
    min: NonNegInt = 1
    max: NonNegInt = 3
    weights: Dist | Literal["seekers", "popularity"] = "seekers"

    @model_validator(mode="after")
    def _order(self) -> GenreCount:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) must be <= max ({self.max})")
        return self


class PersonaConfig(_Strict):
    age_band: Dist = Field(
        default_factory=lambda: {
            "18-24": 0.25,
            "25-34": 0.3,
            "35-49": 0.25,
            "50-64": 0.13,
            "65+": 0.07,
        }
    )
    occupation: Dist = Field(
        default_factory=lambda: {
            "student": 0.18,
            "teacher": 0.08,
            "nurse": 0.07,
            "software developer": 0.1,
            "retail worker": 0.1,
            "engineer": 0.08,
            "retiree": 0.08,
            "artist": 0.05,
            "accountant": 0.06,
            "chef": 0.05,
            "parent at home": 0.07,
            "sales manager": 0.08,
        }
    )
    favourite_genres: GenreCount = Field(default_factory=GenreCount)
    disliked_genres: GenreCount = Field(
        default_factory=lambda: GenreCount(min=0, max=2, weights="popularity")
    )
    era: Dist = Field(default_factory=lambda: {"classic": 0.2, "recent": 0.45, "any": 0.35})


def _trait_default(name: str) -> Any:
    levels = TRAIT_LEVELS[name]
    if len(levels) == 3:
        return lambda: {levels[0]: 0.25, levels[1]: 0.5, levels[2]: 0.25}
    return lambda: {lv: 1.0 for lv in levels}


class TraitsConfig(_Strict):
    patience: Dist = Field(default_factory=_trait_default("patience"))
    verbosity: Dist = Field(default_factory=_trait_default("verbosity"))
    politeness: Dist = Field(default_factory=_trait_default("politeness"))
    mood: Dist = Field(default_factory=_trait_default("mood"))
    cooperativeness: Dist = Field(default_factory=_trait_default("cooperativeness"))
    decisiveness: Dist = Field(
        default_factory=lambda: {"decisive": 0.45, "hesitant": 0.35, "open": 0.2}
    )


class StyleConfig(_Strict):
    calibration: Literal["redial", "none"] = "redial"
    lowercase_scale: Annotated[float, Field(ge=0, le=5)] = 1.0
    typo_scale: Annotated[float, Field(ge=0, le=5)] = 1.0
    length_scale: Annotated[float, Field(gt=0, le=5)] = 1.0


FacetKind = Literal["genre", "decade", "era", "tag", "like"]


class GoalConfig(_Strict):
    popularity_bias: Annotated[float, Field(ge=0, le=3)] = 0.7
    # decade is left out by default: 1% of ReDial dialogues name a decade (kepler subset),
    # while era words ("old", "recent", "classic") appear in a quarter of them.
    facets: list[FacetKind] = ["genre", "era", "tag", "like"]
    accept_threshold: dict[Literal["decisive", "hesitant", "open"], Share] = {
        "decisive": 0.85,
        "hesitant": 0.7,
        "open": 0.5,
    }
    # How many films a user wants to leave with: of the IARD dialogues where the seeker
    # accepted something, 53% accepted one film, 34% two, 14% three or more.
    films_wanted: dict[int, Weight] = {1: 0.525, 2: 0.335, 3: 0.14}  # keys checked below

    @field_validator("films_wanted", mode="before")
    @classmethod
    def _count_keys(cls, value: Any) -> Any:
        # JSON (a checkpoint's copy of the scenario, --set) can only write "2" for 2.
        if not isinstance(value, dict):
            return value
        out: dict[Any, Any] = {}
        for k, v in value.items():
            n = int(k) if isinstance(k, str) and k.isdigit() else k
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10:
                raise ValueError(f"film counts are whole numbers from 1 to 10, got {k!r}")
            out[n] = v
        return out


class IntentsConfig(_Strict):
    policy: Literal["iard"] | str = "iard"  # or a path to a policy JSON in the same format
    exclude: list[str] = Field(default_factory=list)
    weights: dict[str, Weight] = Field(default_factory=dict)  # per-intent multipliers
    history_weight: Annotated[float, Field(ge=0, le=3)] = 1.0
    context_weight: Annotated[float, Field(ge=0, le=3)] = 1.0


class SelectConfig(_Strict):
    """Critic-guided selection: K candidates per turn, one kept with probability rising
    with the critic's realness score (softmax of logit(P(real)) / temperature)."""

    candidates: PosInt = 8
    temperature: PosFloat = 1.0
    match_length: bool = False  # choose among candidates of about the same length


def _check_phrase(src: str) -> str:
    """A scenario phrase must parse in the template model's grammar and use only slots the
    model fills (the error names the phrase and what is wrong; pydantic adds the path)."""
    from simworld.users.phrases import check_phrase

    check_phrase(src)  # PhraseSyntaxError is a ValueError: reported at the field's path
    return src


Phrase = Annotated[str, AfterValidator(_check_phrase)]


class UserModelConfig(_Strict):
    kind: Literal["template", "openai", "local"] = "template"
    # template: phrases per intent in the grammar of simworld/users/phrases.py; the only ones
    # of a custom taxonomy's new intent, extending (or, with replace, replacing) the bank's.
    phrases: dict[str, Annotated[list[Phrase], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    phrases_mode: Literal["extend", "replace"] = "extend"
    # A bundle written by ``simworld calibrate`` (relative paths: from the scenario file);
    # its style and intent chain replace the bundled ReDial/IARD ones.
    calibration: str | None = None
    select: SelectConfig | None = None
    mode: Literal["free", "draft"] = "draft"
    layout: Literal["assistant", "user_lm"] = "assistant"
    base_url: str | None = None
    # The NAME of an environment variable whose value, when set and non-empty, replaces
    # base_url (read when the model is built, so the URL never enters the scenario digest).
    base_url_env: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] = 0.8
    top_p: Annotated[float, Field(gt=0, le=1)] = 0.95
    max_tokens: PosInt = 80
    max_in_flight: PosInt = 16
    rate_limit: PosFloat | None = None
    timeout_s: PosFloat = 60.0
    retries: NonNegInt = 3
    cache_dir: str | None = None
    max_regenerations: NonNegInt = 2
    fallback_on_error: bool = False
    model_path: str | None = None
    n_ctx: PosInt = 2048
    n_threads: PosInt | None = None
    state_cache_mb: NonNegInt = 1024  # local: llama.cpp's RAM cache of evaluated prompts

    @model_validator(mode="after")
    def _needs(self) -> UserModelConfig:
        if self.kind == "openai":
            missing = [f for f in ("base_url", "model") if getattr(self, f) is None]
            if self.base_url_env:  # the URL may come from the environment, at build time
                missing = [f for f in missing if f != "base_url"]
            if missing:
                raise ValueError(
                    f"kind openai needs {' and '.join(missing)}"
                    + ("; base_url_env can stand in for base_url" if "base_url" in missing else "")
                )
        if self.select is not None and self.calibration is None:
            raise ValueError("select needs calibration (the critic comes from the bundle)")
        return self


class EndpointConfig(_Strict):
    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    kind: Literal["embedded", "v1", "openai_chat", "generic"] = "embedded"
    url: str | None = None
    strategy: Literal["preference", "popularity"] = "preference"  # embedded only
    model: str | None = None  # openai_chat only
    request_body: dict[str, Any] | None = None  # generic only: JSON template
    response_fields: dict[Literal["text", "item_ids", "item_titles", "done"], str] | None = None
    headers_env: dict[str, str] = Field(default_factory=dict)  # header -> env var holding value
    max_concurrency: PosInt = 64
    rate_limit: PosFloat | None = None  # requests per second
    timeout_s: PosFloat = 30.0
    retries: NonNegInt = 3
    max_consecutive_errors: PosInt = 3

    @model_validator(mode="after")
    def _needs(self) -> EndpointConfig:
        if self.kind != "embedded" and not self.url:
            raise ValueError(f"kind {self.kind} needs url")
        if self.kind == "generic" and (
            self.request_body is None
            or not self.response_fields
            or "text" not in self.response_fields
        ):
            raise ValueError("kind generic needs request_body and response_fields with text")
        return self


class ScheduleConfig(_Strict):
    ticks: PosInt = 3
    active_share: Annotated[float, Field(gt=0, le=1)] = 0.5
    max_turns: PosInt = 12
    session_timeout_s: PosFloat = 300.0
    max_in_flight_sessions: PosInt = 256


class DynamicsConfig(_Strict):
    """How agents change between sessions (rules: :mod:`simworld.engine.dynamics`).

    ``activity: fixed`` starts exactly ``schedule.active_share`` of the eligible agents each
    tick (drawn at random); ``adaptive`` gives each agent its own daily chance, around
    ``schedule.active_share``, moved by its activity level, satisfaction, fatigue and (with a
    social graph) its neighbours' satisfaction.
    """

    activity: Literal["fixed", "adaptive"] = "fixed"
    activity_spread: Annotated[float, Field(ge=0, le=3)] = 0.5  # sd of log activity level
    satisfaction_alpha: Annotated[float, Field(gt=0, le=1)] = 0.3  # EWMA weight of a session
    satisfaction_weight: Annotated[float, Field(ge=0, le=20)] = 3.0  # logit per unit of satisf.
    fatigue_per_session: Annotated[float, Field(ge=0, le=10)] = 1.0
    fatigue_recovery: Share = 0.5  # share of fatigue gone after each tick
    fatigue_weight: Annotated[float, Field(ge=0, le=20)] = 1.0  # logit per unit of fatigue
    churn_threshold: Share = 0.35  # a session rated below this is a bad experience
    churn_patience: PosInt = 3  # bad sessions in a row at one endpoint before churning from it
    trust_prior: Share = 0.5  # trust in an endpoint never tried
    trust_alpha: Annotated[float, Field(gt=0, le=1)] = 0.3  # EWMA weight of a session on trust
    drift_rate: Share = 0.1  # chance an accepted film's genre joins the favourites
    recall_rate: Share = 0.3  # chance a returning user mentions last time's film
    memory: PosInt = 4  # window of accepted films for the genre-entropy statistic


SocialGraphKind = Literal["none", "watts_strogatz", "barabasi_albert", "erdos_renyi", "edgelist"]


class SocialConfig(_Strict):
    """Who knows whom (a networkx graph over agents) and how much word of mouth matters."""

    graph: SocialGraphKind = "none"
    k: PosInt = 6  # watts_strogatz: neighbours per agent; erdos_renyi: mean degree
    p: Share = 0.1  # watts_strogatz: rewiring probability
    m: PosInt = 3  # barabasi_albert: links of each new agent
    path: str | None = None  # edgelist: file of "i j" agent-index pairs
    influence: Share = 0.0  # 0 turns word of mouth off
    window: PosInt = 3  # each neighbour's most recent accepted films that can spread

    @model_validator(mode="after")
    def _needs(self) -> SocialConfig:
        if self.graph == "edgelist" and not self.path:
            raise ValueError("graph edgelist needs path")
        return self


class AssignmentConfig(_Strict):
    """Which endpoint(s) an agent's session goes to (``assignment: paired`` is shorthand)."""

    mode: Literal["split", "paired", "choice"] = "split"
    temperature: PosFloat = 0.1  # choice: softmax temperature over trust

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"mode": data} if isinstance(data, str) else data


class OutputConfig(_Strict):
    dir: str = "out/run"
    batch_rows: PosInt = 5000


class Scenario(_Strict):
    name: str = "scenario"
    description: str = ""
    seed: NonNegInt = 0
    catalog: str = "bundled"
    population: PopulationConfig = Field(default_factory=PopulationConfig)
    persona: PersonaConfig = Field(default_factory=PersonaConfig)
    traits: TraitsConfig = Field(default_factory=TraitsConfig)
    style: StyleConfig = Field(default_factory=StyleConfig)
    goal: GoalConfig = Field(default_factory=GoalConfig)
    intents: IntentsConfig = Field(default_factory=IntentsConfig)
    user_model: UserModelConfig = Field(default_factory=UserModelConfig)
    endpoints: list[EndpointConfig] = Field(
        default_factory=lambda: [EndpointConfig(name="reference")], min_length=1
    )
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    dynamics: DynamicsConfig = Field(default_factory=DynamicsConfig)
    social: SocialConfig = Field(default_factory=SocialConfig)
    assignment: AssignmentConfig = Field(default_factory=AssignmentConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)

    @field_validator("endpoints")
    @classmethod
    def _unique_endpoints(cls, endpoints: list[EndpointConfig]) -> list[EndpointConfig]:
        names = [e.name for e in endpoints]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"endpoint names must be unique; repeated: {', '.join(dup)}")
        return endpoints

    # -- provenance ------------------------------------------------------------------
    def canonical_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def sim_digest(self) -> str:
        """Digest of everything that shapes the simulation (all but ``output``): what resume
        compares, and what run and session ids derive from, so they do not depend on where
        the output goes (nor where a calibration bundle is: its content digest counts). Key
        order counts: the order of a distribution's levels orders the draws."""
        data = self.model_dump(mode="json")
        data.pop("output", None)
        if self.user_model.calibration is not None:
            # What the bundle holds shapes the run, not where it is stored.
            from simworld.calibration.bundle import load_bundle

            data["user_model"]["calibration"] = load_bundle(self.user_model.calibration).digest
        select = self.user_model.select
        if select is not None and select.candidates == 1:
            data["user_model"]["select"] = None  # one candidate is no selection: same run
        text = json.dumps(data, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# -- loading ---------------------------------------------------------------------------
def load_scenario(path: str | Path, *, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read and validate a scenario file. ``overrides`` maps dotted paths to values."""
    p = Path(path)
    name = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("no such file", file=name) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", file=name) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"invalid YAML: {problem}", file=where) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError.expected("a mapping of sections at the top level", data, file=name)
    apply_overrides(data, overrides)
    return validate_scenario(data, file=name, base=p.resolve().parent)


def apply_overrides(data: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Set dotted paths (``population.size``) in raw scenario data, in place; returns it."""
    for dotted, value in (overrides or {}).items():
        _set_dotted(data, dotted, value)
    return data


def validate_scenario(
    data: dict[str, Any], *, file: str = "<scenario>", base: Path | None = None
) -> Scenario:
    """Validate raw scenario data; ``base`` is the directory relative paths start from (the
    scenario file's), used here for ``user_model.calibration``."""
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ConfigError("\n".join(format_errors(exc, file, Scenario))) from None
    _check_dists(scenario, file)
    return _resolve_calibration(scenario, file, base)


def _resolve_calibration(scenario: Scenario, file: str, base: Path | None) -> Scenario:
    """Check the calibration bundle now (a bad one is a config error at load, not a crash
    mid-run) and store its absolute path, so the run does not depend on the working
    directory."""
    um = scenario.user_model
    if um.calibration is None:
        return scenario
    from simworld.calibration.bundle import load_bundle
    from simworld.errors import DataError

    path = Path(um.calibration).expanduser()
    if not path.is_absolute() and base is not None:
        path = base / path
    field = "user_model.calibration"
    try:
        bundle = load_bundle(path)
    except DataError as exc:
        raise ConfigError(str(exc), file=file, field=field) from None
    if um.select is not None and bundle.critic is None:
        raise ConfigError(
            f"{path}: the bundle has no critic.json, which select needs", file=file, field=field
        )
    resolved = str(path.resolve())
    if resolved == um.calibration:
        return scenario
    new_um = um.model_copy(update={"calibration": resolved})
    return scenario.model_copy(update={"user_model": new_um})


def scenario_json_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys = dotted.split(".")
    cur = data
    for k in keys[:-1]:
        nxt = cur.get(k)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[k] = nxt
        cur = nxt
    cur[keys[-1]] = value


def _check_dists(s: Scenario, file: str) -> None:
    """Distributions need a positive total and, for traits/era, known levels; cross-field
    rules (paired assignment needs several endpoints) are checked here too."""
    if s.assignment.mode == "paired" and len(s.endpoints) < 2:
        raise ConfigError(
            f"paired assignment needs at least 2 endpoints, got {len(s.endpoints)}",
            file=file,
            field="assignment.mode",
        )
    checks: list[tuple[str, dict[str, float], tuple[str, ...] | None]] = [
        ("persona.age_band", s.persona.age_band, None),
        ("persona.occupation", s.persona.occupation, None),
        ("persona.era", s.persona.era, ERAS),
    ]
    for trait, levels in TRAIT_LEVELS.items():
        checks.append((f"traits.{trait}", getattr(s.traits, trait), levels))
    if sum(s.goal.films_wanted.values()) <= 0:
        raise ConfigError.expected(
            "a mapping of film counts to weights with a positive total",
            s.goal.films_wanted,
            file=file,
            field="goal.films_wanted",
        )
    for fld, dist, allowed in checks:
        if not dist or sum(dist.values()) <= 0:
            raise ConfigError.expected(
                "a mapping of values to weights with a positive total", dist, file=file, field=fld
            )
        if allowed is not None:
            for key in dist:
                if key not in allowed:
                    raise ConfigError(
                        f"unknown level {key!r}; allowed: {', '.join(allowed)}"
                        + did_you_mean(key, allowed),
                        file=file,
                        field=f"{fld}.{key}",
                    )
