"""A loopback HTTP server with well-behaved and misbehaving CRS endpoints, for tests.

Start it with ``async with serve_test_crs() as srv:``; it listens on 127.0.0.1 on a free port
and ``srv.url`` is its root. Each *mode prefix* below is a base URL for a client; whatever path
follows the prefix is answered by the well-behaved endpoints listed after it::

    {srv.url}/ok/...                          always well-behaved
    {srv.url}/flaky/{n}/...                   the first n requests to each exact path get 500
    {srv.url}/ratelimited/{n}/{after}/...     the first n requests per path get 429 with
                                              ``Retry-After: {after}`` ("none": no header)
    {srv.url}/status/{code}/...               always status {code}; the body echoes the request's
                                              Authorization header (a client must not show it)
    {srv.url}/hang/...                        waits until ``srv.release`` is set (set on exit)
    {srv.url}/slow/{ms}/...                   holds each request {ms} ms (server-side latency)
    {srv.url}/shape/{kind}/...                a 200 whose body is ``SHAPES[kind]``

Well-behaved endpoints after a prefix:

- ``POST v1/sessions/{sid}/turns``: protocol v1 echo, ``{"text": "echo: ...", "items": [...],
  "done": "bye" in text}``; ``DELETE v1/sessions/{sid}`` → 204; ``GET healthz`` → 200.
- ``POST chat/completions`` (also ``v1/chat/completions``): OpenAI-compatible echo; the reply
  content is ``"({n} messages) you said: {last user message}"``.
- ``* generic/...``: a nested reply for the generic adapter (see :func:`generic_reply`).

Every request is recorded (``srv.requests``: method, path, headers, JSON body, arrival time on
the event loop's clock) and the server tracks in-flight requests (``srv.max_in_flight``).
``await srv.wait_for_requests(n, prefix)`` waits until ``n`` requests under ``prefix`` arrived.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

#: Bodies served by ``/shape/{kind}/``: the first five are valid protocol v1 replies or
#: tolerated variants, the rest must be rejected as ``bad_response``.
SHAPES: dict[str, bytes] = {
    "valid": b'{"text": "hi", "items": [{"id": "m1", "title": "Heat", "score": 0.5}], '
    b'"done": true}',
    "minimal": b'{"text": "hi"}',
    "nulls": b'{"text": "hi", "items": null, "done": null}',
    "no_score": b'{"text": "hi", "items": [{"id": "m1", "title": "Heat"}]}',
    "int_score": b'{"text": "hi", "items": [{"id": "m1", "title": "Heat", "score": 3}]}',
    "not_json": b"<html>Internal error</html>",
    "empty": b"",
    "array": b'[{"text": "hi"}]',
    "text_not_str": b'{"text": 5}',
    "text_missing": b'{"items": []}',
    "items_not_list": b'{"text": "hi", "items": {"id": "m1"}}',
    "item_not_object": b'{"text": "hi", "items": ["m1"]}',
    "id_not_str": b'{"text": "hi", "items": [{"id": 7, "title": "Heat"}]}',
    "title_missing": b'{"text": "hi", "items": [{"id": "m1"}]}',
    "score_not_number": b'{"text": "hi", "items": [{"id": "m1", "title": "Heat", "score": "x"}]}',
    "score_bool": b'{"text": "hi", "items": [{"id": "m1", "title": "Heat", "score": true}]}',
    "done_not_bool": b'{"text": "hi", "done": "yes"}',
    "bad_utf8": b'{"text": "\xff\xfe"}',
}
VALID_SHAPES = ("valid", "minimal", "nulls", "no_score", "int_score")

# Session ids may contain "/" (sent as %2F); the router hands over the decoded path.
_TURN = re.compile(r"v1/sessions/(.+)/turns")
_SESSION = re.compile(r"v1/sessions/(.+)")
_BODY = web.RequestKey("json_body", object)


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    method: str
    path: str  # decoded
    raw_path: str  # as sent, percent-encoding intact
    headers: dict[str, str]
    body: object
    t: float


@dataclass
class TestCRSServer:
    """State of a running :func:`serve_test_crs` server, inspected by tests."""

    __test__ = False  # not a pytest test class

    url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    _counts: dict[str, int] = field(default_factory=dict)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def requests_to(self, prefix: str) -> list[RecordedRequest]:
        """Recorded requests whose path starts with ``prefix`` (e.g. ``"/flaky/2/"``)."""
        return [r for r in self.requests if r.path.startswith(prefix)]

    async def wait_for_requests(self, n: int, prefix: str = "/") -> None:
        """Wait until at least ``n`` requests under ``prefix`` have arrived."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.requests_to(prefix)) >= n)

    def _count(self, path: str) -> int:
        """How many requests reached ``path`` before this one."""
        seen = self._counts.get(path, 0)
        self._counts[path] = seen + 1
        return seen


