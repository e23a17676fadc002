"""Build: turn a validated :class:`~simworld.scenario.Scenario` into the objects a run needs.

This is the only place that reads config; the session layer receives finished objects.
All randomness derives from the scenario seed through ``numpy.random.SeedSequence`` with
fixed spawn keys (see :func:`seed_seq`), so the same seed gives the same latents and texts
whatever the concurrency.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import numpy as np

from simworld.catalog import Catalog
from simworld.crs.client import CRSClient
from simworld.errors import ConfigError, DataError
from simworld.latents.persona import TRAIT_LEVELS, Persona, Style, Traits
from simworld.latents.policy import IntentPolicy, make_policy
from simworld.latents.sampling import (
    CATEGORICAL_PERSONA,
    AgentLatents,
    draw_column,
    draw_strata,
    genre_weights,
    sample_genres,
    sample_seen,
)
from simworld.scenario import EndpointConfig, Scenario, UserModelConfig
from simworld.users.base import UserModel

if TYPE_CHECKING:
    from simworld.calibration.bundle import CalibrationBundle
    from simworld.engine.population import Population
    from simworld.engine.social import SocialGraph

# Spawn keys: one stream per purpose, so adding draws to one never shifts another.
SEED_LATENTS, SEED_AGENT, SEED_SESSION, SEED_CLIENT = 1, 2, 3, 4
# Population dynamics (simworld/engine/population.py): per tick, or per (tick, agent), never
# carried from one tick to the next, so a resumed run draws exactly what an uninterrupted
# one would.
SEED_ACTIVITY = 5  # (tick): who starts a session
SEED_LEVEL = 6  # (): each agent's activity level
SEED_DRIFT = 7  # (tick, agent): preference drift
SEED_SOCIAL = 8  # (): the social graph
SEED_ASSIGN = 9  # (): split arms; (tick): choice draws
SEED_FRIEND = 10  # (tick): word-of-mouth goals; (tick, agent): which friend's film
SEED_RECALL = 11  # (tick): returning users mentioning last time's film
SEED_BOOTSTRAP = 12  # (): A/B confidence intervals


def seed_seq(seed: int, *key: int) -> np.random.SeedSequence:
    return np.random.SeedSequence([seed, *key])


def rng_for(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(seed_seq(seed, *key))


def load_catalog(spec: str, *, base: Path | None = None) -> Catalog:
    if spec == "bundled":
        return Catalog.bundled()
    path = Path(spec)
    if not path.is_absolute() and base is not None and not path.exists():
        path = base / path
    return Catalog.from_csv(path)


# -- style calibration -------------------------------------------------------------------
@cache
def style_calibration() -> dict[str, Any]:
    ref = resources.files("simworld.data").joinpath("style_redial.json")
    return dict(json.loads(ref.read_text(encoding="utf-8")))


def calibration_bundle(scenario: Scenario) -> CalibrationBundle | None:
    """The scenario's calibration bundle (``user_model.calibration``), or None."""
    path = scenario.user_model.calibration
    if path is None:
        return None
    from simworld.calibration.bundle import load_bundle

    try:
        return load_bundle(path)
    except DataError as exc:
        raise ConfigError(str(exc), field="user_model.calibration") from None


def scenario_style(scenario: Scenario) -> Mapping[str, Any] | None:
    """The style figures agents are drawn from: the calibration bundle's when there is one,
    else the bundled ReDial figures (``style.calibration: redial``), else None."""
    bundle = calibration_bundle(scenario)
    if bundle is not None:
        return bundle.style
    return style_calibration() if scenario.style.calibration == "redial" else None


def intent_length_shift(cal: Mapping[str, Any]) -> dict[str, float]:
    """Per-intent log-length offsets: log(mean words of the intent / mean words overall).

    Measured on IARD's labelled seeker turns (see docs/calibration.md); intents with fewer
    than 5 labelled turns keep no offset.
    """
    per = cal.get("per_intent_words", {})
    overall = float(per.get("ALL", {}).get("mean") or 0)
    out: dict[str, float] = {}
    for code, st in per.items():
        mean = float(st.get("mean") or 0)
        if code != "ALL" and overall > 0 and mean > 0 and int(st.get("n", 0)) >= 5:
            out[code] = round(math.log(mean / overall), 4)
    return out


