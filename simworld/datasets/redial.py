"""ReDial importer (JSON Lines, one conversation per line).

Fields read: ``conversationId``, ``initiatorWorkerId`` (the seeker -> ``"user"``),
``respondentWorkerId`` (the recommender -> ``"system"``), ``messages[{text,
senderWorkerId}]``, ``movieMentions {movieId: title}``, and the optional questionnaires
``initiatorQuestions`` / ``respondentQuestions``.

Quirks handled:

- chat messages, not turns: consecutive messages of one sender are merged (joined by a space);
- ``@123`` movie mentions are replaced by the title from ``movieMentions`` (runs of spaces in
  titles collapsed; the title keeps its year, e.g. ``Heat (1995)``, as the chat interface
  showed it); a mention missing from ``movieMentions`` is left as written and counted in
  ``meta["unknown_mentions"]``;
- ``initiatorQuestions == []`` (a list instead of a dict) is read as "no answers".

Dialogue ``meta``: ``file``, ``line``, ``mentions`` (``{movieId: title}``),
``seeker_questions`` / ``recommender_questions`` (``{movieId: {suggested, seen, liked}}``),
``unknown_mentions``. ReDial has no intent labels.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from simworld.datasets.base import (
    Dialogue,
    Message,
    Speaker,
    Where,
    iter_jsonl,
    merge_messages,
    show,
)

_MENTION = re.compile(r"@(\d+)")
_SPACES = re.compile(r"\s+")


def load_redial(path: Path) -> list[Dialogue]:
    """Read a ReDial ``.jsonl`` file; a malformed record raises DataError with its line."""
    return [_parse(obj, Where(path, line=lineno), lineno) for lineno, obj in iter_jsonl(path)]


def _parse(obj: Any, where: Where, lineno: int) -> Dialogue:
    if not isinstance(obj, dict):
        raise where.error("", f"expected a conversation object, got {show(obj)}")
    conv_id = str(where.expect(obj, "conversationId", (str, int)))
    seeker = where.expect(obj, "initiatorWorkerId", (str, int))
    recommender = where.expect(obj, "respondentWorkerId", (str, int))
    raw_mentions = obj.get("movieMentions") or {}
    if not isinstance(raw_mentions, dict):
        raise where.error("movieMentions", f"expected an object, got {show(raw_mentions)}")
    mentions = {str(k): _SPACES.sub(" ", str(v)).strip() for k, v in raw_mentions.items() if v}
    unknown = 0

    def title_of(match: re.Match[str]) -> str:
        nonlocal unknown
        title = mentions.get(match.group(1))
        if title is None:
            unknown += 1
            return match.group(0)
        return title

    messages: list[Message] = []
    for i, msg in enumerate(where.expect(obj, "messages", list)):
        field_path = f"messages[{i}]"
        text = where.expect(msg, "text", str, path=field_path)
        sender = where.expect(msg, "senderWorkerId", (str, int), path=field_path)
        speaker: Speaker
        if sender == seeker:
            speaker = "user"
        elif sender == recommender:
            speaker = "system"
        else:
            raise where.error(
                f"{field_path}.senderWorkerId",
                f"expected the initiator ({seeker}) or respondent ({recommender}), "
                f"got {show(sender)}",
            )
        messages.append(Message(speaker, _MENTION.sub(title_of, text)))
    meta = {
        "file": str(where.path),
        "line": lineno,
        "mentions": mentions,
        "seeker_questions": _questions(obj.get("initiatorQuestions"), where, "initiatorQuestions"),
        "recommender_questions": _questions(
            obj.get("respondentQuestions"), where, "respondentQuestions"
        ),
        "unknown_mentions": unknown,
    }
    return Dialogue(conv_id, "redial", merge_messages(messages), meta)


def _questions(value: Any, where: Where, name: str) -> dict[str, dict[str, int]]:
    """A questionnaire as ``{movieId: {suggested, seen, liked}}``; ``[]``/missing -> ``{}``."""
    if value is None or value == []:
        return {}
    if not isinstance(value, dict):
        raise where.error(name, f"expected an object (or []), got {show(value)}")
    out: dict[str, dict[str, int]] = {}
    for movie_id, answers in value.items():
        if not isinstance(answers, dict):
            raise where.error(f"{name}.{movie_id}", f"expected an object, got {show(answers)}")
        out[str(movie_id)] = {k: v for k, v in answers.items() if isinstance(v, int)}
    return out
