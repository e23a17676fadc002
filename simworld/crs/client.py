"""Endpoint clients: how simulated users reach a CRS under test.

Every client has the same small surface (:class:`CRSClient`): ``turn()`` sends one user
utterance and returns a :class:`~simworld.crs.protocol.CRSReply`; ``end_session()`` tells the
CRS a conversation is over; ``describe()`` says what the client talks to (for the run manifest,
never with headers or credentials); ``stats`` counts requests, retries and errors by kind.

Endpoint faults are data, not exceptions: a timeout, a refused connection, a 5xx, a 429 or a
malformed body comes back as a ``CRSReply`` whose ``error`` names the kind (``timeout``,
``connection``, ``http_<status>``, ``rate_limited``, ``bad_response``), so one bad CRS never
ends a run. Only cancellation (:class:`asyncio.CancelledError`) escapes.

All clients share one piece of machinery, :class:`HTTPTransport`: a concurrency cap
(:class:`asyncio.Semaphore`), an optional rate limit (:class:`aiolimiter.AsyncLimiter`, a leaky
bucket that wakes waiters by timer instead of polling), a per-request timeout and retries with
full-jitter exponential backoff that honours ``Retry-After``. The HTTP session itself
(:class:`aiohttp.ClientSession`) is owned by the caller and shared by every client of a run.

This module holds that machinery and :class:`ProtocolV1Client` (CRS protocol v1, see
:mod:`simworld.crs.protocol`); adapters for CRSs that speak something else live in
:mod:`simworld.crs.adapters`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypedDict, Unpack, runtime_checkable
from urllib.parse import quote, urlsplit, urlunsplit

import aiohttp
import numpy as np
from aiolimiter import AsyncLimiter

from simworld.crs.protocol import CRSReply, RecItem
from simworld.errors import ConfigError

__all__ = [
    "CRSClient",
    "HTTPResult",
    "HTTPTransport",
    "ParsedReply",
    "ProtocolV1Client",
    "ResponseShapeError",
    "TransportOptions",
    "public_url",
]

log = logging.getLogger(__name__)

#: ``error`` kinds a reply can carry besides ``http_<status>``.
ERROR_KINDS = ("timeout", "connection", "rate_limited", "bad_response")
_DETAIL_MAX = 200
_MAX_EXPONENT = 60


@runtime_checkable
class CRSClient(Protocol):
    """What the engine needs from an endpoint client, whatever protocol it speaks."""

    name: str

    @property
    def stats(self) -> dict[str, int]: ...

    async def turn(self, session_id: str, user_id: str, text: str) -> CRSReply: ...

    async def end_session(self, session_id: str) -> None: ...

    def describe(self) -> dict[str, object]: ...

    async def aclose(self) -> None: ...


class TransportOptions(TypedDict, total=False):
    """Limits and retry settings every client accepts as keywords (defaults in HTTPTransport)."""

    max_concurrency: int
    rate_limit: float | None
    rate_burst: float
    timeout_s: float
    retries: int
    backoff_base_s: float
    backoff_max_s: float
    rng: np.random.Generator | None
    headers: Mapping[str, str] | None


class ResponseShapeError(ValueError):
    """A 2xx body that does not have the shape the client expects (becomes ``bad_response``)."""


@dataclass(frozen=True, slots=True)
class ParsedReply:
    """What a client's body parser extracts from a decoded JSON document."""

    text: str
    items: tuple[RecItem, ...] = ()
    done: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HTTPResult:
    """The outcome of one logical request (all its attempts).

    ``error`` is None when a response with a 2xx status arrived (``body`` holds it), else the
    error kind of the last attempt. Times are milliseconds: ``elapsed_ms`` covers the whole
    call (queueing, retries, backoff), ``last_attempt_ms`` the last request on the wire,
    ``queue_ms`` the time spent waiting for the concurrency cap and the rate limit.
    """

    status: int | None
    body: bytes
    error: str | None
    detail: str | None
    attempts: int
    elapsed_ms: float
    last_attempt_ms: float
    queue_ms: float


@dataclass(frozen=True, slots=True)
class _Attempt:
    """One request on the wire: a response (``status`` set) or a transport fault (``kind``)."""

    queue_s: float
    wire_s: float
    status: int | None = None
    body: bytes = b""
    reason: str = ""
    retry_after: float | None = None
    kind: str | None = None
    detail: str | None = None


