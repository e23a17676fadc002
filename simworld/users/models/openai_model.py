"""A user model backed by any OpenAI-compatible chat-completions server.

Works with OpenAI itself and with anything that speaks ``POST {base_url}/chat/completions``:
vLLM, Ollama, llama.cpp's ``llama_cpp.server``, TGI, LM Studio... ``base_url`` includes the
API prefix, as in the OpenAI SDK (``http://127.0.0.1:8000/v1``).

Transport concerns live here -- concurrency cap, rate limit, timeouts, retries with
exponential backoff and jitter, an optional on-disk response cache, the API key -- while the
prompting, guards, modes, fallbacks and recorded facts are shared with the local model in
:class:`simworld.users.models.llm_base.LLMUserModel`.

The API key is read once, at construction, from the environment variable *named* by
``api_key_env``; it is sent as ``Authorization: Bearer`` and appears nowhere else (not in
``describe()``, meta, errors, the cache or ``repr``). The endpoint can come from the
environment too: ``base_url_env`` names a variable whose value, when set and non-empty,
replaces ``base_url`` (see :func:`resolve_base_url`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import numpy as np
from aiolimiter import AsyncLimiter

from simworld.errors import ConfigError, EndpointError
from simworld.users.models.llm_base import Generation, LLMUserModel

_RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_MAX_BACKOFF_S = 30.0


class _Secret:
    """Holds the API key; prints as ``***`` so it cannot leak through ``repr``/logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "***"

    __str__ = __repr__


def resolve_base_url(base_url: str | None, base_url_env: str | None) -> str:
    """The API root to use: the value of the variable named ``base_url_env`` when it is set
    and non-empty, else ``base_url``.

    Raises :class:`ConfigError` when neither gives one (naming the field and the variable),
    or when the URL is not http(s) (naming where it came from: the variable or the field).
    """
    from_env = os.environ.get(base_url_env, "").strip() if base_url_env else ""
    if from_env:
        url, field = from_env, f"user_model.base_url_env ({base_url_env})"
    elif base_url:
        url, field = base_url, "user_model.base_url"
    elif base_url_env:
        raise ConfigError(
            f"environment variable {base_url_env} is unset or empty and user_model.base_url is "
            "not given: one of them must hold the server's URL",
            field="user_model.base_url_env",
        )
    else:
        raise ConfigError("no server URL given", field="user_model.base_url")
    if not url.startswith(("http://", "https://")):
        raise ConfigError.expected("an http(s) URL", _public_url(url), field=field)
    return url