def generic_reply(body: object) -> dict[str, object]:
    """The nested reply of the ``generic/`` endpoint: echoes the request body it got."""
    return {
        "data": {
            "reply": {"text": "got " + json.dumps(body, sort_keys=True)},
            "recs": [
                {"movie_id": 101, "name": "Heat", "relevance": 0.9},
                {"movie_id": "m2", "name": "Alien", "relevance": 0.4},
            ],
            "finished": True,
        }
    }


def _ok(request: web.Request, tail: str, body: object) -> web.Response:
    """The well-behaved endpoint answering ``tail`` (the path after the mode prefix)."""
    tail = tail.strip("/")
    parts = tail.split("/")
    method = request.method
    turn = _TURN.fullmatch(tail)
    if turn is not None:
        if method != "POST" or not isinstance(body, dict):
            return web.json_response({"error": "expected a JSON object"}, status=400)
        text = str(body.get("text", ""))
        return web.json_response(
            {
                "text": f"echo: {text}",
                "items": [{"id": "m1", "title": "Heat", "score": 0.9}],
                "done": "bye" in text,
            }
        )
    if _SESSION.fullmatch(tail) is not None and method == "DELETE":
        return web.Response(status=204)
    if tail == "healthz":
        return web.Response(text="ok")
    if parts[-2:] == ["chat", "completions"] and method == "POST" and isinstance(body, dict):
        messages = body.get("messages")
        if not isinstance(messages, list):
            return web.json_response({"error": "messages must be an array"}, status=400)
        users = [m.get("content") for m in messages if m.get("role") == "user"]
        content = f"({len(messages)} messages) you said: {users[-1] if users else ''}"
        return web.json_response(
            {
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": len(messages), "completion_tokens": 1},
            }
        )
    if parts[0] == "generic":
        return web.json_response(generic_reply(body))
    return web.json_response({"error": f"no endpoint {method} {tail}"}, status=404)


def _app(srv: TestCRSServer) -> web.Application:
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: object = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request[_BODY] = body
        srv.requests.append(
            RecordedRequest(
                request.method,
                request.path,
                request.raw_path,
                dict(request.headers),
                body,
                asyncio.get_running_loop().time(),
            )
        )
        async with srv._arrived:
            srv._arrived.notify_all()
        srv.in_flight += 1
        srv.max_in_flight = max(srv.max_in_flight, srv.in_flight)
        try:
            return await handler(request)
        finally:
            srv.in_flight -= 1

    async def ok(request: web.Request) -> web.StreamResponse:
        return _ok(request, request.match_info["tail"], request[_BODY])

    async def flaky(request: web.Request) -> web.StreamResponse:
        if srv._count(request.path) < int(request.match_info["n"]):
            return web.json_response({"error": "planned failure"}, status=500)
        return await ok(request)

    async def ratelimited(request: web.Request) -> web.StreamResponse:
        if srv._count(request.path) < int(request.match_info["n"]):
            after = request.match_info["after"]
            headers = {} if after == "none" else {"Retry-After": after}
            return web.json_response({"error": "slow down"}, status=429, headers=headers)
        return await ok(request)

    async def status(request: web.Request) -> web.StreamResponse:
        echoed = request.headers.get("Authorization", "")
        return web.json_response(
            {"error": "planned status", "authorization": echoed},
            status=int(request.match_info["code"]),
        )

    async def hang(request: web.Request) -> web.StreamResponse:
        await srv.release.wait()
        return await ok(request)

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(int(request.match_info["ms"]) / 1000.0)
        return await ok(request)

    async def shape(request: web.Request) -> web.StreamResponse:
        kind = request.match_info["kind"]
        if kind not in SHAPES:
            return web.json_response({"error": f"unknown shape {kind}"}, status=404)
        return web.Response(body=SHAPES[kind], content_type="application/json")

    app = web.Application(middlewares=[record])
    tail = "{tail:.*}"
    app.router.add_route("*", f"/ok/{tail}", ok)
    app.router.add_route("*", rf"/flaky/{{n:\d+}}/{tail}", flaky)
    app.router.add_route("*", rf"/ratelimited/{{n:\d+}}/{{after:[^/]+}}/{tail}", ratelimited)
    app.router.add_route("*", rf"/status/{{code:\d+}}/{tail}", status)
    app.router.add_route("*", f"/hang/{tail}", hang)
    app.router.add_route("*", rf"/slow/{{ms:\d+}}/{tail}", slow)
    app.router.add_route("*", f"/shape/{{kind:[a-z_0-9]+}}/{tail}", shape)
    return app


@asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) for the duration of the block; yields the
    root URL (``http://127.0.0.1:PORT``). Every loopback test server goes through this."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def serve_test_crs() -> AsyncIterator[TestCRSServer]:
    """Run the test server on 127.0.0.1 (free port) for the duration of the block."""
    srv = TestCRSServer()
    async with serve_app(_app(srv)) as url:
        srv.url = url
        try:
            yield srv
        finally:
            srv.release.set()  # let hanging handlers finish so shutdown does not wait on them


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