#: Intents need this many labelled turns for their one-word share to be used.
ONE_WORD_MIN_TURNS = 20


def intent_one_word(cal: Mapping[str, Any]) -> dict[str, float]:
    """Per-intent share of one-word turns (``per_intent_words.*.one_word``), for intents with
    at least :data:`ONE_WORD_MIN_TURNS` labelled turns and a positive share."""
    out: dict[str, float] = {}
    for code, st in cal.get("per_intent_words", {}).items():
        share = float(st.get("one_word") or 0.0)
        if code != "ALL" and share > 0 and int(st.get("n", 0)) >= ONE_WORD_MIN_TURNS:
            out[code] = share
    return out


def sample_style(rng: np.random.Generator, cal: Mapping[str, Any] | None, cfg: Any) -> Style:
    """Per-agent habits: population means from the real seekers, spread between agents.

    Each habit is drawn around the measured population rate with the measured
    between-seeker spread (``per_user.*.std_between``), so some agents always write in
    lower case and others never do, as real people do, while the population mix matches.
    """
    if cal is None:
        return Style()
    d = cal["style_defaults"]
    rates = cal["rates"]
    users = cal.get("per_user", {})
    lc_sd = float(users.get("lowercase_start_rate", {}).get("std_between", 0.2))
    mu_sd = float(users.get("words_mu", {}).get("std_between", 0.24))
    # One lower-case habit per agent (mean and between-seeker spread as measured); part of it
    # is whole turns in lower case, the rest only the first letter.
    habit = _beta(rng, min(0.98, float(d["lowercase_rate"]) * cfg.lowercase_scale), lc_sd)
    all_lower = habit * float(d["all_lower_rate"]) / max(float(d["lowercase_rate"]), 1e-6)
    first_only = (habit - all_lower) / max(1.0 - all_lower, 1e-6)
    # The style applies "!" first, then drops the final mark of the other turns: match the
    # measured share of non-question turns without a final mark.
    no_final = float(rates.get("no_final_punct_without_question", d["no_final_punct_rate"]))
    no_final /= max(1.0 - float(d["exclaim_rate"]), 1e-6)
    # Population sigma = sqrt(within^2 + between^2 + verbosity^2): keep the total as measured.
    within = math.sqrt(max(float(d["words_sigma"]) ** 2 - mu_sd**2 - VERBOSITY_VAR, 0.2))
    # The apostrophe habit ("havent"): a writer's own rate, drawn last so a calibration
    # without it (older bundles) draws nothing more.
    drop = float(d.get("apostrophe_drop_rate", 0.0))
    drop_sd = float(users.get("apostrophe_drop_rate", {}).get("std_between", 0.0))
    return Style(
        apostrophe_drop_rate=_beta(rng, drop, drop_sd) if drop > 0 else 0.0,
        words_mu=float(d["words_mu"]) + math.log(cfg.length_scale) + float(rng.normal(0, mu_sd)),
        words_sigma=within,
        lowercase_rate=first_only,
        all_lower_rate=all_lower,
        no_final_punct_rate=_beta(rng, min(no_final, 0.95), 0.2),
        typo_rate=min(0.9, float(d["typo_rate"]) * cfg.typo_scale),
        filler_rate=float(d["filler_rate"]),
        exclaim_rate=float(d["exclaim_rate"]),
    )


# Multiplier on target lengths for the template model, chosen so the quickstart population's
# mean words per turn matches the real seekers' (10.25); see docs/calibration.md.
TEMPLATE_LENGTH_GAIN = 1.4

# Variance of the verbosity trait's log-length shift in the default trait mix (see the
# template user model); subtracted so the population's spread of lengths stays as measured.
VERBOSITY_VAR = 0.045