def public_url(url: str) -> str:
    """``url`` without user-info, query or fragment: safe to show in manifests and logs."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_base_url(url: object, *, name: str, field_name: str = "base_url") -> str:
    """Validate an ``http(s)://host[:port][/path]`` URL; return it without a trailing slash."""
    where = f"endpoint {name}: {field_name}"
    if not isinstance(url, str):
        raise ConfigError.expected("an http(s) URL string", url, field=where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError.expected("an http:// or https:// URL with a host", url, field=where)
    return url.rstrip("/")


def one_line(text: str, limit: int = _DETAIL_MAX) -> str:
    """Collapse whitespace to single spaces and cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date); None if unusable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


class HTTPTransport:
    """Concurrency cap, rate limit, timeout and retries around one shared aiohttp session.

    One transport per endpoint client. Retries happen on connection errors, timeouts, 5xx and
    429; any other status is final. Between attempts the transport sleeps
    ``uniform(0, min(backoff_max_s, backoff_base_s * 2**attempt))`` ("full jitter"), or the
    server's ``Retry-After`` (capped by ``backoff_max_s``) when it sent one. The concurrency
    slot is held only while a request is on the wire, not during backoff.

    ``headers`` (for example an ``Authorization`` value the caller built from an environment
    variable) are sent with every request and never logged, described or put in an error.
    """

    def __init__(
        self,
        *,
        name: str,
        http: aiohttp.ClientSession,
        max_concurrency: int = 64,
        rate_limit: float | None = None,
        rate_burst: float = 1.0,
        timeout_s: float = 30.0,
        retries: int = 3,
        backoff_base_s: float = 0.2,
        backoff_max_s: float = 5.0,
        rng: np.random.Generator | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        def bad(field_name: str, allowed: str, got: object) -> ConfigError:
            return ConfigError.expected(allowed, got, field=f"endpoint {name}: {field_name}")

        if not is_int(max_concurrency) or max_concurrency < 1:
            raise bad("max_concurrency", "an integer >= 1", max_concurrency)
        if rate_limit is not None and not (_is_positive(rate_limit)):
            raise bad("rate_limit", "a number of requests per second > 0, or null", rate_limit)
        if not is_number(rate_burst) or rate_burst < 1:
            raise bad("rate_burst", "a number >= 1", rate_burst)
        if not _is_positive(timeout_s):
            raise bad("timeout_s", "a number of seconds > 0", timeout_s)
        if not is_int(retries) or retries < 0:
            raise bad("retries", "an integer >= 0", retries)
        if not is_number(backoff_base_s) or backoff_base_s < 0:
            raise bad("backoff_base_s", "a number of seconds >= 0", backoff_base_s)
        if not is_number(backoff_max_s) or backoff_max_s < 0:
            raise bad("backoff_max_s", "a number of seconds >= 0", backoff_max_s)
        if headers is not None and not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise bad("headers", "a mapping of header names to string values", "<redacted>")

        self.name = name
        self.max_concurrency = max_concurrency
        self.rate_limit = None if rate_limit is None else float(rate_limit)
        self.rate_burst = float(rate_burst)
        self.timeout_s = float(timeout_s)
        self.retries = retries
        self.backoff_base_s = float(backoff_base_s)
        self.backoff_max_s = float(backoff_max_s)
        self._http = http
        self._rng = rng if rng is not None else np.random.default_rng(0)
        self._headers: dict[str, str] = dict(headers or {})
        self._sem = asyncio.Semaphore(max_concurrency)
        self._limiter: AsyncLimiter | None = None
        if self.rate_limit is not None:
            # A bucket of ``rate_burst`` requests that drains at ``rate_limit`` per second.
            self._limiter = AsyncLimiter(self.rate_burst, self.rate_burst / self.rate_limit)
        self.stats: dict[str, int] = {
            "turns": 0,
            "requests": 0,
            "retries": 0,
            "errors": 0,
            "end_sessions": 0,
            "end_session_errors": 0,
        }

    def __repr__(self) -> str:
        return f"HTTPTransport(name={self.name!r}, limits={self.limits()!r})"

    def limits(self) -> dict[str, object]:
        """The limits in force, for ``describe()`` (no headers)."""
        return {
            "max_concurrency": self.max_concurrency,
            "rate_limit": self.rate_limit,
            "rate_burst": self.rate_burst,
            "timeout_s": self.timeout_s,
            "retries": self.retries,
            "backoff_base_s": self.backoff_base_s,
            "backoff_max_s": self.backoff_max_s,
        }

    def backoff_delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        if retry_after is not None:
            return min(retry_after, self.backoff_max_s)
        cap = min(self.backoff_max_s, self.backoff_base_s * 2.0 ** min(attempt, _MAX_EXPONENT))
        return float(self._rng.uniform(0.0, cap)) if cap > 0 else 0.0

    def count_error(self, kind: str) -> None:
        self.stats["errors"] += 1
        key = f"error.{kind}"
        self.stats[key] = self.stats.get(key, 0) + 1

    async def request(self, method: str, url: str, *, json_body: object = None) -> HTTPResult:
        """Send one logical request (with retries). Never raises for endpoint faults."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        queue_s = 0.0
        attempt = 0
        while True:
            a = await self._send_once(method, url, json_body)
            queue_s += a.queue_s
            kind, detail, retryable = a.kind, a.detail, a.kind is not None
            if a.status is not None:
                if 200 <= a.status < 300:
                    return self._result(a, None, None, attempt, start, queue_s)
                kind = "rate_limited" if a.status == 429 else f"http_{a.status}"
                detail = one_line(f"HTTP {a.status} {a.reason}".strip())
                retryable = a.status == 429 or a.status >= 500
            assert kind is not None
            if not retryable or attempt >= self.retries:
                if attempt > 0:
                    detail = f"{detail} (after {attempt + 1} attempts)"
                return self._result(a, kind, detail, attempt, start, queue_s)
            delay = self.backoff_delay(attempt, a.retry_after)
            log.debug("%s: %s, attempt %d, retry in %.3f s", self.name, kind, attempt + 1, delay)
            self.stats["retries"] += 1
            attempt += 1
            await asyncio.sleep(delay)

    async def _send_once(self, method: str, url: str, json_body: object) -> _Attempt:
        """One request on the wire, under the concurrency cap and the rate limit."""
        loop = asyncio.get_running_loop()
        waited_from = loop.time()
        async with self._sem:
            if self._limiter is not None:
                await self._limiter.acquire()
            sent = loop.time()
            self.stats["requests"] += 1
            try:
                async with (
                    asyncio.timeout(self.timeout_s),
                    self._http.request(method, url, json=json_body, headers=self._headers) as resp,
                ):
                    body = await resp.read()
                    return _Attempt(
                        status=resp.status,
                        body=body,
                        reason=resp.reason or "",
                        retry_after=_parse_retry_after(resp.headers.get("Retry-After")),
                        queue_s=sent - waited_from,
                        wire_s=loop.time() - sent,
                    )
            except TimeoutError:
                kind = "timeout"
                detail = f"no complete response within {self.timeout_s:g} s"
            except (aiohttp.ClientError, OSError) as exc:
                kind = "connection"
                detail = one_line(f"{type(exc).__name__}: {exc}")
            return _Attempt(
                kind=kind, detail=detail, queue_s=sent - waited_from, wire_s=loop.time() - sent
            )

    def _result(
        self,
        last: _Attempt,
        kind: str | None,
        detail: str | None,
        attempt: int,
        start: float,
        queue_s: float,
    ) -> HTTPResult:
        now = asyncio.get_running_loop().time()
        return HTTPResult(
            status=last.status,
            body=last.body,
            error=kind,
            detail=detail,
            attempts=attempt + 1,
            elapsed_ms=(now - start) * 1000.0,
            last_attempt_ms=last.wire_s * 1000.0,
            queue_ms=queue_s * 1000.0,
        )

    async def call(
        self,
        method: str,
        url: str,
        *,
        json_body: object,
        parse: Callable[[Any], ParsedReply],
    ) -> CRSReply:
        """One user turn: request with retries, decode JSON, ``parse`` it, count the outcome.

        ``parse`` receives the decoded JSON document and raises :class:`ResponseShapeError`
        when it is not what the endpoint should send.
        """
        self.stats["turns"] += 1
        res = await self.request(method, url, json_body=json_body)
        extra: dict[str, object] = {
            "last_attempt_ms": res.last_attempt_ms,
            "queue_ms": res.queue_ms,
        }
        error, detail = res.error, res.detail
        parsed: ParsedReply | None = None
        if error is None:
            try:
                parsed = parse(_decode_json(res.body))
            except ResponseShapeError as exc:
                error, detail = "bad_response", one_line(f"HTTP {res.status}: {exc}")
        if parsed is None:
            assert error is not None
            self.count_error(error)
            return CRSReply(
                text="",
                latency_ms=res.elapsed_ms,
                status=res.status,
                error=error,
                error_detail=detail,
                attempts=res.attempts,
                extra=extra,
            )
        extra.update(parsed.extra)
        return CRSReply(
            text=parsed.text,
            items=parsed.items,
            done=parsed.done,
            latency_ms=res.elapsed_ms,
            status=res.status,
            attempts=res.attempts,
            extra=extra,
        )

    async def notify(self, method: str, url: str, *, ok_statuses: tuple[int, ...] = ()) -> bool:
        """A fire-and-forget request (end of session): errors are counted, never raised."""
        self.stats["end_sessions"] += 1
        res = await self.request(method, url)
        if res.error is None or res.status in ok_statuses:
            return True
        self.stats["end_session_errors"] += 1
        log.debug("%s: %s %s failed: %s", self.name, method, public_url(url), res.detail)
        return False


def _decode_json(body: bytes) -> Any:
    if not body.strip():
        raise ResponseShapeError("empty body, expected JSON")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ResponseShapeError(
            f"body is not JSON: {one_line(body[:60].decode('utf-8', 'replace'), 60)!r}"
        ) from None


def is_int(x: object) -> bool:
    """True for a JSON/YAML integer (bools excluded)."""
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: object) -> bool:
    """True for a finite int or float (bools excluded)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _is_positive(x: object) -> bool:
    return is_number(x) and float(x) > 0  # type: ignore[arg-type]


def show(value: object, limit: int = 40) -> str:
    """A short ``repr`` of a value found in a response, for error details."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error details."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def parse_v1_reply(doc: Any) -> ParsedReply:
    """Check a protocol-v1 turn body; missing ``items``/``done``/``score`` take defaults."""
    if not isinstance(doc, dict):
        raise ResponseShapeError(f"expected a JSON object, got {json_type(doc)}")
    text = doc.get("text")
    if not isinstance(text, str):
        raise ResponseShapeError(f"text: expected a string, got {show(text)}")
    raw_items = doc.get("items")
    if raw_items is None:
        raw_items = []
    if not isinstance(raw_items, list):
        raise ResponseShapeError(f"items: expected an array, got {json_type(raw_items)}")
    items: list[RecItem] = []
    for i, raw in enumerate(raw_items):
        if not isinstance(raw, dict):
            raise ResponseShapeError(f"items[{i}]: expected an object, got {json_type(raw)}")
        item_id, title, score = raw.get("id"), raw.get("title"), raw.get("score", 0.0)
        if not isinstance(item_id, str):
            raise ResponseShapeError(f"items[{i}].id: expected a string, got {show(item_id)}")
        if not isinstance(title, str):
            raise ResponseShapeError(f"items[{i}].title: expected a string, got {show(title)}")
        if score is None:
            score = 0.0
        if not is_number(score):
            raise ResponseShapeError(f"items[{i}].score: expected a number, got {show(score)}")
        items.append(RecItem(item_id, title, float(score)))
    done = doc.get("done")
    if done is None:
        done = False
    if not isinstance(done, bool):
        raise ResponseShapeError(f"done: expected true or false, got {show(done)}")
    return ParsedReply(text=text, items=tuple(items), done=done)


