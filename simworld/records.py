"""Output records: the Arrow schemas of every table and the termination reasons, defined once.

Tables (each a directory of Parquet part files under the run directory):

- ``turns/``      one row per user turn and the CRS reply to it
- ``sessions/``   one row per session, with the session's latents as ground-truth labels
- ``agents/``     one row per agent per tick (state snapshot)
- ``population/`` one row per tick (population statistics)
- ``population_endpoints/`` one row per tick per endpoint (the same, split by endpoint)

Columns listed here are a contract: notebooks, metrics and later tools rely on them.
Extra model-specific facts go in nullable columns that stay null when they do not apply.
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa


class TerminationReason(StrEnum):
    GOAL_REACHED = "goal_reached"  # the user accepted an item and closed
    USER_QUIT = "user_quit"  # patience ran out, or the user closed without success
    MAX_TURNS = "max_turns"  # the scenario's turn limit was hit
    CRS_DONE = "crs_done"  # the CRS ended the conversation (``done: true``)
    ENDPOINT_ERROR = "endpoint_error"  # the CRS failed repeatedly (after retries)
    USER_MODEL_ERROR = "user_model_error"  # the user model failed (e.g. LLM server down)
    TIMEOUT = "timeout"  # the session exceeded its wall-clock budget
    CANCELLED = "cancelled"  # the run was interrupted while the session was in flight


_str = pa.string()
_list_str = pa.list_(pa.string())

TURNS = pa.schema(
    [
        ("run_id", _str),
        ("session_id", _str),
        ("agent_id", _str),
        ("endpoint", _str),
        ("tick", pa.int32()),
        ("turn_index", pa.int32()),
        ("intent", _str),
        ("context", _str),  # dialogue state the intent was chosen in
        ("closing", pa.bool_()),  # says goodbye and ends the session (CLOSE, or ACC + bye)
        ("facet_kind", _str),  # slot revealed this turn (genre, decade, tag, like, ...)
        ("facet_value", _str),
        ("slot_item_id", _str),  # recommended item the turn talks about
        ("user_text", _str),
        ("crs_text", _str),
        ("items", _list_str),
        ("item_scores", pa.list_(pa.float32())),
        ("crs_done", pa.bool_()),
        ("latency_ms", pa.float64()),
        ("status", pa.int32()),
        ("error", _str),
        ("error_detail", _str),
        ("attempts", pa.int32()),
        ("target_in_items", pa.bool_()),
        ("target_named_by_user", pa.bool_()),  # leak check: user named the target first
        ("user_model", _str),
        ("mode", _str),
        ("prompt_hash", _str),
        ("tokens_in", pa.int32()),
        ("tokens_out", pa.int32()),
        ("gen_latency_ms", pa.float64()),
        ("guards", _list_str),  # guards that fired while writing this turn
        ("fallback", pa.bool_()),
        ("critic_score", pa.float32()),
        ("n_candidates", pa.int32()),  # candidates written for this turn (select)
        ("select_ms", pa.float64()),  # wall time to write the kept turn, all candidates
    ]
)

PERSONA_COLUMNS = [
    ("persona_age_band", _str),
    ("persona_occupation", _str),
    ("persona_favourite_genres", _list_str),
    ("persona_disliked_genres", _list_str),
    ("persona_era", _str),
]
TRAIT_COLUMNS = [
    ("trait_patience", _str),
    ("trait_verbosity", _str),
    ("trait_politeness", _str),
    ("trait_mood", _str),
    ("trait_cooperativeness", _str),
    ("trait_decisiveness", _str),
]

SESSIONS = pa.schema(
    [
        ("run_id", _str),
        ("session_id", _str),
        ("agent_id", _str),
        ("endpoint", _str),
        ("tick", pa.int32()),
        *PERSONA_COLUMNS,
        *TRAIT_COLUMNS,
        ("persona_text", _str),
        ("goal_item_id", _str),
        ("goal_item_title", _str),
        ("goal_facets", _list_str),  # "kind=value" in reveal order
        ("goal_films_wanted", pa.int32()),  # films the user wanted to leave with
        ("facets_revealed", pa.int32()),
        ("termination", _str),
        ("success", pa.bool_()),
        ("accepted_item_id", _str),  # the first film accepted
        ("accepted_item_ids", _list_str),  # every film accepted, in order
        ("target_recommended", pa.bool_()),
        ("target_rank", pa.int32()),
        ("first_rec_turn", pa.int32()),
        ("n_turns", pa.int32()),
        ("n_errors", pa.int32()),
        ("error", _str),  # what ended an erroring session (endpoint or user-model fault)
        ("intents", _list_str),
        ("satisfaction", pa.float64()),  # the user's rating of the session, in [0, 1]
        ("duration_ms", pa.float64()),
        ("user_model", _str),
        ("goal_source", _str),  # "own", or "friend": the target is a film a neighbour accepted
        ("returning", pa.bool_()),  # the agent had a session before
        ("hint", _str),  # what the opening turn may refer to: "returning", "friend" or null
    ]
)

AGENTS = pa.schema(
    [
        ("run_id", _str),
        ("tick", pa.int32()),
        ("agent_id", _str),
        ("active", pa.bool_()),
        ("sessions_done", pa.int32()),
        ("successes", pa.int32()),
        ("satisfaction", pa.float64()),
        ("n_seen", pa.int32()),
        ("n_accepted", pa.int32()),
        ("n_rejected", pa.int32()),
        ("fatigue", pa.float64()),
        ("p_active", pa.float64()),  # chance of starting a session this tick (adaptive activity)
        ("favourite_genres", _list_str),  # current favourites (they drift with what is accepted)
        ("genre_entropy", pa.float64()),  # bits, genres of the last dynamics.memory accepts
        ("trust", pa.map_(pa.string(), pa.float64())),  # per endpoint tried
        ("churned_from", _list_str),
        ("friend_goals", pa.int32()),  # sessions whose goal came from a friend
    ]
)

POPULATION = pa.schema(
    [
        ("run_id", _str),
        ("tick", pa.int32()),
        ("agents", pa.int32()),
        ("active_agents", pa.int32()),
        ("sessions", pa.int32()),
        ("turns", pa.int32()),
        ("successes", pa.int32()),
        ("success_rate", pa.float64()),
        ("mean_satisfaction", pa.float64()),
        ("errors", pa.int32()),
        ("latency_p50_ms", pa.float64()),
        ("latency_p95_ms", pa.float64()),
        ("eligible_agents", pa.int32()),  # agents that have not churned from every endpoint
        ("churned_agents", pa.int32()),  # agents gone for good (cumulative)
        ("new_churn", pa.int32()),  # (agent, endpoint) churn events this tick
        ("mean_p_active", pa.float64()),  # mean chance of a session among eligible agents
        ("mean_agent_satisfaction", pa.float64()),  # agents' carried satisfaction (had a session)
        ("mean_fatigue", pa.float64()),
        ("mean_turns_to_success", pa.float64()),
        ("latent_coverage", pa.float64()),  # share of persona-cell x intent pairs seen so far
        ("intent_mix", _str),  # JSON {intent: share of this tick's turns}
        ("genre_entropy", pa.float64()),  # mean over agents with a full window of accepts
        ("friend_goals", pa.int32()),
        ("returning_sessions", pa.int32()),
    ]
)

POPULATION_ENDPOINTS = pa.schema(
    [
        ("run_id", _str),
        ("tick", pa.int32()),
        ("endpoint", _str),
        ("sessions", pa.int32()),
        ("agents", pa.int32()),  # distinct agents served this tick
        ("successes", pa.int32()),
        ("success_rate", pa.float64()),
        ("mean_satisfaction", pa.float64()),
        ("mean_turns_to_success", pa.float64()),
        ("errors", pa.int32()),
        ("latency_p50_ms", pa.float64()),
        ("users", pa.int32()),  # agents that have tried the endpoint so far
        ("mean_trust", pa.float64()),  # among those users
        ("churned", pa.int32()),  # agents that churned from it so far
        ("new_churn", pa.int32()),
        ("genre_entropy", pa.float64()),  # mean per-agent entropy of films accepted here
    ]
)

TABLES: dict[str, pa.Schema] = {
    "turns": TURNS,
    "sessions": SESSIONS,
    "agents": AGENTS,
    "population": POPULATION,
    "population_endpoints": POPULATION_ENDPOINTS,
}