def _beta(rng: np.random.Generator, mean: float, sd: float) -> float:
    mean = min(max(mean, 0.01), 0.99)
    var = min(sd**2, mean * (1 - mean) * 0.95)
    if var <= 1e-9:  # no spread between writers (a calibrated corpus can show none)
        return mean
    k = mean * (1 - mean) / var - 1
    return float(rng.beta(mean * k, (1 - mean) * k))


# -- population --------------------------------------------------------------------------
def sample_population(scenario: Scenario, catalog: Catalog) -> list[AgentLatents]:
    n = scenario.population.size
    seed = scenario.seed
    rng = rng_for(seed, SEED_LATENTS)
    stratified = scenario.population.sampling == "stratified"
    p = scenario.persona
    declared: dict[str, Mapping[str, float]] = {k: getattr(p, k) for k in CATEGORICAL_PERSONA}
    declared.update({k: getattr(scenario.traits, k) for k in TRAIT_LEVELS})
    if stratified:
        strata = list(dict.fromkeys(scenario.population.strata))
        cols = draw_strata({k: declared[k] for k in strata}, n, rng)
        cells = [tuple(cols[k][i] for k in strata) for i in range(n)]
    else:
        cols, cells = {}, [() for _ in range(n)]
    for name, dist in declared.items():
        if name not in cols:
            cols[name] = draw_column(dist, n, rng, stratified=stratified, cells=cells)
    traits = {k: cols[k] for k in TRAIT_LEVELS}
    fav_w = _genre_weights(catalog, p.favourite_genres.weights, "persona.favourite_genres")
    bad_w = _genre_weights(catalog, p.disliked_genres.weights, "persona.disliked_genres")
    cal = scenario_style(scenario)
    out: list[AgentLatents] = []
    for i in range(n):
        arng = rng_for(seed, SEED_AGENT, i)
        fav = sample_genres(
            arng, catalog.genres, fav_w, p.favourite_genres.min, p.favourite_genres.max
        )
        bad = sample_genres(
            arng, catalog.genres, bad_w, p.disliked_genres.min, p.disliked_genres.max, exclude=fav
        )
        persona = Persona(
            age_band=cols["age_band"][i],
            occupation=cols["occupation"][i],
            favourite_genres=fav,
            disliked_genres=bad,
            era=cols["era"][i],
        )
        tr = Traits(**{k: v[i] for k, v in traits.items()})
        style = sample_style(arng, cal, scenario.style)
        pop = scenario.population
        seen = sample_seen(arng, catalog, fav, pop.seen_per_agent, pop.seen_spread)
        out.append(AgentLatents(persona=persona, traits=tr, style=style, seen_items=seen))
    return out


def _genre_weights(catalog: Catalog, spec: Mapping[str, float] | str, field: str) -> np.ndarray:
    if not isinstance(spec, str):
        for g in spec:
            if g not in catalog.genres:
                from simworld.errors import did_you_mean

                raise ConfigError(
                    f"unknown genre {g!r} for this catalog{did_you_mean(g, catalog.genres)}",
                    field=f"{field}.weights.{g}",
                )
    w = genre_weights(catalog, spec)
    if w.sum() <= 0:
        raise ConfigError("genre weights need a positive total", field=f"{field}.weights")
    return w


def make_intent_policy(scenario: Scenario, base: Path | None = None) -> IntentPolicy:
    cfg = scenario.intents
    source = cfg.policy
    if source != "iard" and base is not None and not Path(source).is_absolute():
        source = str(base / source)
    bundle = calibration_bundle(scenario)
    if source == "iard" and bundle is not None and bundle.chain_path is not None:
        source = str(bundle.chain_path)  # an explicit intents.policy file still wins
    policy = make_policy(
        source,
        exclude=tuple(cfg.exclude),
        multipliers=cfg.weights,
        history_weight=cfg.history_weight,
        context_weight=cfg.context_weight,
    )
    # Before the run, not mid-session: every intent the policy can choose needs phrases (the
    # template model writes from them, LLM models rewrite drafts written from them).
    from simworld.users.models.template import check_intents

    check_intents(policy.intents, scenario.user_model.phrases, cfg.exclude)
    return policy


