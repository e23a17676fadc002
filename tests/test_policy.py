"""The intent policy graph: estimated weights, state-dependent choices, overrides."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from simworld.catalog import Catalog, Item
from simworld.crs.protocol import CRSReply, RecItem
from simworld.errors import ConfigError
from simworld.latents.intents import CLOSE, DEFAULT_INTENTS, START
from simworld.latents.policy import load_policy_table, make_policy
from simworld.users.goal import Facet, Goal, GoalState, Slots, make_state

ITEMS = (
    Item("t", "Target Film", 1995, ("Comedy",), ("funny",), 50),
    Item("c", "Close Film", 1996, ("Comedy",), ("funny",), 40),
    Item("h", "Horror Film", 2010, ("Horror",), (), 30),
    Item("s", "Seen Film", 1994, ("Comedy",), (), 30),
)
CAT = Catalog(ITEMS)


def state(decisive: float = 0.6) -> GoalState:
    goal = Goal(
        CAT.get("t"),
        (Facet("genre", "Comedy"), Facet("decade", "1990")),
        decisive,
        disliked_genres=("Horror",),
    )
    return make_state(goal, CAT, frozenset({"s"}), patience_turns=4)


def after(st: GoalState, *ids: str, text: str = "How about these?") -> GoalState:
    items = tuple(RecItem(i, CAT.get(i).display_title, 1.0) for i in ids)
    st.observe(1, "PRO", Slots(), CRSReply(text, items))
    return st


def draws(st: GoalState, prev: str = "PRO", n: int = 3000) -> Counter[str]:
    pol = make_policy()
    rng = np.random.default_rng(0)
    return Counter(pol.choose(prev, st, 2, rng) for _ in range(n))


def test_graph_is_a_weighted_digraph_over_the_taxonomy() -> None:
    pol = make_policy()
    assert isinstance(pol.graph, nx.DiGraph)
    assert set(pol.graph.nodes) == set(DEFAULT_INTENTS)
    for a in pol.graph.nodes:
        out = sum(w for _, _, w in pol.graph.out_edges(a, data="weight"))
        assert out == pytest.approx(1.0, abs=2e-3)


def test_first_turn_follows_estimated_start_distribution() -> None:
    pol = make_policy()
    rng = np.random.default_rng(1)
    c = Counter(pol.choose(START, state(), 0, rng) for _ in range(4000))
    assert set(c) <= {"IQU", "OTH", "PRO", "ASK", "CRI-A", "STO", "REF", "CON"}
    assert c["IQU"] > c["OTH"] > 0  # IARD: ~60% IQU, ~32% OTH


def test_matching_recommendation_makes_acceptance_likely() -> None:
    c = draws(after(state(), "c"))
    assert c["ACC"] / sum(c.values()) > 0.4
    assert c["REJ"] < c["ACC"] / 10


def test_mismatch_brings_rejections_and_critiques_never_acceptance() -> None:
    c = draws(after(state(), "h"))
    assert c["ACC"] == 0
    assert c["REJ"] + c["CRI-F"] + c["CRI-A"] + c["CRI-C"] > 0.4 * sum(c.values())


def test_seen_item_brings_see() -> None:
    c = draws(after(state(), "s"))
    assert c.most_common(1)[0][0] == "SEE"


def test_question_brings_answers_and_no_item_feedback() -> None:
    st = state()
    st.revealed = 1  # the user has asked for something already
    c = draws(after(st, text="Recent, or an older classic?"))
    assert c["ANS"] > 0.3 * sum(c.values())
    assert not {"ACC", "REJ", "SEE", "INQ"} & set(c)


def test_first_question_is_answered_with_the_request_not_ans() -> None:
    # IARD labels the reply to "what are you looking for?" as the initial query (IQU)
    pol = make_policy()
    rng = np.random.default_rng(3)
    st = after(state(), text="What kind of movies do you like?")
    c = Counter(pol.choose("OTH", st, 1, rng) for _ in range(2000))
    assert c["ANS"] == 0
    assert c.most_common(1)[0][0] == "IQU"


def test_accepting_turn_ends_the_session_at_the_estimated_rate() -> None:
    pol = make_policy()
    assert 0.3 < pol.close_on_accept < 0.6  # IARD: 0.44 of dialogues with an accept
    rng = np.random.default_rng(4)
    ends = [pol.ends_with("ACC", state(), rng) for _ in range(4000)]
    assert abs(sum(ends) / len(ends) - pol.close_on_accept) < 0.03
    others = ("REJ", "SEE", "OTH", CLOSE)
    assert not any(pol.ends_with(i, state(), rng) for i in others for _ in range(50))


def test_policy_file_without_close_on_accept_never_folds_the_goodbye(tmp_path: Path) -> None:
    table = load_policy_table()
    del table["close_on_accept"]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(table))
    pol = make_policy(str(path))
    rng = np.random.default_rng(5)
    assert not any(pol.ends_with("ACC", state(), rng) for _ in range(100))
    table["close_on_accept"] = 1.5
    path.write_text(json.dumps(table))
    with pytest.raises(ConfigError, match=r"close_on_accept.*1\.5"):
        make_policy(str(path))


def test_close_after_success_and_after_patience_runs_out() -> None:
    pol = make_policy()
    rng = np.random.default_rng(2)
    st = after(state(), "c")
    st.accepted = ["c"]
    assert Counter(pol.choose("ACC", st, 3, rng) for _ in range(200))[CLOSE] > 120
    tired = state()
    tired.unhelpful_turns = 5
    assert pol.choose("REJ", tired, 6, rng) == CLOSE


def wanting(films: int) -> GoalState:
    goal = Goal(CAT.get("t"), (Facet("genre", "Comedy"),), 0.6, films_wanted=films)
    return make_state(goal, CAT, frozenset({"s"}), patience_turns=4)


def test_a_user_who_wants_another_film_asks_for_more_after_accepting() -> None:
    from simworld.latents.policy import ASK_MORE_RATE

    pol = make_policy()
    rng = np.random.default_rng(6)
    st = after(wanting(2), text="Great choice! Enjoy Close Film.")
    st.accepted = ["c"]
    assert st.wants_more and not st.done
    c = Counter(pol.choose("ACC", st, 3, rng) for _ in range(2000))
    assert c[CLOSE] == 0
    assert abs(c["CON"] / 2000 - ASK_MORE_RATE) < 0.08
    st.accepted.append("t")
    assert st.done and pol.choose("ACC", st, 4, rng) in (CLOSE, "OTH")


def test_only_the_last_wanted_film_can_end_the_session_on_its_accept() -> None:
    pol = make_policy()
    rng = np.random.default_rng(7)
    first = wanting(2)
    assert not any(pol.ends_with("ACC", first, rng) for _ in range(200))
    first.accepted = ["c"]
    assert any(pol.ends_with("ACC", first, rng) for _ in range(200))


def test_an_accepted_film_is_not_offered_for_acceptance_again() -> None:
    st = wanting(2)
    st.accepted = ["c"]
    st.observe(2, "CON", Slots(), CRSReply("How about these?", (RecItem("c", "Close Film", 1.0),)))
    assert st.context == "other" and st.best_item is None  # nothing new: no accept, no reject


def test_overrides_exclude_and_reweight() -> None:
    st = after(state(), "h")
    base = draws(st)
    pol = make_policy(exclude=("CRI-F",), multipliers={"CRI-C": 5.0})
    rng = np.random.default_rng(0)
    c = Counter(pol.choose("PRO", st, 2, rng) for _ in range(3000))
    assert c["CRI-F"] == 0 and c["CRI-C"] > base["CRI-C"]


def test_unknown_intent_overrides_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"intents.exclude: unknown intent 'CRIF'"):
        make_policy(exclude=("CRIF",))
    with pytest.raises(ConfigError, match="CLOSE cannot be excluded"):
        make_policy(exclude=(CLOSE,))
