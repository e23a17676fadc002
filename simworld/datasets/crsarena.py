"""CRSArena-Dial importer (a JSON list of conversations between people and CRSs).

The released files (``crs_arena_dial_open.json`` / ``_closed.json``) look like::

    [{"conversation ID": "barcor_redial_<user>",
      "agent": {"id": "barcor_redial", ...}, "user": {"id": "<user>", ...},
      "conversation": [{"participant": "USER" | "AGENT", "utterance": "...",
                        "utterance ID": "..."}, ...],
      "metadata": {"sentiment": "satisfied" | "frustrated"},
      "vote_result": {...}}]                     # only in files merged with the votes

Chat-log variants are accepted too, field by field:

- conversation id: ``conversation ID`` | ``conversation_id`` | ``conv_id`` | ``id``
  (default: the list index);
- turns: ``conversation`` | ``turns`` | ``messages``;
- speaker: ``participant`` | ``role`` | ``speaker`` with ``USER``/``user``/``seeker`` ->
  ``"user"`` and ``AGENT``/``assistant``/``crs``/``recommender`` -> ``"system"``; a
  ``role: "system"`` message (a chat-model instruction, not part of the dialogue) is skipped;
- text: ``utterance`` | ``content`` | ``text``;
- satisfaction: ``metadata.sentiment`` or a top-level ``satisfaction`` / ``sentiment`` ->
  dialogue ``meta["satisfaction"]``; a per-turn ``satisfaction`` -> that turn's ``meta``.

Dialogue ``meta``: ``file``, ``index``, ``crs`` (``agent.id``), ``user_id``,
``satisfaction``, ``vote`` (``vote_result.result`` when present). Consecutive utterances of
one speaker are merged. Errors name the record's index in the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from simworld.datasets.base import (
    Dialogue,
    Message,
    Speaker,
    Where,
    merge_messages,
    read_json,
    show,
)

_ID_KEYS = ("conversation ID", "conversation_id", "conv_id", "id")
_TURN_KEYS = ("conversation", "turns", "messages")
_SPEAKER_KEYS = ("participant", "role", "speaker")
_TEXT_KEYS = ("utterance", "content", "text")
_SPEAKERS: dict[str, Speaker] = {
    "user": "user",
    "seeker": "user",
    "human": "user",
    "agent": "system",
    "assistant": "system",
    "crs": "system",
    "recommender": "system",
}
_SKIP_ROLES = {"system"}


def load_crsarena(path: Path) -> list[Dialogue]:
    """Read a CRSArena-Dial JSON file (a list of conversations)."""
    data = read_json(path)
    if isinstance(data, Mapping) and isinstance(data.get("conversations"), list):
        data = data["conversations"]
    if not isinstance(data, list):
        raise Where(path).error("", "expected a JSON list of conversations")
    return [_parse(i, rec, Where(path, record=f"[{i}]")) for i, rec in enumerate(data)]


def _first(obj: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    for key in keys:
        if key in obj:
            return key, obj[key]
    return None


def _parse(index: int, rec: Any, where: Where) -> Dialogue:
    if not isinstance(rec, Mapping):
        raise where.error("", f"expected a conversation object, got {show(rec)}")
    found_id = _first(rec, _ID_KEYS)
    conv_id = str(found_id[1]) if found_id else str(index)
    found_turns = _first(rec, _TURN_KEYS)
    if found_turns is None:
        raise where.error("", f"missing turns (one of {', '.join(_TURN_KEYS)})")
    turns_key, turns = found_turns
    if not isinstance(turns, list):
        raise where.error(turns_key, f"expected a list, got {show(turns)}")
    messages: list[Message] = []
    for j, utt in enumerate(turns):
        base = f"{turns_key}[{j}]"
        if not isinstance(utt, Mapping):
            raise where.error(base, f"expected an object, got {show(utt)}")
        found_sp = _first(utt, _SPEAKER_KEYS)
        found_text = _first(utt, _TEXT_KEYS)
        if found_sp is None:
            raise where.error(base, f"missing speaker (one of {', '.join(_SPEAKER_KEYS)})")
        if found_text is None:
            raise where.error(base, f"missing text (one of {', '.join(_TEXT_KEYS)})")
        sp_key, raw_speaker = found_sp
        role = str(raw_speaker).strip().lower()
        if role in _SKIP_ROLES and sp_key == "role":
            continue
        speaker = _SPEAKERS.get(role)
        if speaker is None:
            raise where.error(
                f"{base}.{sp_key}",
                f"expected USER or AGENT (user/assistant), got {show(raw_speaker)}",
            )
        text_key, text = found_text
        if not isinstance(text, str):
            raise where.error(f"{base}.{text_key}", f"expected a string, got {show(text)}")
        meta = {"satisfaction": utt["satisfaction"]} if "satisfaction" in utt else {}
        messages.append(Message(speaker, text, (), meta))
    return Dialogue(conv_id, "crsarena", merge_messages(messages), _meta(index, rec, where))


def _meta(index: int, rec: Mapping[str, Any], where: Where) -> dict[str, Any]:
    meta: dict[str, Any] = {"file": str(where.path), "index": index}
    agent = rec.get("agent")
    if isinstance(agent, Mapping) and "id" in agent:
        meta["crs"] = str(agent["id"])
    user = rec.get("user")
    if isinstance(user, Mapping) and "id" in user:
        meta["user_id"] = str(user["id"])
    metadata = rec.get("metadata")
    satisfaction: Any = None
    if isinstance(metadata, Mapping):
        satisfaction = metadata.get("sentiment", metadata.get("satisfaction"))
    for key in ("satisfaction", "sentiment"):
        if satisfaction is None and key in rec:
            satisfaction = rec[key]
    if satisfaction is not None:
        meta["satisfaction"] = satisfaction
    vote = rec.get("vote_result")
    if isinstance(vote, Mapping) and "result" in vote:
        meta["vote"] = vote["result"]
    return meta
