"""Adapters for deployed CRSs that do not speak protocol v1.

- :class:`OpenAIChatCRSClient`: an OpenAI-compatible ``/chat/completions`` endpoint used as a
  CRS. The adapter keeps each session's message history (the endpoint is stateless) and finds
  recommended items by matching catalog titles in the reply text.
- :class:`GenericHTTPClient`: any JSON-over-HTTP CRS, described by a method, a URL template, a
  JSON body template with ``{session_id}``, ``{user_id}`` and ``{text}`` placeholders, and dotted
  field paths (``data.reply.text``, ``data.recs[].movie_id``) saying where the reply lives.

Both have the surface of :class:`simworld.crs.client.CRSClient` and use the same
:class:`~simworld.crs.client.HTTPTransport` (limits, timeout, retries) as the v1 client.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Unpack
from urllib.parse import quote, urlsplit

import aiohttp

from simworld.catalog import Catalog
from simworld.crs.client import (
    HTTPTransport,
    ParsedReply,
    ResponseShapeError,
    TransportOptions,
    check_base_url,
    is_int,
    is_number,
    json_type,
    public_url,
    show,
)
from simworld.crs.protocol import CRSReply, RecItem
from simworld.errors import ConfigError

__all__ = [
    "DEFAULT_SYSTEM_PROMPT",
    "PLACEHOLDERS",
    "FieldPath",
    "GenericHTTPClient",
    "OpenAIChatCRSClient",
    "fill_template",
]

DEFAULT_SYSTEM_PROMPT: Final = (
    "You are a movie recommender chatting with one person. Find out what they are in the "
    "mood for, suggest a few specific films by title and year, say briefly why each fits, "
    "and keep every reply short."
)

#: Placeholders a generic request template may use.
PLACEHOLDERS: Final = ("session_id", "user_id", "text")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


# -- OpenAI-compatible chat endpoint ---------------------------------------------------------


class OpenAIChatCRSClient:
    """An OpenAI-compatible chat-completions endpoint treated as a CRS.

    Each turn sends the system prompt, the session's recent history and the new user message
    to ``POST {base_url}/chat/completions``; the reply text is ``choices[0].message.content``.
    Items are the catalog titles found in that text (``catalog.match_titles``), each as
    ``RecItem(item_id, display_title, 1.0)``; without a catalog no items are reported. The
    endpoint never ends a conversation, so ``done`` is always False.

    History keeps at most ``max_history_messages`` user/assistant messages (oldest dropped
    first, always starting at a user message); a failed turn adds nothing to it;
    :meth:`end_session` forgets it. Credentials go in ``headers``
    (``{"Authorization": "Bearer ..."}``), built by the caller.
    """

    kind = "openai_chat"

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        http: aiohttp.ClientSession,
        model: str,
        catalog: Catalog | None = None,
        system_prompt: str = DEFAULT_SYSTEM_PROMPT,
        temperature: float = 0.7,
        max_tokens: int = 256,
        max_history_messages: int = 40,
        **options: Unpack[TransportOptions],
    ) -> None:
        where = f"endpoint {name}"
        if not isinstance(model, str) or not model.strip():
            raise ConfigError.expected("a model name", model, field=f"{where}: model")
        if not isinstance(system_prompt, str):
            raise ConfigError.expected("a string", system_prompt, field=f"{where}: system_prompt")
        if not is_number(temperature) or not 0 <= temperature <= 2:
            raise ConfigError.expected(
                "a number between 0 and 2", temperature, field=f"{where}: temperature"
            )
        if not is_int(max_tokens) or max_tokens < 1:
            raise ConfigError.expected("an integer >= 1", max_tokens, field=f"{where}: max_tokens")
        if not is_int(max_history_messages) or max_history_messages < 0:
            raise ConfigError.expected(
                "an integer >= 0", max_history_messages, field=f"{where}: max_history_messages"
            )
        self.name = name
        self.base_url = check_base_url(base_url, name=name)
        self.model = model
        self.catalog = catalog
        self.system_prompt = system_prompt
        self.temperature = float(temperature)
        self.max_tokens = max_tokens
        self.max_history_messages = max_history_messages
        self._history: dict[str, list[dict[str, str]]] = {}
        self._transport = HTTPTransport(name=name, http=http, **options)

    def __repr__(self) -> str:
        return f"OpenAIChatCRSClient(name={self.name!r}, url={public_url(self.base_url)!r})"

    @property
    def stats(self) -> dict[str, int]:
        return self._transport.stats

    def history(self, session_id: str) -> list[dict[str, str]]:
        """A copy of the messages kept for ``session_id`` (without the system prompt)."""
        return [dict(m) for m in self._history.get(session_id, [])]

    async def turn(self, session_id: str, user_id: str, text: str) -> CRSReply:
        history = self._history.get(session_id, [])
        user_msg = {"role": "user", "content": text}
        messages = [{"role": "system", "content": self.system_prompt}, *history, user_msg]
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        reply = await self._transport.call(
            "POST", f"{self.base_url}/chat/completions", json_body=body, parse=self._parse
        )
        if reply.ok:
            kept = [*history, user_msg, {"role": "assistant", "content": reply.text}]
            self._history[session_id] = _trim(kept, self.max_history_messages)
        return reply

    def _parse(self, doc: Any) -> ParsedReply:
        if not isinstance(doc, dict):
            raise ResponseShapeError(f"expected a JSON object, got {json_type(doc)}")
        choices = doc.get("choices")
        if not isinstance(choices, list) or not choices:
            raise ResponseShapeError(f"choices: expected a non-empty array, got {show(choices)}")
        first = choices[0]
        message = first.get("message") if isinstance(first, dict) else None
        if not isinstance(message, dict):
            raise ResponseShapeError(f"choices[0].message: expected an object, got {show(first)}")
        content = message.get("content")
        if not isinstance(content, str):
            raise ResponseShapeError(
                f"choices[0].message.content: expected a string, got {show(content)}"
            )
        items: tuple[RecItem, ...] = ()
        if self.catalog is not None:
            items = tuple(
                RecItem(it.item_id, it.display_title, 1.0)
                for it in self.catalog.match_titles(content)
            )
        extra: dict[str, object] = {}
        usage = doc.get("usage")
        if isinstance(usage, dict):
            for key in ("prompt_tokens", "completion_tokens"):
                if is_int(usage.get(key)):
                    extra[key] = usage[key]
        return ParsedReply(text=content, items=items, done=False, extra=extra)

    async def end_session(self, session_id: str) -> None:
        """Forget the session's history (no request: the endpoint keeps no state)."""
        self._transport.stats["end_sessions"] += 1
        self._history.pop(session_id, None)

    def describe(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "url": public_url(self.base_url),
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "max_history_messages": self.max_history_messages,
            "system_prompt": self.system_prompt,
            "catalog": None if self.catalog is None else self.catalog.source,
            "limits": self._transport.limits(),
        }

    async def aclose(self) -> None:
        """Drop all histories; the aiohttp session belongs to the caller."""
        self._history.clear()


