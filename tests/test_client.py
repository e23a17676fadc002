"""Endpoint clients against a real loopback server with misbehaving routes (tests/servers.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Unpack

import aiohttp
import numpy as np
import pytest
from servers import SHAPES, VALID_SHAPES, TestCRSServer, closed_port, serve_test_crs

from simworld.catalog import Catalog, Item
from simworld.crs.adapters import FieldPath, GenericHTTPClient, OpenAIChatCRSClient, fill_template
from simworld.crs.client import (
    CRSClient,
    HTTPTransport,
    ProtocolV1Client,
    ResponseShapeError,
    TransportOptions,
    _parse_retry_after,
    public_url,
)
from simworld.crs.protocol import RecItem
from simworld.errors import ConfigError

SECRET = "Bearer sk-test-0123456789"
GUARD_S = 10.0  # upper bound on waits that should end much sooner; never a speed assertion


@asynccontextmanager
async def harness() -> AsyncIterator[tuple[TestCRSServer, aiohttp.ClientSession]]:
    async with serve_test_crs() as srv, aiohttp.ClientSession() as http:
        yield srv, http


def fast(options: TransportOptions) -> TransportOptions:
    """Options with tiny backoff (tests should not wait for jitter) and a seeded rng."""
    merged: TransportOptions = {
        "backoff_base_s": 0.001,
        "backoff_max_s": 0.01,
        "rng": np.random.default_rng(7),
    }
    merged.update(options)
    return merged


def v1(
    http: aiohttp.ClientSession, base: str, **options: Unpack[TransportOptions]
) -> ProtocolV1Client:
    return ProtocolV1Client(name="crs", base_url=base, http=http, **fast(options))


def tiny_catalog() -> Catalog:
    def item(item_id: str, title: str, year: int) -> Item:
        return Item(item_id, title, year, ("Drama",), (), 1.0)

    return Catalog(
        (item("m1", "Heat", 1995), item("m2", "The Matrix", 1999), item("m3", "Alien", 1979))
    )


# -- protocol v1: success and retries ---------------------------------------------------------


async def test_turn_roundtrip_sends_v1_body_and_parses_reply() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/ok/")
        reply = await client.turn("s/1 x", "u1", "hello, bye")
        assert reply.ok and reply.attempts == 1 and reply.status == 200
        assert reply.text == "echo: hello, bye"
        assert reply.items == (RecItem("m1", "Heat", 0.9),)
        assert reply.done is True
        assert reply.latency_ms >= reply.extra["last_attempt_ms"]  # type: ignore[operator]
        (req,) = srv.requests
        assert req.method == "POST"
        assert req.raw_path == "/ok/v1/sessions/s%2F1%20x/turns"  # the id stays one segment
        assert req.body == {"user_id": "u1", "text": "hello, bye"}
        assert client.stats["turns"] == 1 and client.stats["requests"] == 1
        assert client.stats["errors"] == 0


async def test_retries_5xx_then_succeeds_and_counts_attempts() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/flaky/2", retries=3)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.ok and reply.attempts == 3 and reply.text == "echo: hi"
        assert len(srv.requests_to("/flaky/2/")) == 3
        assert client.stats["requests"] == 3 and client.stats["retries"] == 2
        assert reply.latency_ms >= reply.extra["last_attempt_ms"]  # type: ignore[operator]
        # the failure count is per session: another session fails twice again, then succeeds
        assert (await client.turn("s2", "u1", "hi")).attempts == 3


async def test_gives_up_after_retries_and_records_error_without_raising() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/flaky/10", retries=2)
        reply = await client.turn("s1", "u1", "hi")
        assert not reply.ok
        assert reply.error == "http_500" and reply.status == 500
        assert reply.attempts == 3 and reply.text == "" and reply.items == ()
        assert reply.error_detail is not None and "\n" not in reply.error_detail
        assert "500" in reply.error_detail and "3 attempts" in reply.error_detail
        assert len(srv.requests) == 3
        assert client.stats["errors"] == 1 and client.stats["error.http_500"] == 1


async def test_429_waits_for_retry_after_then_succeeds() -> None:
    async with harness() as (srv, http):
        # zero backoff: any wait between the two requests comes from Retry-After
        client = v1(http, f"{srv.url}/ratelimited/1/0.3", backoff_base_s=0.0, backoff_max_s=5.0)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.ok and reply.attempts == 2
        first, second = srv.requests
        assert second.t - first.t >= 0.3 * 0.9  # lower bound, measured server-side


async def test_429_without_retry_after_gives_up_as_rate_limited() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/ratelimited/9/none", retries=1)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == "rate_limited" and reply.status == 429 and reply.attempts == 2
        assert client.stats["error.rate_limited"] == 1


async def test_backoff_is_full_jitter_capped_and_retry_after_is_capped() -> None:
    async with aiohttp.ClientSession() as http:
        a, b = (
            HTTPTransport(
                name=n,
                http=http,
                rng=np.random.default_rng(3),
                backoff_base_s=0.1,
                backoff_max_s=0.5,
            )
            for n in "ab"
        )
    delays = [a.backoff_delay(n) for n in range(8) for _ in range(50)]
    assert delays == [b.backoff_delay(n) for n in range(8) for _ in range(50)]  # seeded
    for n in range(8):
        cap = min(0.5, 0.1 * 2**n)
        chunk = delays[n * 50 : (n + 1) * 50]
        assert all(0.0 <= d <= cap for d in chunk)
        assert max(chunk) > cap / 2  # spread over the range, not a constant
    assert a.backoff_delay(0, retry_after=100.0) == 0.5  # the server's wait, capped
    assert a.backoff_delay(5, retry_after=0.25) == 0.25


def test_retry_after_header_forms() -> None:
    assert _parse_retry_after("2") == 2.0
    assert _parse_retry_after(" 0.5 ") == 0.5
    assert _parse_retry_after("-3") == 0.0
    assert _parse_retry_after("soon") is None
    assert _parse_retry_after(None) is None
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past


# -- protocol v1: faults that end a call ------------------------------------------------------


async def test_timeout_is_an_error_kind_and_is_retried() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/hang", timeout_s=0.2, retries=1)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == "timeout" and reply.status is None and reply.attempts == 2
        assert reply.error_detail is not None and "0.2 s" in reply.error_detail
        assert len(srv.requests_to("/hang/")) == 2
        assert client.stats["error.timeout"] == 1


@pytest.mark.parametrize("code", [400, 401, 404, 422])
async def test_4xx_is_not_retried(code: int) -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/status/{code}", retries=3)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == f"http_{code}" and reply.status == code and reply.attempts == 1
        assert len(srv.requests) == 1 and client.stats["retries"] == 0


async def test_5xx_status_is_retried_up_to_the_limit() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/status/503", retries=2)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == "http_503" and reply.attempts == 3 and len(srv.requests) == 3


@pytest.mark.parametrize("kind", sorted(set(SHAPES) - set(VALID_SHAPES)))
async def test_malformed_bodies_are_bad_response(kind: str) -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/shape/{kind}", retries=3)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == "bad_response", reply
        assert reply.status == 200 and reply.attempts == 1  # a body problem is not retried
        assert reply.error_detail is not None and "\n" not in reply.error_detail
        assert len(reply.error_detail) <= 200
        assert client.stats["error.bad_response"] == 1


@pytest.mark.parametrize("kind", VALID_SHAPES)
async def test_tolerated_bodies_take_defaults(kind: str) -> None:
    async with harness() as (srv, http):
        reply = await v1(http, f"{srv.url}/shape/{kind}").turn("s1", "u1", "hi")
        assert reply.ok and reply.text == "hi"
        expected = {
            "valid": ((RecItem("m1", "Heat", 0.5),), True),
            "minimal": ((), False),
            "nulls": ((), False),
            "no_score": ((RecItem("m1", "Heat", 0.0),), False),
            "int_score": ((RecItem("m1", "Heat", 3.0),), False),
        }[kind]
        assert (reply.items, reply.done) == expected


async def test_connection_refused_is_connection_error() -> None:
    async with aiohttp.ClientSession() as http:
        client = v1(http, f"http://127.0.0.1:{closed_port()}", retries=1)
        reply = await client.turn("s1", "u1", "hi")
        assert reply.error == "connection" and reply.status is None and reply.attempts == 2
        assert reply.error_detail and "\n" not in reply.error_detail
        assert client.stats["requests"] == 2 and client.stats["error.connection"] == 1


async def test_cancellation_propagates() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/hang", timeout_s=60.0, retries=3)
        task = asyncio.create_task(client.turn("s1", "u1", "hi"))
        async with asyncio.timeout(GUARD_S):
            await srv.wait_for_requests(1, "/hang/")
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert client.stats["errors"] == 0 and client.stats["retries"] == 0


# -- limits -----------------------------------------------------------------------------------


async def test_concurrency_cap_is_never_exceeded() -> None:
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/slow/30", max_concurrency=3)
        replies = await asyncio.gather(*(client.turn(f"s{i}", "u", "hi") for i in range(24)))
        assert all(r.ok for r in replies)
        assert len(srv.requests) == 24
        assert 2 <= srv.max_in_flight <= 3
    async with harness() as (srv, http):  # control: without the cap the server sees more
        client = v1(http, f"{srv.url}/slow/30", max_concurrency=24)
        await asyncio.gather(*(client.turn(f"s{i}", "u", "hi") for i in range(24)))
        assert srv.max_in_flight > 3


async def test_rate_limit_spaces_requests_at_least_by_the_leaky_bucket_minimum() -> None:
    rate, n = 20.0, 6
    async with harness() as (srv, http):
        client = v1(http, f"{srv.url}/ok", rate_limit=rate)  # burst 1: one request per 1/rate
        replies = await asyncio.gather(*(client.turn(f"s{i}", "u", "hi") for i in range(n)))
        assert all(r.ok for r in replies)
        times = sorted(r.t for r in srv.requests)
        assert times[-1] - times[0] >= (n - 1) / rate * 0.9  # lower bound only
        assert client.describe()["limits"]["rate_limit"] == rate  # type: ignore[index]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_concurrency", 0),
        ("rate_limit", 0),
        ("timeout_s", -1),
        ("retries", -1),
        ("retries", 1.5),
        ("backoff_max_s", "x"),
    ],
)
async def test_bad_limits_raise_config_error_naming_the_field(option: str, value: object) -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(ConfigError, match=f"endpoint crs: {option}: expected"):
            ProtocolV1Client(name="crs", base_url="http://h", http=http, **{option: value})  # type: ignore[arg-type]


async def test_bad_base_url_raises_config_error() -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(ConfigError, match=r'base_url: expected an http.*got "ftp://x"'):
            ProtocolV1Client(name="crs", base_url="ftp://x", http=http)


# -- secrets ----------------------------------------------------------------------------------


async def test_headers_reach_server_but_never_describe_or_error_detail() -> None:
    async with harness() as (srv, http):
        headers = {"Authorization": SECRET}
        clients: list[CRSClient] = [
            v1(http, f"{srv.url}/status/401", headers=headers, retries=0),
            v1(http, f"{srv.url}/status/500", headers=headers, retries=1),
            OpenAIChatCRSClient(
                name="llm",
                base_url=f"{srv.url}/status/500",
                http=http,
                model="m",
                **fast({"headers": headers, "retries": 0}),
            ),
            GenericHTTPClient(
                name="gen",
                url_template=f"{srv.url}/status/500/generic",
                http=http,
                text_path="data.reply.text",
                body_template={"q": "{text}"},
                **fast({"headers": headers, "retries": 0}),
            ),
        ]
        for client in clients:
            reply = await client.turn("s1", "u1", "hi")
            assert reply.error is not None and reply.error.startswith("http_")
            shown = json.dumps(client.describe()) + repr(client) + str(reply.error_detail)
            assert "sk-test" not in shown and "Authorization" not in shown
        assert all(r.headers.get("Authorization") == SECRET for r in srv.requests)
        assert len(srv.requests) == 5


def test_public_url_drops_credentials_and_query() -> None:
    assert public_url("https://me:pw@api.x.org:8443/v1?key=abc#f") == "https://api.x.org:8443/v1"


# -- end_session, describe, protocol ----------------------------------------------------------


async def test_end_session_sends_delete_and_swallows_failures() -> None:
    async with harness() as (srv, http):
        ok = v1(http, f"{srv.url}/ok")
        await ok.end_session("s 1")
        (req,) = srv.requests
        assert req.method == "DELETE" and req.raw_path == "/ok/v1/sessions/s%201"
        assert ok.stats["end_sessions"] == 1 and ok.stats["end_session_errors"] == 0
        failing = v1(http, f"{srv.url}/status/500", retries=1)
        await failing.end_session("s1")  # does not raise
        assert failing.stats["end_session_errors"] == 1 and failing.stats["requests"] == 2
        gone = v1(http, f"{srv.url}/status/404")
        await gone.end_session("s1")
        assert gone.stats["end_session_errors"] == 0  # already gone is fine
        await ok.aclose()
        assert not http.closed  # the shared session belongs to the caller


async def test_describe_and_client_protocol() -> None:
    async with aiohttp.ClientSession() as http:
        client = v1(http, "http://127.0.0.1:9/crs/", max_concurrency=5, timeout_s=2.0)
        d = client.describe()
        assert d["kind"] == "protocol_v1" and d["name"] == "crs"
        assert d["url"] == "http://127.0.0.1:9/crs"
        assert d["limits"] == {
            "max_concurrency": 5,
            "rate_limit": None,
            "rate_burst": 1.0,
            "timeout_s": 2.0,
            "retries": 3,
            "backoff_base_s": 0.001,
            "backoff_max_s": 0.01,
        }
        llm = OpenAIChatCRSClient(name="l", base_url="http://h/v1", http=http, model="m")
        gen = GenericHTTPClient(
            name="g", url_template="http://h/{session_id}", http=http, text_path="t"
        )
        for c in (client, llm, gen):
            assert isinstance(c, CRSClient)
            json.dumps(c.describe())  # JSON-ready for the manifest


# -- OpenAI-compatible adapter ----------------------------------------------------------------


async def test_openai_adapter_keeps_history_per_session_and_maps_titles() -> None:
    async with harness() as (srv, http):
        client = OpenAIChatCRSClient(
            name="llm",
            base_url=f"{srv.url}/ok/v1",
            http=http,
            model="tiny",
            catalog=tiny_catalog(),
            system_prompt="Recommend films.",
            temperature=0.2,
            max_tokens=64,
            **fast({}),
        )
        r1 = await client.turn("a", "u1", "I loved The Matrix")
        assert r1.ok and r1.text == "(2 messages) you said: I loved The Matrix"
        assert r1.items == (RecItem("m2", "The Matrix (1999)", 1.0),)
        assert r1.done is False and r1.extra["prompt_tokens"] == 2
        r2 = await client.turn("a", "u1", "Something like Heat or Alien?")
        assert r2.text.startswith("(4 messages)")
        assert [i.id for i in r2.items] == ["m1", "m3"]
        rb = await client.turn("b", "u2", "hello")  # another session starts fresh
        assert rb.text.startswith("(2 messages)")
        sent = srv.requests[1].body
        assert isinstance(sent, dict)
        assert sent["model"] == "tiny" and sent["temperature"] == 0.2 and sent["max_tokens"] == 64
        assert sent["messages"] == [
            {"role": "system", "content": "Recommend films."},
            {"role": "user", "content": "I loved The Matrix"},
            {"role": "assistant", "content": r1.text},
            {"role": "user", "content": "Something like Heat or Alien?"},
        ]
        assert srv.requests[0].path == "/ok/v1/chat/completions"
        await client.end_session("a")
        assert client.history("a") == []
        assert (await client.turn("a", "u1", "again")).text.startswith("(2 messages)")


async def test_openai_adapter_bounds_history_and_skips_failed_turns() -> None:
    async with harness() as (srv, http):
        client = OpenAIChatCRSClient(
            name="llm",
            base_url=f"{srv.url}/ok",
            http=http,
            model="m",
            max_history_messages=2,
            **fast({}),
        )
        for i in range(3):
            await client.turn("a", "u", f"turn {i}")
        assert client.history("a")[0]["content"] == "turn 2"
        assert len(client.history("a")) == 2
        last = srv.requests[-1].body
        assert isinstance(last, dict) and len(last["messages"]) == 4  # system + 2 kept + new

        failing = OpenAIChatCRSClient(
            name="llm", base_url=f"{srv.url}/flaky/1", http=http, model="m", **fast({"retries": 0})
        )
        bad = await failing.turn("a", "u", "first")
        assert bad.error == "http_500" and failing.history("a") == []
        good = await failing.turn("a", "u", "second")
        assert good.ok and good.text.startswith("(2 messages)")


@pytest.mark.parametrize("kind", ["valid", "array", "not_json"])
async def test_openai_adapter_rejects_non_chat_bodies(kind: str) -> None:
    async with harness() as (srv, http):
        client = OpenAIChatCRSClient(
            name="llm", base_url=f"{srv.url}/shape/{kind}", http=http, model="m", **fast({})
        )
        reply = await client.turn("a", "u", "hi")
        assert reply.error == "bad_response" and client.history("a") == []


# -- generic adapter --------------------------------------------------------------------------


async def test_generic_adapter_fills_templates_safely_and_reads_field_paths() -> None:
    async with harness() as (srv, http):
        client = GenericHTTPClient(
            name="gen",
            url_template=f"{srv.url}/ok/generic/{{session_id}}/say",
            http=http,
            method="post",
            body_template={
                "conv": {"id": "{session_id}", "meta": [1, True, None]},
                "who": "user-{user_id}",
                "msg": "{text}",
                "literal": "{{text}}",
            },
            text_path="data.reply.text",
            item_ids_path="data.recs[].movie_id",
            item_titles_path="data.recs[].name",
            item_scores_path="data.recs[].relevance",
            done_path="data.finished",
            **fast({}),
        )
        text = 'say "hi"\\ and {user_id}\nthen }{ stop'
        reply = await client.turn("s/9", "u7", text)
        assert reply.ok, reply
        (req,) = srv.requests
        assert req.method == "POST" and req.raw_path == "/ok/generic/s%2F9/say"
        assert req.body == {
            "conv": {"id": "s/9", "meta": [1, True, None]},
            "who": "user-u7",
            "msg": text,  # placeholders inside the value are not expanded again
            "literal": "{text}",
        }
        assert reply.text.startswith("got ")
        assert reply.items == (RecItem("101", "Heat", 0.9), RecItem("m2", "Alien", 0.4))
        assert reply.done is True
        d = client.describe()
        assert d["kind"] == "generic_http" and d["item_ids_path"] == "data.recs[].movie_id"


async def test_generic_adapter_index_paths_and_missing_fields() -> None:
    async with harness() as (srv, http):
        indexed = GenericHTTPClient(
            name="gen",
            url_template=f"{srv.url}/ok/generic",
            http=http,
            text_path="data.recs[1].name",
            **fast({}),
        )
        reply = await indexed.turn("s", "u", "x")
        assert reply.ok and reply.text == "Alien" and reply.items == () and reply.done is False
        assert srv.requests[-1].body is None  # no body template: no body
        missing = GenericHTTPClient(
            name="gen",
            url_template=f"{srv.url}/ok/generic",
            http=http,
            text_path="data.reply.words",
            **fast({}),
        )
        bad = await missing.turn("s", "u", "x")
        assert bad.error == "bad_response" and bad.error_detail is not None
        assert "data.reply.words" in bad.error_detail


def test_field_path_parsing_and_lookup() -> None:
    doc = {"a": {"b": [{"c": 1}, {"c": 2}], "n": None}, "top": [[5, 6]]}
    assert FieldPath.parse("a.b[].c", field="f").get(doc) == [1, 2]
    assert FieldPath.parse("a.b[1].c", field="f").get(doc) == 2
    assert FieldPath.parse("top[0][1]", field="f").get(doc) == 6
    assert FieldPath.parse("top[][0]", field="f").get(doc) == [5]
    assert FieldPath.parse("a.zzz.c", field="f").get(doc) is None
    assert FieldPath.parse("a.n.c", field="f").get(doc) is None
    assert FieldPath.parse("a.b[9].c", field="f").get(doc) is None
    with pytest.raises(ResponseShapeError, match=r"a\.b\[1\]: missing key 'd'"):
        FieldPath.parse("a.b[].d", field="f").get({"a": {"b": [{"d": 1}, {"c": 2}]}})
    with pytest.raises(ResponseShapeError, match=r"a\.b: expected an object"):
        FieldPath.parse("a.b.c", field="f").get(doc)
    for bad in ["", "a..b", "a.b[x]", "a[].b[]", "a]"]:
        with pytest.raises(ConfigError, match=r"paths\.text: expected"):
            FieldPath.parse(bad, field="paths.text")


async def test_generic_adapter_config_errors_name_the_field() -> None:
    async with aiohttp.ClientSession() as http:
        with pytest.raises(ConfigError, match=r"body_template\.q: expected placeholders.*\{who\}"):
            GenericHTTPClient(
                name="g",
                url_template="http://h/x",
                http=http,
                text_path="t",
                body_template={"q": "{who}"},
            )
        with pytest.raises(ConfigError, match="url_template: expected an http"):
            GenericHTTPClient(name="g", url_template="{text}", http=http, text_path="t")
        with pytest.raises(ConfigError, match="text_path: expected a path to one string"):
            GenericHTTPClient(name="g", url_template="http://h", http=http, text_path="a[].b")
        with pytest.raises(ConfigError, match="method: expected one of"):
            GenericHTTPClient(
                name="g", url_template="http://h", http=http, text_path="t", method="BREW"
            )


def test_fill_template_is_single_pass() -> None:
    values = {"session_id": "{text}", "user_id": "u", "text": "T"}
    assert fill_template({"{user_id}": ["{session_id}", 3]}, values) == {"u": ["{text}", 3]}
