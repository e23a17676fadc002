"""Which endpoint(s) an agent's session goes to when a scenario lists several.

- ``split``: each agent is randomised once, at the start, to one endpoint (balanced arms:
  a seeded permutation dealt round-robin) and stays there; churning from it ends the agent's
  visits. A between-subjects A/B test.
- ``paired``: every visiting agent runs the same goal with the same session seed against
  *every* endpoint, so the sessions of a pair differ only by the CRS (a within-subjects A/B
  test). Churn is recorded per endpoint, but an agent keeps visiting every endpoint until
  it has churned from all of them, so pairs stay complete.
- ``choice``: the agent picks one endpoint per visit, by a softmax over its trust in them
  (``assignment.temperature``), never one it churned from; switching and churn become
  measurable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from simworld import build

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def split_arms(seed: int, n_agents: int, n_endpoints: int) -> IntArray:
    """Balanced random arms: agent ``i`` goes to endpoint ``arms[i]``."""
    perm = build.rng_for(seed, build.SEED_ASSIGN).permutation(n_agents)
    arms = np.empty(n_agents, dtype=np.int64)
    arms[perm] = np.arange(n_agents) % max(n_endpoints, 1)
    return arms


def choose(trust: Sequence[float], open_: Sequence[bool], u: float, temperature: float) -> int:
    """Softmax pick among the open endpoints by trust; ``u`` is a uniform draw in [0, 1).

    Returns -1 when every endpoint is closed (the agent churned from all of them).
    """
    idx = [i for i, ok in enumerate(open_) if ok]
    if not idx:
        return -1
    t = np.array([trust[i] for i in idx], dtype=np.float64) / temperature
    w = np.exp(t - t.max())
    cdf = np.cumsum(w / w.sum())
    return idx[min(int(np.searchsorted(cdf, u, side="right")), len(idx) - 1)]


def endpoints_for(
    mode: str,
    *,
    arm: int,
    churned: Sequence[bool],
    trust: Sequence[float],
    u: float,
    temperature: float,
) -> tuple[int, ...]:
    """The endpoint indices one visit goes to (empty: the agent has nowhere left to go)."""
    n = len(churned)
    if n == 1:
        return () if churned[0] else (0,)
    if mode == "split":
        return () if churned[arm] else (arm,)
    if mode == "paired":
        return () if all(churned) else tuple(range(n))
    pick = choose(trust, [not c for c in churned], u, temperature)
    return () if pick < 0 else (pick,)


def eligible(mode: str, *, arm: int, churned: Sequence[bool]) -> bool:
    """Whether the agent still has an endpoint to visit (it has not churned for good)."""
    if mode == "split" and len(churned) > 1:
        return not churned[arm]
    return not all(churned)