def _trim(messages: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    kept = messages[len(messages) - limit :] if len(messages) > limit else messages
    while kept and kept[0]["role"] != "user":
        kept = kept[1:]
    return kept


# -- generic HTTP adapter ----------------------------------------------------------------------


_MISSING: Final = object()
_SEGMENT = re.compile(r"([^.\[\]]*)((?:\[(?:\d+)?\])*)$")
_BRACKET = re.compile(r"\[(\d*)\]")


@dataclass(frozen=True, slots=True)
class FieldPath:
    """A dotted path into a JSON document: ``data.reply.text``, ``choices[0].text``,
    ``data.recs[].movie_id`` (``[]`` takes every element of an array; at most one ``[]``).

    :meth:`get` returns the value (a list when the path has ``[]``), or ``None`` when an
    object along the way lacks the key. A value of the wrong type on the way (an index into
    an object, a key into a string, an element lacking the key after ``[]``) raises
    :class:`ResponseShapeError` naming the path.
    """

    text: str
    steps: tuple[str | int | None, ...]  # key, index, or None for "every element"

    @property
    def fans_out(self) -> bool:
        return None in self.steps

    @classmethod
    def parse(cls, text: object, *, field: str) -> FieldPath:
        if not isinstance(text, str) or not text:
            raise ConfigError.expected(
                "a dotted field path like data.items[].id", text, field=field
            )
        steps: list[str | int | None] = []
        for segment in text.split("."):
            m = _SEGMENT.match(segment)
            if m is None or (not m.group(1) and not m.group(2)):
                raise ConfigError.expected(
                    "a dotted field path like data.items[].id (keys, [N] indexes, one [])",
                    text,
                    field=field,
                )
            if m.group(1):
                steps.append(m.group(1))
            for idx in _BRACKET.findall(m.group(2)):
                steps.append(int(idx) if idx else None)
        if steps.count(None) > 1:
            raise ConfigError.expected("a field path with at most one []", text, field=field)
        return cls(text, tuple(steps))

    def get(self, doc: Any) -> Any:
        values: list[Any] = [doc]
        fanned = False
        for n, step in enumerate(self.steps):
            here = self._prefix(n) or "<root>"
            out: list[Any] = []
            for i, v in enumerate(values):
                at = here.replace("[]", f"[{i}]", 1) if fanned else here
                if v is None and not fanned:
                    return None  # null or absent on the way: the field is absent
                if isinstance(step, str):
                    if not isinstance(v, dict):
                        raise ResponseShapeError(f"{at}: expected an object, got {show(v)}")
                    if step not in v:
                        if fanned:
                            raise ResponseShapeError(f"{at}: missing key {step!r}")
                        return None
                    out.append(v[step])
                    continue
                if not isinstance(v, list):
                    raise ResponseShapeError(f"{at}: expected an array, got {show(v)}")
                if step is None:
                    out.extend(v)
                elif step < len(v):
                    out.append(v[step])
                elif fanned:
                    raise ResponseShapeError(f"{at}: no element [{step}]")
                else:
                    return None
            values = out
            fanned = fanned or step is None
        return values if fanned else values[0]

    def _prefix(self, n: int) -> str:
        out = ""
        for step in self.steps[:n]:
            if step is None:
                out += "[]"
            elif isinstance(step, int):
                out += f"[{step}]"
            else:
                out += f".{step}" if out else step
        return out


def _check_placeholders(text: str, *, field: str) -> None:
    for m in _PLACEHOLDER.finditer(text):
        name = m.group(1)
        if name is not None and name not in PLACEHOLDERS:
            raise ConfigError.expected(
                "placeholders among {session_id}, {user_id}, {text} ({{ and }} for braces)",
                m.group(0),
                field=field,
            )


def _substitute(text: str, values: Mapping[str, str], encode: Callable[[str], str]) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(0) == "{{":
            return "{"
        if m.group(0) == "}}":
            return "}"
        return encode(values[m.group(1)])

    # One pass: a value that itself contains "{text}" is never expanded again.
    return _PLACEHOLDER.sub(repl, text)


def fill_template(template: Any, values: Mapping[str, str]) -> Any:
    """A copy of a JSON template with placeholders in its strings (keys too) replaced.

    Values go into the decoded structure, so quotes, backslashes and newlines in the user's
    text stay data: the body is encoded as JSON afterwards, never built by string formatting.
    """
    if isinstance(template, str):
        return _substitute(template, values, lambda s: s)
    if isinstance(template, list):
        return [fill_template(v, values) for v in template]
    if isinstance(template, dict):
        return {
            _substitute(k, values, lambda s: s): fill_template(v, values)
            for k, v in template.items()
        }
    return template


def _check_template(template: Any, *, field: str) -> None:
    if isinstance(template, str):
        _check_placeholders(template, field=field)
    elif isinstance(template, list):
        for i, v in enumerate(template):
            _check_template(v, field=f"{field}[{i}]")
    elif isinstance(template, dict):
        for k, v in template.items():
            if not isinstance(k, str):
                raise ConfigError.expected("string keys", k, field=field)
            _check_placeholders(k, field=field)
            _check_template(v, field=f"{field}.{k}")
    elif template is not None and not isinstance(template, bool | int | float):
        raise ConfigError.expected("a JSON value", type(template).__name__, field=field)


class GenericHTTPClient:
    """Any JSON-over-HTTP CRS, described by templates and field paths.

    ``url_template`` and ``body_template`` may contain ``{session_id}``, ``{user_id}`` and
    ``{text}`` (``{{``/``}}`` for literal braces). In the URL the values are percent-encoded;
    in the body (a decoded JSON value, e.g. a mapping read from YAML) they replace the
    placeholders inside strings, so they are always sent as JSON strings.

    Response paths (see :class:`FieldPath`): ``text_path`` must lead to a string;
    ``item_ids_path`` to a list of ids (strings or integers), usually through ``[]``;
    ``item_titles_path`` to a list of the same length (titles default to the ids);
    ``item_scores_path`` likewise for numbers (default 0.0); ``done_path`` to a boolean
    (missing means False). A missing item list means no items. ``end_session_url_template``
    (with ``end_session_method``) is requested at the end of a session; without it
    :meth:`end_session` sends nothing.
    """

    kind = "generic_http"

    def __init__(
        self,
        *,
        name: str,
        url_template: str,
        http: aiohttp.ClientSession,
        text_path: str,
        method: str = "POST",
        body_template: Any = None,
        item_ids_path: str | None = None,
        item_titles_path: str | None = None,
        item_scores_path: str | None = None,
        done_path: str | None = None,
        end_session_url_template: str | None = None,
        end_session_method: str = "DELETE",
        **options: Unpack[TransportOptions],
    ) -> None:
        where = f"endpoint {name}"
        self.name = name
        self.method = _check_method(method, field=f"{where}: method")
        self.end_session_method = _check_method(
            end_session_method, field=f"{where}: end_session_method"
        )
        self.url_template = _check_url_template(url_template, name, "url_template")
        self.end_session_url_template = (
            None
            if end_session_url_template is None
            else _check_url_template(end_session_url_template, name, "end_session_url_template")
        )
        _check_template(body_template, field=f"{where}: body_template")
        self.body_template = body_template
        self.text_path = FieldPath.parse(text_path, field=f"{where}: text_path")
        if self.text_path.fans_out:
            raise ConfigError.expected(
                "a path to one string (no [])", text_path, field=f"{where}: text_path"
            )
        self.done_path = (
            None if done_path is None else FieldPath.parse(done_path, field=f"{where}: done_path")
        )
        if self.done_path is not None and self.done_path.fans_out:
            raise ConfigError.expected(
                "a path to one boolean (no [])", done_path, field=f"{where}: done_path"
            )
        self.item_ids_path = _opt_path(item_ids_path, f"{where}: item_ids_path")
        self.item_titles_path = _opt_path(item_titles_path, f"{where}: item_titles_path")
        self.item_scores_path = _opt_path(item_scores_path, f"{where}: item_scores_path")
        if self.item_ids_path is None and (self.item_titles_path or self.item_scores_path):
            raise ConfigError("item_titles_path/item_scores_path need item_ids_path", field=where)
        self._transport = HTTPTransport(name=name, http=http, **options)

    def __repr__(self) -> str:
        return f"GenericHTTPClient(name={self.name!r}, url={public_url(self.url_template)!r})"

    @property
    def stats(self) -> dict[str, int]:
        return self._transport.stats

    @staticmethod
    def _values(session_id: str, user_id: str, text: str) -> dict[str, str]:
        return {"session_id": session_id, "user_id": user_id, "text": text}

    async def turn(self, session_id: str, user_id: str, text: str) -> CRSReply:
        values = self._values(session_id, user_id, text)
        url = _substitute(self.url_template, values, lambda s: quote(s, safe=""))
        body = None if self.body_template is None else fill_template(self.body_template, values)
        return await self._transport.call(self.method, url, json_body=body, parse=self._parse)

    def _parse(self, doc: Any) -> ParsedReply:
        text = self.text_path.get(doc)
        if not isinstance(text, str):
            raise ResponseShapeError(f"{self.text_path.text}: expected a string, got {show(text)}")
        done = False if self.done_path is None else self.done_path.get(doc)
        if done is None:
            done = False
        if not isinstance(done, bool):
            where = self.done_path.text if self.done_path is not None else "done"
            raise ResponseShapeError(f"{where}: expected true or false, got {show(done)}")
        return ParsedReply(text=text, items=self._items(doc), done=done)

    def _items(self, doc: Any) -> tuple[RecItem, ...]:
        if self.item_ids_path is None:
            return ()
        ids = _list_at(self.item_ids_path, doc)
        if ids is None:
            return ()
        for i, v in enumerate(ids):
            if not isinstance(v, str) and not is_int(v):
                raise ResponseShapeError(
                    f"{self.item_ids_path.text}: element {i}: expected a string or integer id, "
                    f"got {show(v)}"
                )
        str_ids = [str(v) for v in ids]
        titles = list(str_ids)
        if self.item_titles_path is not None:
            found = _list_at(self.item_titles_path, doc, length=len(ids))
            if found is not None:
                for i, v in enumerate(found):
                    if not isinstance(v, str):
                        raise ResponseShapeError(
                            f"{self.item_titles_path.text}: element {i}: expected a string, "
                            f"got {show(v)}"
                        )
                titles = found
        scores = [0.0] * len(ids)
        if self.item_scores_path is not None:
            found = _list_at(self.item_scores_path, doc, length=len(ids))
            if found is not None:
                for i, v in enumerate(found):
                    if not is_number(v):
                        raise ResponseShapeError(
                            f"{self.item_scores_path.text}: element {i}: expected a number, "
                            f"got {show(v)}"
                        )
                scores = [float(v) for v in found]
        return tuple(RecItem(i, t, s) for i, t, s in zip(str_ids, titles, scores, strict=True))

    async def end_session(self, session_id: str) -> None:
        """Request ``end_session_url_template`` if configured; failures only counted."""
        if self.end_session_url_template is None:
            self._transport.stats["end_sessions"] += 1
            return
        url = _substitute(
            self.end_session_url_template,
            self._values(session_id, "", ""),
            lambda s: quote(s, safe=""),
        )
        await self._transport.notify(self.end_session_method, url, ok_statuses=(404,))

    def describe(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "method": self.method,
            "url": public_url(self.url_template),
            "text_path": self.text_path.text,
            "item_ids_path": _path_text(self.item_ids_path),
            "item_titles_path": _path_text(self.item_titles_path),
            "item_scores_path": _path_text(self.item_scores_path),
            "done_path": _path_text(self.done_path),
            "limits": self._transport.limits(),
        }

    async def aclose(self) -> None:
        """Nothing to release: the aiohttp session belongs to the caller."""


def _list_at(path: FieldPath, doc: Any, *, length: int | None = None) -> list[Any] | None:
    value = path.get(doc)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ResponseShapeError(f"{path.text}: expected an array, got {json_type(value)}")
    if length is not None and len(value) != length:
        raise ResponseShapeError(f"{path.text}: {len(value)} values for {length} item ids")
    return value


def _opt_path(text: str | None, field: str) -> FieldPath | None:
    return None if text is None else FieldPath.parse(text, field=field)


def _path_text(path: FieldPath | None) -> str | None:
    return None if path is None else path.text


def _check_method(method: object, *, field: str) -> str:
    allowed = ("GET", "POST", "PUT", "PATCH", "DELETE")
    if not isinstance(method, str) or method.upper() not in allowed:
        raise ConfigError.expected("one of " + ", ".join(allowed), method, field=field)
    return method.upper()


def _check_url_template(template: object, name: str, field_name: str) -> str:
    where = f"endpoint {name}: {field_name}"
    if not isinstance(template, str):
        raise ConfigError.expected("a URL template string", template, field=where)
    _check_placeholders(template, field=where)
    sample = urlsplit(_substitute(template, {p: "x" for p in PLACEHOLDERS}, lambda s: s))
    if sample.scheme not in ("http", "https") or not sample.hostname:
        raise ConfigError.expected("an http:// or https:// URL with a host", template, field=where)
    return template