# -- user model ----------------------------------------------------------------------------
def make_user_model(cfg: UserModelConfig, scenario: Scenario) -> UserModel:
    """The scenario's user model; wrapped in critic-guided selection with ``select``."""
    model = _base_user_model(cfg, scenario)
    bundle = calibration_bundle(scenario)
    if cfg.select is None or bundle is None:
        return model
    if bundle.critic is None:
        raise ConfigError(
            "the calibration bundle has no critic.json, which select needs",
            field="user_model.select",
        )
    from simworld.users.models.select import SelectUserModel

    return SelectUserModel(
        model,
        bundle.critic,
        candidates=cfg.select.candidates,
        temperature=cfg.select.temperature,
        match_length=cfg.select.match_length,
    )


def _base_user_model(cfg: UserModelConfig, scenario: Scenario) -> UserModel:
    from simworld.users.models.template import TemplateUserModel

    cal = scenario_style(scenario)
    shift = intent_length_shift(cal) if cal else None
    if cfg.kind == "template":
        # The phrase bank compresses lengths towards its phrases' natural size; this gain
        # (measured: docs/calibration.md, "Template length gain") restores the real mean.
        return TemplateUserModel(
            intent_length_shift=shift,
            length_gain=TEMPLATE_LENGTH_GAIN,
            phrases=cfg.phrases,
            phrases_mode=cfg.phrases_mode,
            one_word=intent_one_word(cal) if cal else None,
        )
    common: dict[str, Any] = {
        "temperature": cfg.temperature,
        "top_p": cfg.top_p,
        "max_tokens": cfg.max_tokens,
        "seed": scenario.seed,
        "mode": cfg.mode,
        "layout": cfg.layout,
        "max_regenerations": cfg.max_regenerations,
        "intent_length_shift": shift,
        "fallback_on_error": cfg.fallback_on_error,
        # A fallback turn is the template's draft: give it the template model's length gain.
        "draft_length_gain": TEMPLATE_LENGTH_GAIN,
        "phrases": cfg.phrases,
        "phrases_mode": cfg.phrases_mode,
    }
    if cfg.kind == "openai":
        from simworld.users.models.openai_model import OpenAIUserModel

        if cfg.api_key_env and cfg.api_key_env not in os.environ:
            raise ConfigError(
                f"environment variable {cfg.api_key_env} is not set", field="user_model.api_key_env"
            )
        return OpenAIUserModel(  # type: ignore[no-any-return]
            # Validated: kind openai needs a model, and base_url or base_url_env.
            base_url=cfg.base_url,
            base_url_env=cfg.base_url_env,
            model=str(cfg.model),
            api_key_env=cfg.api_key_env,
            max_in_flight=cfg.max_in_flight,
            rate_limit=cfg.rate_limit,
            timeout_s=cfg.timeout_s,
            retries=cfg.retries,
            cache_dir=cfg.cache_dir,
            **common,
        )
    from simworld.users.models.local_model import LocalUserModel

    return LocalUserModel(  # type: ignore[no-any-return]
        model_path=cfg.model_path,
        n_ctx=cfg.n_ctx,
        n_threads=cfg.n_threads,
        state_cache_mb=cfg.state_cache_mb,
        **common,
    )


# -- endpoints -----------------------------------------------------------------------------
def _headers(cfg: EndpointConfig, index: int) -> dict[str, str]:
    headers: dict[str, str] = {}
    for header, env in cfg.headers_env.items():
        value = os.environ.get(env)
        if value is None:
            raise ConfigError(
                f"environment variable {env} is not set",
                field=f"endpoints[{index}].headers_env.{header}",
            )
        headers[header] = value
    return headers


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    client: CRSClient
    description: dict[str, object]


