"""Importers: each format read from small files written here, quirks included; malformed
files raise DataError naming file and line (or record); the real corpora, when present
beside the project, load with their documented dialogue counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from simworld.datasets import FORMATS, Dialogue, load_dialogues, user_texts
from simworld.errors import ConfigError, DataError
from simworld.latents.intents import DEFAULT_INTENTS

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _redial_record(conv: int, messages: list[tuple[int, str]], **extra: Any) -> str:
    record = {
        "conversationId": conv,
        "initiatorWorkerId": 1,
        "respondentWorkerId": 2,
        "messages": [
            {"messageId": i, "text": text, "senderWorkerId": who, "timeOffset": i}
            for i, (who, text) in enumerate(messages)
        ],
        "movieMentions": {"111": "Moon  Harbor (1999)", "222": "Glass Road (2004)"},
        "initiatorQuestions": {"111": {"suggested": 1, "seen": 0, "liked": 1}},
        "respondentQuestions": {},
    }
    record.update(extra)
    return json.dumps(record)


# -- ReDial ---------------------------------------------------------------------------


def test_redial_merges_messages_and_replaces_mentions(tmp_path: Path) -> None:
    path = tmp_path / "redial.jsonl"
    first = _redial_record(
        7,
        [(1, "hey there"), (1, "any space movies?"), (2, "have you seen @111 ?"), (1, "no")],
    )
    second = _redial_record(8, [(2, "try @222 or @999"), (1, "ok")], initiatorQuestions=[])
    path.write_text(first + "\n\n" + second, encoding="utf-8")  # blank line, no final newline

    dialogues = load_dialogues(path, "redial")

    assert [d.dialogue_id for d in dialogues] == ["7", "8"]
    d = dialogues[0]
    assert [(t.speaker, t.text) for t in d.turns] == [
        ("user", "hey there any space movies?"),
        ("system", "have you seen Moon Harbor (1999) ?"),
        ("user", "no"),
    ]
    assert d.turns[0].meta["n_messages"] == 2
    assert d.source == "redial"
    assert d.meta["seeker_questions"] == {"111": {"suggested": 1, "seen": 0, "liked": 1}}
    assert d.meta["line"] == 1
    # initiatorQuestions == [] reads as no answers; unknown mention left as written
    assert dialogues[1].meta["seeker_questions"] == {}
    assert dialogues[1].turns[0].text == "try Glass Road (2004) or @999"
    assert dialogues[1].meta["unknown_mentions"] == 1
    assert dialogues[1].meta["line"] == 3
    assert user_texts(dialogues) == ["hey there any space movies?", "no", "ok"]


def test_redial_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(_redial_record(1, [(1, "hi")]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dialogues(path, "redial")
    assert info.value.line == 2
    assert str(info.value).startswith(f"{path}:2: invalid JSON")


def test_redial_unknown_sender_names_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [_redial_record(1, [(1, "hi")]), _redial_record(2, [(1, "hi"), (5, "who am i")])]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:2: messages\[1\]\.senderWorkerId") as info:
        load_dialogues(path, "redial")
    assert info.value.line == 2


def test_redial_missing_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"conversationId": 3, "messages": []}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r":1: initiatorWorkerId: missing"):
        load_dialogues(path, "redial")


# -- IARD -----------------------------------------------------------------------------


def _utt(pos: int, role: str, text: str, sub: list[str]) -> dict[str, Any]:
    return {
        "utterance_pos": pos,
        "worker_id": 1 if role == "seeker" else 2,
        "role": role,
        "utterance_text": text,
        "top-level intent/action": ["X"] * len(sub),
        "sub-intent/action": sub,
    }


def test_iard_intents_order_and_mentions(tmp_path: Path) -> None:
    data = {
        "42": {
            "accepted_recommendation": [4],
            "dialogue_info": {
                "R2": _utt(2, "recommender", "maybe @555 <Paper  Kites (1987)> ?", ["REC-S"]),
                "S1": _utt(1, "seeker", "hello... i want a comedy", ["OTH", "IQU"]),
                "S3": _utt(3, "seeker", "seen it", ["SEE"]),
                "S4": _utt(4, "seeker", "but sure, i'll watch it again", ["ACC"]),
            },
        }
    }
    path = tmp_path / "iard.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    [d] = load_dialogues(path, "iard")

    assert d.dialogue_id == "42" and d.labelled
    assert [t.speaker for t in d.turns] == ["user", "system", "user"]
    assert d.turns[0].intents == ("OTH", "IQU")
    assert d.turns[1].text == "maybe Paper Kites (1987) ?"
    assert d.turns[1].intents == ("REC-S",)
    # two seeker utterances in a row are merged, labels united in order
    assert d.turns[2].text == "seen it but sure, i'll watch it again"
    assert d.turns[2].intents == ("SEE", "ACC")
    assert d.meta["accepted"] == [4]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("hi...I like comedies", "hi I like comedies"),  # IARD's join of two messages
        ("a comedy....Thanks", "a comedy. Thanks"),  # a message's own "." then the join
        ("ok ...sure", "ok sure"),
        ("well... maybe", "well... maybe"),  # an ellipsis the seeker typed
        ("wait...", "wait..."),
    ],
)
def test_iard_message_joins_become_spaces(tmp_path: Path, raw: str, text: str) -> None:
    record = {"1": {"dialogue_info": {"S1": _utt(1, "seeker", raw, ["OTH"])}}}
    path = tmp_path / "iard.json"
    path.write_text(json.dumps(record))
    [d] = load_dialogues(path, "iard")
    assert d.turns[0].text == text


def test_iard_bad_role_names_record_and_field(tmp_path: Path) -> None:
    data = {"9": {"dialogue_info": {"S1": _utt(1, "narrator", "hi", ["OTH"])}}}
    path = tmp_path / "iard.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match=r'record "9": dialogue_info\.S1\.role: expected'):
        load_dialogues(path, "iard")


def test_iard_json_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "iard.json"
    path.write_text('{\n  "1": {\n    "dialogue_info": {,\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dialogues(path, "iard")
    assert info.value.line == 3


# -- INSPIRED -------------------------------------------------------------------------

_HEADER = "dialog_id\tutt_id\tspeaker\tturn_id\ttext\tmovies\texpert_label\tsecond_label\tcase"


def test_inspired_groups_sorts_and_merges(tmp_path: Path) -> None:
    rows = [
        _HEADER,
        "d1\t2\tSEEKER\t1\tHi!\t\t\t\taccept_rating_good",
        "d1\t1\tRECOMMENDER\t1\tHello, what do you like?\t\topinion_inquiry\t\taccept_rating_good",
        "d1\t3\tSEEKER\t1\tSomething QUOTATION_MARKfunQUOTATION_MARK\t\t\t\taccept_rating_good",
        "d2\t1\tseeker\t1\tHey\t\t\t\treject",
        "d1\t4\tRECOMMENDER\t2\tTry Glass Road\tGlass Road (2004)\tencouragement\tself_modeling\t",
    ]
    path = tmp_path / "inspired.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    d1, d2 = load_dialogues(path, "inspired")

    assert [(t.speaker, t.text) for t in d1.turns] == [
        ("system", "Hello, what do you like?"),
        ("user", 'Hi! Something "fun"'),
        ("system", "Try Glass Road"),
    ]
    assert d1.turns[0].intents == ("opinion_inquiry",)
    assert d1.turns[2].intents == ("encouragement", "self_modeling")
    assert d1.turns[2].meta["movies"] == "Glass Road (2004)"
    assert d1.meta["case"] == "accept_rating_good"
    assert d2.dialogue_id == "d2" and d2.meta["case"] == "reject"
    assert d2.turns[0].speaker == "user"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("d1\t1\tSEEKER\t1", "expected 9 tab-separated fields, got 4"),
        ("d1\tone\tSEEKER\t1\thi\t\t\t\t", "utt_id: expected an integer"),
        ("d1\t1\tCRITIC\t1\thi\t\t\t\t", 'speaker: expected "SEEKER" or "RECOMMENDER"'),
    ],
)
def test_inspired_bad_rows_name_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "inspired.tsv"
    path.write_text(f"{_HEADER}\nd0\t1\tSEEKER\t1\tfine\t\t\t\t\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(f"inspired.tsv:3: {message}")):
        load_dialogues(path, "inspired")


def test_inspired_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "inspired.tsv"
    path.write_text("dialog_id\tspeaker\ttext\nd\tSEEKER\thi\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"inspired\.tsv:1: missing column\(s\) utt_id"):
        load_dialogues(path, "inspired")


# -- CRSArena-Dial --------------------------------------------------------------------


def test_crsarena_official_and_chat_variants(tmp_path: Path) -> None:
    data = [
        {
            "conversation ID": "crsA_u1",
            "agent": {"id": "crsA", "type": "AGENT"},
            "user": {"id": "u1", "type": "USER"},
            "conversation": [
                {"participant": "USER", "utterance": "a thriller please", "utterance ID": "x_0"},
                {"participant": "USER", "utterance": "not too long", "utterance ID": "x_1"},
                {"participant": "AGENT", "utterance": "Try Night Train.", "utterance ID": "x_2"},
            ],
            "metadata": {"sentiment": "satisfied"},
            "vote_result": {"result": "win"},
        },
        {
            "id": "chat-2",
            "messages": [
                {"role": "system", "content": "You are a movie recommender."},
                {"role": "user", "content": "hi", "satisfaction": 3},
                {"role": "assistant", "content": "Hello! What genre?"},
            ],
            "satisfaction": 2,
        },
    ]
    path = tmp_path / "arena.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    first, second = load_dialogues(path, "crsarena")

    assert first.dialogue_id == "crsA_u1"
    assert [(t.speaker, t.text) for t in first.turns] == [
        ("user", "a thriller please not too long"),
        ("system", "Try Night Train."),
    ]
    assert first.meta["satisfaction"] == "satisfied"
    assert first.meta["crs"] == "crsA" and first.meta["vote"] == "win"
    assert [t.speaker for t in second.turns] == ["user", "system"]  # system prompt skipped
    assert second.turns[0].meta["satisfaction"] == 3
    assert second.meta["satisfaction"] == 2


def test_crsarena_bad_speaker_names_index(tmp_path: Path) -> None:
    data = [
        {"conversation": [{"participant": "USER", "utterance": "hi"}]},
        {"conversation": [{"participant": "ROBOT", "utterance": "beep"}]},
    ]
    path = tmp_path / "arena.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"record \[1\]: conversation\[0\]\.participant"):
        load_dialogues(path, "crsarena")


# -- generic JSONL --------------------------------------------------------------------


def test_jsonl_generic(tmp_path: Path) -> None:
    lines = [
        {
            "dialogue_id": "a",
            "turns": [
                {"speaker": "user", "text": "hi", "intent": "OTH"},
                {"speaker": "user", "text": "any horror?", "intent": ["IQU", "PRO"]},
                {"speaker": "system", "text": "Sure.", "meta": {"items": ["m1"]}},
                {"speaker": "user", "text": "   "},
            ],
            "meta": {"split": "dev"},
        },
        {"dialogue_id": "b", "turns": []},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")

    a, b = load_dialogues(path, "jsonl")

    assert isinstance(a, Dialogue)
    assert [(t.speaker, t.text, t.intents) for t in a.turns] == [
        ("user", "hi any horror?", ("OTH", "IQU", "PRO")),
        ("system", "Sure.", ()),
    ]
    assert a.turns[1].meta["items"] == ["m1"]
    assert a.meta["split"] == "dev" and a.meta["line"] == 1
    assert b.turns == ()


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            {"dialogue_id": "b", "turns": [{"speaker": "bot", "text": "x"}]},
            'd.jsonl:2: turns[0].speaker: expected "user" or "system", got "bot"',
        ),
        ({"dialogue_id": "b", "turns": [{"speaker": "user"}]}, "d.jsonl:2: turns[0].text: missing"),
        (
            {"dialogue_id": "b", "turns": [{"speaker": "user", "text": "x", "intent": 3}]},
            "d.jsonl:2: turns[0].intent: expected a label or a list of labels, got 3",
        ),
        ({"dialogue_id": "a", "turns": []}, 'd.jsonl:2: dialogue_id: "a" already used on line 1'),
        ({"dialogue_id": 5, "turns": []}, "d.jsonl:2: dialogue_id: expected a string, got 5"),
        ([1, 2], "d.jsonl:2: expected a dialogue object, got [1, 2]"),
    ],
)
def test_jsonl_errors_name_line_and_field(tmp_path: Path, second: Any, message: str) -> None:
    path = tmp_path / "d.jsonl"
    first = {"dialogue_id": "a", "turns": [{"speaker": "user", "text": "ok"}]}
    path.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_dialogues(path, "jsonl")
    assert str(info.value) == f"{path.parent}/{message}"
    assert info.value.line == 2


# -- dispatch -------------------------------------------------------------------------


def test_formats_and_dispatch_errors(tmp_path: Path) -> None:
    assert set(FORMATS) == {"redial", "iard", "inspired", "crsarena", "jsonl"}
    with pytest.raises(ConfigError, match=r'format: expected one of redial, .*got "csv"'):
        load_dialogues(tmp_path / "x", "csv")
    with pytest.raises(DataError, match=r"nowhere\.jsonl: file not found"):
        load_dialogues(tmp_path / "nowhere.jsonl", "jsonl")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"dialogue_id": "caf\xe9"}\n')
    with pytest.raises(DataError, match="not UTF-8"):
        load_dialogues(tmp_path / "latin1.jsonl", "jsonl")


# -- the real corpora (skipped when ../shared/data is absent) -------------------------


def _real(path: str) -> Path:
    full = SHARED / path
    if not full.exists():
        pytest.skip(f"real data not available: {full}")
    return full


@pytest.mark.parametrize(
    ("path", "fmt", "count"),
    [
        ("redial/train_subset_kgsf_valid.jsonl", "redial", 901),
        ("redial/train_subset_kepler.jsonl", "redial", 500),
        ("iard/iard_dev.json", "iard", 207),
    ],
)
def test_real_corpora_load_with_documented_counts(path: str, fmt: str, count: int) -> None:
    dialogues = load_dialogues(_real(path), fmt)
    assert len(dialogues) == count
    assert len({d.dialogue_id for d in dialogues}) == count
    for d in dialogues:
        assert all(a.speaker != b.speaker for a, b in zip(d.turns, d.turns[1:], strict=False))
        assert all(t.text.strip() for t in d.turns)
    texts = user_texts(dialogues)
    assert len(texts) > count  # every dialogue has several user turns on average
    assert not any(re.search(r"@\d+", t) for t in texts)  # mentions resolved to titles
    if fmt == "iard":
        labels = {i for d in dialogues for t in d.user_turns for i in t.intents}
        assert labels <= set(DEFAULT_INTENTS)
        assert all(t.intents for d in dialogues for t in d.user_turns)
