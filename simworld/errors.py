"""Exceptions raised by simworld.

The tree::

    SimworldError                 base of everything simworld raises on purpose
    ├── ConfigError               a scenario (or CLI option) is invalid; names file, field, value
    ├── DataError                 a data file (catalog CSV, real corpus, bundle) is malformed;
    │                             names file and line
    └── EndpointError             a CRS or LLM endpoint failed after retries; carries the URL.
                                  Used inside clients only: the runner turns it into a recorded
                                  outcome (an error on the turn, a termination reason), never
                                  lets it end a run.

Every message is one line a user can act on, so the CLI prints ``str(err)`` and exits 2,
never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class SimworldError(Exception):
    """Base class of every error simworld raises on purpose."""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


class ConfigError(SimworldError):
    """An invalid scenario or option: ``FILE: FIELD.PATH: expected ALLOWED, got VALUE``."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.field = field
        self.detail = message
        parts = [p for p in (file, field) if p]
        super().__init__(": ".join([*parts, message]))

    @classmethod
    def expected(
        cls, allowed: str, got: Any, *, file: str | None = None, field: str | None = None
    ) -> ConfigError:
        return cls(f"expected {allowed}, got {_show(got)}", file=file, field=field)


class DataError(SimworldError):
    """A malformed data file: ``FILE:LINE: what is wrong``."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.detail = message
        where = file or "<data>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class EndpointError(SimworldError):
    """A request to an endpoint failed for good (after retries)."""

    def __init__(self, message: str, *, url: str, kind: str, status: int | None = None) -> None:
        self.url = url
        self.kind = kind
        self.status = status
        super().__init__(f"{url}: {message}")


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the option closest to ``word``, or ``""`` if none is
    close: the suffix of every unknown-name error."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