def _public_url(url: str) -> str:
    """``url`` without a password in its user-info part (``https://u:***@host/v1``): an
    endpoint taken from the environment may carry credentials, which are never shown."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


class OpenAIUserModel(LLMUserModel):
    """LLM user model over an OpenAI-compatible ``/chat/completions`` endpoint.

    Failures after ``retries`` retries raise :class:`EndpointError` (the session records
    ``user_model_error``) unless ``fallback_on_error`` is set, in which case the turn is the
    template draft, with ``fallback=True`` and the guard ``llm_error``.
    """

    kind = "openai"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        model: str,
        base_url_env: str | None = None,
        api_key_env: str | None = None,
        temperature: float = 0.8,
        top_p: float = 0.95,
        max_tokens: int = 80,
        seed: int | None = None,
        max_in_flight: int = 16,
        rate_limit: float | None = None,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        cache_dir: str | Path | None = None,
        mode: str = "draft",
        layout: str = "assistant",
        max_regenerations: int = 2,
        fallback_on_error: bool = False,
        intent_length_shift: Mapping[str, float] | None = None,
        draft_length_gain: float | None = None,
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
        base_url = resolve_base_url(base_url, base_url_env)
        for field, number in (("max_in_flight", max_in_flight), ("max_tokens", max_tokens)):
            if number < 1:
                raise ConfigError.expected("an integer >= 1", number, field=f"user_model.{field}")
        if retries < 0:
            raise ConfigError.expected("an integer >= 0", retries, field="user_model.retries")
        if timeout_s <= 0:
            raise ConfigError.expected("a number > 0", timeout_s, field="user_model.timeout_s")
        if rate_limit is not None and rate_limit <= 0:
            raise ConfigError.expected("a number > 0", rate_limit, field="user_model.rate_limit")
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/chat/completions"
        self._shown_url = _public_url(self.url)  # for errors: no password from the URL
        self.base_url_env = base_url_env
        self.model = model
        self.name = f"openai:{model}"
        self.api_key_env = api_key_env
        self._key: _Secret | None = None
        if api_key_env:
            key = os.environ.get(api_key_env)
            if not key:
                raise ConfigError(
                    f"environment variable {api_key_env} is not set (it should hold the API key)",
                    field="user_model.api_key_env",
                )
            self._key = _Secret(key)
        self.temperature = temperature
        self.top_p = top_p
        self.max_tokens = max_tokens
        self.max_in_flight = max_in_flight
        self.rate_limit = rate_limit
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._sem = asyncio.Semaphore(max_in_flight)
        self._limiter = AsyncLimiter(rate_limit, 1.0) if rate_limit else None
        self._session: aiohttp.ClientSession | None = None
        # Jitter only: seeded so runs are reproducible, separate from the session's rng.
        self._jitter = np.random.default_rng(seed)
        self.requests_sent = 0

    # -- description -------------------------------------------------------------------
    def describe(self) -> dict[str, object]:
        """The configuration, for manifests: no API key, only the name of its variable (and
        the URL actually used, with any password in it masked)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "base_url": _public_url(self.base_url),
            "base_url_env": self.base_url_env,
            "model": self.model,
            "api_key_env": self.api_key_env,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "max_in_flight": self.max_in_flight,
            "rate_limit": self.rate_limit,
            "timeout_s": self.timeout_s,
            "retries": self.retries,
            "cache_dir": str(self.cache_dir) if self.cache_dir else None,
            **self._describe_common(),
        }

    def __repr__(self) -> str:
        return f"OpenAIUserModel(base_url={_public_url(self.base_url)!r}, model={self.model!r})"

    # -- transport ---------------------------------------------------------------------
    def _params(self, seed: int | None, max_tokens: int) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": max_tokens,
        }
        if seed is not None:
            params["seed"] = seed
        return params

    async def _complete(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        seed: int | None,
        attempt: int,
        max_tokens: int,
    ) -> Generation:
        params = self._params(seed, max_tokens)
        path = self._cache_path(messages, params, attempt)
        if path is not None:
            hit = _read_cache(path)
            if hit is not None:
                return hit
        body = {**params, "messages": list(messages), "n": 1, "stream": False}
        gen = await self._post_with_retries(body)
        if path is not None:
            _write_cache(path, gen)
        return gen

    def _cache_path(
        self, messages: Sequence[Mapping[str, str]], params: Mapping[str, Any], attempt: int
    ) -> Path | None:
        if self.cache_dir is None:
            return None
        blob = json.dumps(
            {"messages": list(messages), "params": dict(params), "seed": params.get("seed"),
             "attempt": attempt},
            sort_keys=True,
            ensure_ascii=False,
        )
        key = hashlib.sha256(blob.encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            headers = {"Content-Type": "application/json"}
            if self._key is not None:
                headers["Authorization"] = f"Bearer {self._key.get()}"
            # The connector's own cap (100 by default) must not undercut max_in_flight.
            self._session = aiohttp.ClientSession(
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                connector=aiohttp.TCPConnector(limit=self.max_in_flight),
            )
        return self._session

    async def _post_with_retries(self, body: Mapping[str, Any]) -> Generation:
        last: _Retryable | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self._backoff(attempt, last))
            try:
                return await self._post_once(body)
            except _Retryable as exc:
                last = exc
        assert last is not None
        err = last.error
        raise EndpointError(
            f"LLM request failed after {self.retries + 1} attempts: {err.args[0]}",
            url=self._shown_url,
            kind=err.kind,
            status=err.status,
        )

    def _backoff(self, attempt: int, last: _Retryable | None) -> float:
        """Exponential backoff with jitter; a server's Retry-After wins when it gives one."""
        if last is not None and last.retry_after is not None:
            return min(last.retry_after, _MAX_BACKOFF_S)
        base = self.backoff_s * 2 ** (attempt - 1)
        return float(min(base * (0.5 + self._jitter.random()), _MAX_BACKOFF_S))

    async def _post_once(self, body: Mapping[str, Any]) -> Generation:
        async with self._sem:
            if self._limiter is not None:
                await self._limiter.acquire()
            self.requests_sent += 1
            try:
                async with self._client().post(self.url, json=body) as resp:
                    status = resp.status
                    raw = await resp.read()
                    retry_after = resp.headers.get("Retry-After")
            except TimeoutError:
                raise _Retryable(
                    EndpointError(f"timed out after {self.timeout_s:g} s", url=self._shown_url,
                                  kind="timeout")
                ) from None
            except aiohttp.ClientError as exc:
                raise _Retryable(
                    EndpointError(f"connection error: {type(exc).__name__}", url=self._shown_url,
                                  kind="connection")
                ) from None
        if status != 200:
            kind = "rate_limited" if status == 429 else f"http_{status}"
            err = EndpointError(f"HTTP {status}: {_snippet(raw)}", url=self._shown_url, kind=kind,
                                status=status)
            if status in _RETRY_STATUS:
                raise _Retryable(err, _parse_retry_after(retry_after))
            raise err
        return _parse_completion(raw, self._shown_url)

    async def aclose(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class _Retryable(Exception):
    """A failure worth another try (429, 5xx, connection, timeout)."""

    def __init__(self, error: EndpointError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _parse_completion(raw: bytes, url: str) -> Generation:
    """The first choice's text and the token usage of an OpenAI chat-completions body."""
    try:
        data = json.loads(raw)
        choice = data["choices"][0]
        text = choice["message"]["content"]
        if not isinstance(text, str):
            raise TypeError("content is not a string")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise EndpointError(
            f"bad response (not a chat completion: {type(exc).__name__}): {_snippet(raw)}",
            url=url,
            kind="bad_response",
            status=200,
        ) from None
    usage = data.get("usage") if isinstance(data, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    return Generation(
        text=text,
        tokens_in=_int_or_none(usage.get("prompt_tokens")),
        tokens_out=_int_or_none(usage.get("completion_tokens")),
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _snippet(raw: bytes, limit: int = 120) -> str:
    text = " ".join(raw.decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[:limit] + "..."


def _read_cache(path: Path) -> Generation | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Generation(
            text=str(data["text"]),
            tokens_in=_int_or_none(data.get("tokens_in")),
            tokens_out=_int_or_none(data.get("tokens_out")),
            cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing or damaged entry: ask the server again


def _write_cache(path: Path, gen: Generation) -> None:
    """Write one cache entry atomically (temp file in the same directory, then rename).

    The cache only saves requests: a failure to write it (full disk, read-only directory)
    loses the entry, never the turn.
    """
    try:
        _write_entry(path, gen)
    except OSError:
        return


def _write_entry(path: Path, gen: Generation) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {"text": gen.text, "tokens_in": gen.tokens_in, "tokens_out": gen.tokens_out,
         "written": time.time()},
        ensure_ascii=False,
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