@asynccontextmanager
async def open_endpoints(
    scenario: Scenario, catalog: Catalog, http: aiohttp.ClientSession
) -> AsyncIterator[list[Endpoint]]:
    """Start embedded CRSs and build one client per endpoint; stop them on exit."""
    from simworld.crs.adapters import GenericHTTPClient, OpenAIChatCRSClient
    from simworld.crs.client import ProtocolV1Client
    from simworld.crs.reference import EmbeddedCRS

    async with AsyncExitStack() as stack:
        out: list[Endpoint] = []
        for i, cfg in enumerate(scenario.endpoints):
            common: dict[str, Any] = {
                "name": cfg.name,
                "http": http,
                "max_concurrency": cfg.max_concurrency,
                "rate_limit": cfg.rate_limit,
                "timeout_s": cfg.timeout_s,
                "retries": cfg.retries,
                "rng": rng_for(scenario.seed, SEED_CLIENT, i),
                "headers": _headers(cfg, i),
            }
            client: Any
            if cfg.kind == "embedded":
                crs = await stack.enter_async_context(EmbeddedCRS(catalog, strategy=cfg.strategy))
                client = ProtocolV1Client(base_url=crs.url, **common)
            elif cfg.kind == "v1":
                client = ProtocolV1Client(base_url=str(cfg.url), **common)
            elif cfg.kind == "openai_chat":
                client = OpenAIChatCRSClient(
                    base_url=str(cfg.url), model=cfg.model or "default", catalog=catalog, **common
                )
            else:
                fields = dict(cfg.response_fields or {})
                client = GenericHTTPClient(
                    url_template=str(cfg.url),
                    body_template=cfg.request_body or {},
                    text_path=fields["text"],
                    item_ids_path=fields.get("item_ids"),
                    item_titles_path=fields.get("item_titles"),
                    done_path=fields.get("done"),
                    **common,
                )
            desc = dict(client.describe())
            if cfg.kind == "embedded":
                desc.update(kind="embedded", strategy=cfg.strategy)
            out.append(Endpoint(cfg.name, client, desc))
        yield out


def check_data_files() -> None:
    """Fail early, clearly, if the package's data files are missing (broken install)."""
    for name in ("catalog.csv", "intent_policy_iard.json", "style_redial.json"):
        if not resources.files("simworld.data").joinpath(name).is_file():
            raise DataError(f"packaged data file {name} is missing; reinstall simworld")


# -- population dynamics ---------------------------------------------------------------------
def make_graph(scenario: Scenario, base: Path | None = None) -> SocialGraph | None:
    """The scenario's social graph (a :class:`~simworld.engine.social.SocialGraph`) or None."""
    from simworld.engine.social import build_graph

    seed = int(seed_seq(scenario.seed, SEED_SOCIAL).generate_state(1)[0])
    return build_graph(scenario.social, scenario.population.size, seed, base=base)


def make_population(
    scenario: Scenario,
    latents: list[AgentLatents],
    catalog: Catalog,
    graph: SocialGraph | None = None,
) -> Population:
    """The :class:`~simworld.engine.population.Population` the scenario describes."""
    from simworld.engine.population import Population

    return Population(
        latents,
        seed=scenario.seed,
        active_share=scenario.schedule.active_share,
        endpoints=[e.name for e in scenario.endpoints],
        catalog=catalog,
        dynamics_cfg=scenario.dynamics,
        assignment_cfg=scenario.assignment,
        social_cfg=scenario.social,
        graph=graph,
        favourite_cap=max(scenario.persona.favourite_genres.max, 1),
    )


def coverage_levels(scenario: Scenario) -> dict[str, int]:
    """Levels with positive weight per stratum latent (the coverage grid's axes)."""
    out: dict[str, int] = {}
    for name in scenario.population.strata:
        dist = getattr(scenario.persona, name, None)
        if not isinstance(dist, dict):
            dist = getattr(scenario.traits, name)
        out[name] = sum(1 for w in dist.values() if w > 0)
    return out