class ProtocolV1Client:
    """A CRS that speaks protocol v1 (:mod:`simworld.crs.protocol`), e.g. the reference CRS.

    ``http`` is shared and owned by the caller; :meth:`aclose` leaves it open. Limits and
    retries are :class:`HTTPTransport` keywords (``max_concurrency``, ``rate_limit``,
    ``timeout_s``, ``retries``, ``backoff_base_s``, ``backoff_max_s``, ``rng``, ``headers``...).
    """

    kind = "protocol_v1"

    def __init__(
        self,
        *,
        name: str,
        base_url: str,
        http: aiohttp.ClientSession,
        **options: Unpack[TransportOptions],
    ) -> None:
        self.name = name
        self.base_url = check_base_url(base_url, name=name)
        self._transport = HTTPTransport(name=name, http=http, **options)

    def __repr__(self) -> str:
        return f"ProtocolV1Client(name={self.name!r}, url={public_url(self.base_url)!r})"

    @property
    def stats(self) -> dict[str, int]:
        return self._transport.stats

    def _session_url(self, session_id: str) -> str:
        return f"{self.base_url}/v1/sessions/{quote(session_id, safe='')}"

    async def turn(self, session_id: str, user_id: str, text: str) -> CRSReply:
        """POST one user utterance; the reply (or the endpoint fault) as a CRSReply."""
        return await self._transport.call(
            "POST",
            self._session_url(session_id) + "/turns",
            json_body={"user_id": user_id, "text": text},
            parse=parse_v1_reply,
        )

    async def end_session(self, session_id: str) -> None:
        """DELETE the session (404 counts as already gone); failures only counted in stats."""
        await self._transport.notify("DELETE", self._session_url(session_id), ok_statuses=(404,))

    def describe(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "url": public_url(self.base_url),
            "limits": self._transport.limits(),
        }

    async def aclose(self) -> None:
        """Nothing to release: the aiohttp session belongs to the caller."""
