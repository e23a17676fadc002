"""Test helper: synthetic run directories written exactly to simworld.records' schemas.

``make_run(tmp_path / "run", seed=0)`` writes turns/, sessions/, agents/, population/
(Parquet part files, as the engine does) and a manifest.json, with latents drawn from the
real taxonomies and text generated from small invented phrase banks keyed by intent, so
intent labels are learnable from the text. ``write_real_jsonl`` writes dialogues in the
generic JSONL format, in the simulated style or in a clearly different one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from simworld.latents.persona import TRAIT_LEVELS
from simworld.records import TABLES

GENRES = ("comedy", "horror", "drama", "sci-fi", "romance", "western")
TITLES = ("Star Harbor", "Quiet Lake", "Iron Valley", "Night Train", "Paper Moons", "Red Dune")
AGE_BANDS = ("18-24", "25-34", "35-54", "55+")
OCCUPATIONS = ("teacher", "nurse", "engineer", "student")
ERAS = ("classic", "recent", "any")

PHRASES: dict[str, tuple[str, ...]] = {
    "IQU": (
        "can you recommend a {genre} movie",
        "i am looking for a good {genre} film",
        "any {genre} movies you would suggest",
    ),
    "PRO": ("i really like {genre} films", "i prefer something {genre}", "mostly into {genre}"),
    "ANS": ("yes that sounds right", "probably from the nineties", "either is fine with me"),
    "REJ": ("not really my thing", "no thanks, something else", "i do not like that one"),
    "ACC": ("perfect, i will watch {title}", "great pick, {title} it is", "sounds good, thanks"),
    "SEE": ("i have already seen {title}", "seen it already", "watched {title} last year"),
    "INQ": ("what is {title} about", "who is in {title}", "is {title} long"),
    "CLOSE": ("thanks, bye", "ok goodbye", "that is all, thank you"),
}
CHAIN = ("IQU", "PRO", "ANS", "REJ", "SEE", "INQ", "ACC", "CLOSE")


def _write(run: Path, name: str, rows: list[dict[str, Any]]) -> None:
    schema = TABLES[name]
    full = [{f.name: row.get(f.name) for f in schema} for row in rows]
    table = pa.Table.from_pylist(full, schema=schema)
    (run / name).mkdir(parents=True, exist_ok=True)
    pq.write_table(table, run / name / "part-00000.parquet")


def sim_text(intent: str, rng: np.random.Generator, *, chatty: bool = False) -> str:
    template = PHRASES[intent][int(rng.integers(len(PHRASES[intent])))]
    text = template.format(genre=rng.choice(GENRES), title=rng.choice(TITLES))
    return text + " and i mean it" if chatty else text


def make_run(
    run: Path,
    *,
    seed: int = 0,
    n_sessions: int = 60,
    n_agents: int = 20,
    ticks: int = 3,
    leak_every: int = 10,
) -> Path:
    """Write a synthetic run directory and return its path."""
    rng = np.random.default_rng(seed)
    run.mkdir(parents=True, exist_ok=True)
    turns: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    for s in range(n_sessions):
        sid, agent, tick = f"s{s}", f"a{s % n_agents}", s % ticks
        traits = {f"trait_{k}": str(rng.choice(v)) for k, v in TRAIT_LEVELS.items()}
        n_turns = int(rng.integers(3, len(CHAIN) + 1))
        intents = [*CHAIN[: n_turns - 1], "CLOSE"]
        success = intents[-2] == "ACC" or bool(rng.random() < 0.3)
        target = f"m{s % 7}"
        target_rank = int(rng.integers(1, 12)) if rng.random() < 0.7 else None
        for i, intent in enumerate(intents):
            error = "timeout" if rng.random() < 0.05 else None
            items = [f"m{int(x)}" for x in rng.integers(0, 9, size=3)]
            turns.append(
                {
                    "run_id": "r1",
                    "session_id": sid,
                    "agent_id": agent,
                    "endpoint": "ref",
                    "tick": tick,
                    "turn_index": i,
                    "intent": intent,
                    "user_text": sim_text(
                        intent, rng, chatty=traits["trait_verbosity"] == "chatty"
                    ),
                    "crs_text": "How about one of these?",
                    "items": items,
                    "item_scores": [0.9, 0.5, 0.1],
                    "crs_done": False,
                    "latency_ms": None if error else float(rng.lognormal(4, 0.5)),
                    "status": None if error else 200,
                    "error": error,
                    "attempts": 1,
                    "target_in_items": target in items,
                    "target_named_by_user": bool(leak_every and s % leak_every == 0 and i == 1),
                    "user_model": "template",
                }
            )
        sessions.append(
            {
                "run_id": "r1",
                "session_id": sid,
                "agent_id": agent,
                "endpoint": "ref",
                "tick": tick,
                "persona_age_band": str(rng.choice(AGE_BANDS)),
                "persona_occupation": str(rng.choice(OCCUPATIONS)),
                "persona_favourite_genres": [str(rng.choice(GENRES))],
                "persona_disliked_genres": [],
                "persona_era": str(rng.choice(ERAS)),
                **traits,
                "persona_text": "A synthetic person.",
                "goal_item_id": target,
                "goal_item_title": TITLES[s % len(TITLES)],
                "goal_facets": ["genre=comedy"],
                "facets_revealed": 1,
                "termination": "goal_reached" if success else "user_quit",
                "success": success,
                "accepted_item_id": target if success else None,
                "target_recommended": target_rank is not None,
                "target_rank": target_rank,
                "first_rec_turn": 1,
                "n_turns": n_turns,
                "n_errors": 0,
                "intents": intents,
                "satisfaction": float(rng.random()),
                "duration_ms": 1000.0,
                "user_model": "template",
            }
        )
    _write(run, "turns", turns)
    _write(run, "sessions", sessions)
    agents = [
        {
            "run_id": "r1",
            "tick": t,
            "agent_id": f"a{a}",
            "active": True,
            "sessions_done": t,
            "successes": 0,
            "satisfaction": 0.5,
            "n_seen": 1,
            "n_accepted": 0,
            "n_rejected": 0,
        }
        for t in range(ticks)
        for a in range(n_agents)
    ]
    _write(run, "agents", agents)
    population = [
        {
            "run_id": "r1",
            "tick": t,
            "agents": n_agents,
            "active_agents": n_agents - t,
            "sessions": n_sessions // ticks,
            "turns": len(turns) // ticks,
            "successes": 5 + t,
            "success_rate": 0.3 + 0.1 * t,
            "mean_satisfaction": 0.5,
            "errors": 1,
            "latency_p50_ms": 50.0,
            "latency_p95_ms": 120.0,
        }
        for t in range(ticks)
    ]
    _write(run, "population", population)
    (run / "manifest.json").write_text(json.dumps({"seed": seed, "wall_time_s": 12.5}))
    return run


CASUAL = (
    "lol idk maybe something w/ explosions??",
    "OMG YES!!! loved that one",
    "hmm... nah. my sister hated it",
    "ok ok what else u got",
    "Honestly? I fell asleep halfway :(",
    "wait is that the one with the dog",
    "yeah whatever works tbh",
    "NOPE. too slow for me!!",
)


def write_real_jsonl(
    path: Path, *, n: int = 40, seed: int = 1, style: str = "sim", labelled: bool = True
) -> Path:
    """Write ``n`` dialogues in the generic JSONL format.

    ``style="sim"`` draws user text from the same phrase banks as :func:`make_run` (a
    "real" set indistinguishable from the simulation); ``style="casual"`` uses a disjoint,
    differently written set of turns.
    """
    rng = np.random.default_rng(seed)
    lines = []
    for d in range(n):
        turns = []
        for intent in CHAIN[: int(rng.integers(3, len(CHAIN) + 1))]:
            if style == "sim":
                text = sim_text(intent, rng)
            else:
                text = CASUAL[int(rng.integers(len(CASUAL)))] + f" #{int(rng.integers(100))}"
            turn: dict[str, Any] = {"speaker": "user", "text": text}
            if labelled:
                turn["intent"] = "OTH" if intent == "CLOSE" else intent
            turns.append(turn)
            turns.append({"speaker": "system", "text": "Maybe try this one."})
        lines.append(json.dumps({"dialogue_id": f"d{d}", "turns": turns}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
