"""Fitting a calibration bundle from real dialogues (what ``simworld calibrate`` runs).

Steps, all seeded:

1. Intent labels of the real user turns: the corpus's own when it has them; otherwise a
   classifier trained on simulated turns (a run of the uncalibrated scenario, whose intents
   are known) labels them (:func:`simworld.calibration.chain.predict_intents`).
2. The intent chain (:mod:`~simworld.calibration.chain`) and the writing style
   (:mod:`~simworld.calibration.style_fit`) from those turns.
3. A run of the scenario *with* that style and chain, so the critic learns what still gives
   the calibrated user model away.
4. The critic (:mod:`~simworld.calibration.critic`): real dialogues and simulated sessions
   are each split in two halves; it is trained on one half and its ROC AUC measured on the
   other (``manifest.json`` -> ``critic.heldout_auc``). 0.5 means it cannot tell the held-out
   real turns from simulated ones, 1.0 that it always can; selection helps most when the
   critic is clearly above 0.5.
5. Further rounds (``rounds``, default 3): the scenario is run again with selection among
   ``round_candidates`` candidates using the critics so far, and one more critic learns what
   the kept turns still give away; the bundle's critic is the stack of rounds
   (:class:`~simworld.calibration.critic.CriticStack`). ``critic.rounds`` in the manifest
   records each round's held-out AUC, and the earlier rounds' AUC on the same held-out turns
   (how much selection with them had hidden).

Simulations run in-process (offline for the template model) in a temporary directory.
Fitting needs scikit-learn (the ``analysis`` extra).
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simworld import __version__
from simworld.calibration.bundle import CalibrationBundle, save_bundle
from simworld.calibration.chain import (
    action_pairs,
    estimate_chain,
    labelled_intents,
    predict_intents,
)
from simworld.calibration.critic import Critic, CriticStack, fit_critic
from simworld.calibration.style_fit import fit_style
from simworld.datasets import Dialogue
from simworld.errors import DataError

if TYPE_CHECKING:
    from simworld.scenario import Scenario

#: Population of the default scenario simulated during calibration (about 5,000 user turns;
#: more simulated turns make a stronger critic: set population.size in --scenario).
SIM_AGENTS = 600
MIN_DIALOGUES = 4  # two per half for the critic's held-out split
#: Critic rounds, and the candidates per turn of the selection that rounds after the first
#: are trained against. Measured on the quickstart at K=8, mean C2ST of seeds 7/1/2 against
#: ReDial / IARD (docs/calibration.md): one round 0.781 / 0.803, two 0.754 / 0.792, three
#: 0.748 / 0.775 on the 600-phrase bank; two 0.726 / 0.754, three 0.717 / 0.738 on the
#: 1,000-phrase bank; a fourth round's critic finds no more than the third's.
ROUNDS = 3
ROUND_CANDIDATES = 8
Report = Callable[[str], None]


def default_scenario(seed: int) -> Scenario:
    """The scenario simulated when none is given: every default, ``SIM_AGENTS`` agents."""
    from simworld.scenario import validate_scenario

    return validate_scenario(
        {"seed": seed, "population": {"size": SIM_AGENTS}}, file="<calibrate default>"
    )


def fit_bundle(
    dialogues: Sequence[Dialogue],
    *,
    scenario: Scenario | None = None,
    seed: int = 0,
    base_dir: Path | None = None,
    source: dict[str, Any] | None = None,
    report: Report | None = None,
    rounds: int = ROUNDS,
    round_candidates: int = ROUND_CANDIDATES,
) -> CalibrationBundle:
    """Fit style, chain and critic to ``dialogues``; see the module docstring.

    ``rounds`` critics are fitted, round ``r > 1`` against the turns kept by selection among
    ``round_candidates`` candidates with the critics of the earlier rounds.

    ``scenario`` is simulated to produce the user model's turns (default:
    :func:`default_scenario`); its own calibration and selection are ignored. ``source``
    describes the input file for the manifest. Raises DataError for a corpus with too few
    user turns.
    """
    from simworld.build import style_calibration
    from simworld.latents.policy import load_policy_table

    say = report or (lambda _msg: None)
    if rounds < 1:
        raise ValueError(f"rounds must be >= 1, got {rounds}")
    if round_candidates < 2:
        raise ValueError(f"round_candidates must be >= 2, got {round_candidates}")
    real = [d for d in dialogues if d.user_turns]
    n_turns = sum(len(d.user_turns) for d in real)
    if not real:
        raise DataError("the corpus has no user turns", file=_file(source))
    if len(real) < MIN_DIALOGUES:
        raise DataError(
            f"need at least {MIN_DIALOGUES} dialogues with user turns, got {len(real)}",
            file=_file(source),
        )
    base = _uncalibrated(scenario if scenario is not None else default_scenario(seed))
    labelled = any(d.labelled for d in real)
    if labelled:
        intents = labelled_intents(real)
        labels_source = "corpus"
    else:
        say("simulating labelled turns to label the corpus's intents")
        sessions = simulate(base, base_dir)
        texts = [t for s in sessions for t, _ in s]
        labels = [lab for s in sessions for _, lab in s]
        say(f"labelling {n_turns} real user turns with an intent classifier")
        intents = predict_intents(real, texts, labels, seed=seed)
        labels_source = "classifier trained on simulated turns"
    pairs = action_pairs(real, intents) if _has_actions(real) else []
    say("fitting the intent chain and the writing style")
    chain = estimate_chain(
        intents,
        pairs,
        default_after_action=load_policy_table("iard").get("after_action"),
        labels_source=labels_source,
    )
    style = fit_style(real, intents, defaults=style_calibration())
    manifest: dict[str, Any] = {
        "simworld_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "source": {
            **(source or {}),
            "n_dialogues": len(real),
            "n_user_turns": n_turns,
            "intent_labels": labels_source,
        },
    }
    partial = CalibrationBundle(style, chain, None, manifest)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 17]))
    real_a, real_b = _halves([[t.text for t in d.user_turns] for d in real], rng)
    critics: list[Critic] = []
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="simworld-calibrate-") as tmp:
        for r in range(1, rounds + 1):
            stack = CriticStack(tuple(critics)) if critics else None
            staged = save_bundle(dataclasses.replace(partial, critic=stack), Path(tmp) / f"b{r}")
            select = None if stack is None else round_candidates
            calibrated = _with_calibration(base, staged, select=select, round_=r)
            say(
                "simulating the calibrated user model"
                if select is None
                else f"round {r}/{rounds}: simulating with selection among {select} candidates"
            )
            sessions = simulate(calibrated, base_dir)
            say(f"training the realism critic (round {r}/{rounds})")
            sim_a, sim_b = _halves([[t for t, _ in s] for s in sessions], rng)
            critic = fit_critic(real_a, sim_a, seed=seed)
            record: dict[str, Any] = {"round": r, "heldout_auc": _auc(critic, real_b, sim_b)}
            if stack is not None:
                record["earlier_rounds_heldout_auc"] = _auc(stack, real_b, sim_b)
            records.append(
                {
                    **record,
                    "n_train_real": len(real_a),
                    "n_train_sim": len(sim_a),
                    "n_test_real": len(real_b),
                    "n_test_sim": len(sim_b),
                    "simulated_with": calibrated.user_model.kind,
                    "select_candidates": select,
                    "sessions": len(sessions),
                    "user_turns": sum(len(s) for s in sessions),
                }
            )
            critics.append(critic)
    first = records[0]
    manifest["critic"] = {
        **{
            k: first[k]
            for k in (
                "heldout_auc",
                "n_train_real",
                "n_train_sim",
                "n_test_real",
                "n_test_sim",
                "simulated_with",
            )
        },
        "features": "word 1-2 grams, char 2-4 grams (TF-IDF), style features",
        "rounds": records,
    }
    manifest["simulation"] = {
        "scenario": base.name,
        "agents": base.population.size,
        "sessions": first["sessions"],
        "user_turns": first["user_turns"],
    }
    return CalibrationBundle(style, chain, CriticStack(tuple(critics)), manifest)


def _auc(critic: Critic | CriticStack, real: Sequence[str], sim: Sequence[str]) -> float | None:
    auc = heldout_auc(critic.score(real), critic.score(sim))
    return None if np.isnan(auc) else round(auc, 4)


def heldout_auc(real_scores: np.ndarray, sim_scores: np.ndarray) -> float:
    """ROC AUC of P(real) scores: real turns as positives, simulated ones as negatives."""
    from simworld.metrics.stats import auc_from_scores

    if len(real_scores) == 0 or len(sim_scores) == 0:
        return float("nan")
    return float(auc_from_scores(real_scores, sim_scores))


def simulate(scenario: Scenario, base_dir: Path | None = None) -> list[list[tuple[str, str]]]:
    """Run ``scenario`` in a temporary directory; (user text, intent) per turn per session."""
    from simworld.engine.runner import run_scenario
    from simworld.metrics.run import load_run

    with tempfile.TemporaryDirectory(prefix="simworld-calibrate-run-") as tmp:
        asyncio.run(run_scenario(scenario, out_dir=Path(tmp) / "run", base_dir=base_dir))
        rows = load_run(Path(tmp) / "run").user_turns()
    # Sessions finish in whatever order the event loop gives; sort so splits are seeded only.
    rows = sorted(rows, key=lambda r: (str(r["session_id"]), int(r["turn_index"])))
    sessions: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        sessions.setdefault(str(r["session_id"]), []).append(
            (str(r["user_text"]), str(r["intent"] or ""))
        )
    return list(sessions.values())


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (recorded in the manifest)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file(source: dict[str, Any] | None) -> str | None:
    return None if source is None else str(source.get("path"))


def _has_actions(dialogues: Sequence[Dialogue]) -> bool:
    return any(t.intents for d in dialogues for t in d.turns if t.speaker == "system")


def _halves(groups: list[list[str]], rng: np.random.Generator) -> tuple[list[str], list[str]]:
    from simworld.metrics.stats import split_halves

    a, b = split_halves(groups, rng)
    return [t for g in a for t in g], [t for g in b for t in g]


def _uncalibrated(scenario: Scenario) -> Scenario:
    um = scenario.user_model.model_copy(update={"calibration": None, "select": None})
    return scenario.model_copy(update={"user_model": um})


def _with_calibration(
    scenario: Scenario, bundle_dir: Path, *, select: int | None, round_: int
) -> Scenario:
    """The scenario with the staged bundle and, from round 2, selection among ``select``
    candidates; each round simulates with its own seed, so it meets new turns."""
    from simworld.scenario import SelectConfig

    um = scenario.user_model.model_copy(
        update={
            "calibration": str(bundle_dir.resolve()),
            "select": None if select is None else SelectConfig(candidates=select),
        }
    )
    return scenario.model_copy(update={"user_model": um, "seed": scenario.seed + round_ - 1})
