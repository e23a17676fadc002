"""CRS protocol v1 value types shared by the reference server and the endpoint clients.

- ``POST /v1/sessions/{session_id}/turns`` body ``{"user_id": str, "text": str}`` →
  ``200 {"text": str, "items": [{"id": str, "title": str, "score": float}], "done": bool}``
- ``DELETE /v1/sessions/{session_id}`` → 204
- ``GET /healthz`` → 200
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RecItem:
    id: str
    title: str
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class CRSReply:
    """What one user turn got back. Failures are data here, never exceptions.

    ``error`` is None on success, else a short kind (``timeout``, ``http_500``,
    ``connection``, ``bad_response``, ``rate_limited``...) with ``error_detail`` a one-line
    description (no secrets). ``attempts`` counts requests sent (1 + retries).
    """

    text: str
    items: tuple[RecItem, ...] = ()
    done: bool = False
    latency_ms: float = 0.0
    status: int | None = None
    error: str | None = None
    error_detail: str | None = None
    attempts: int = 1
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None
