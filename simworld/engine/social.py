"""The social graph: who hears about whose sessions (word of mouth).

The graph is built once per run with networkx from the scenario's ``social`` section
(``watts_strogatz``, ``barabasi_albert``, ``erdos_renyi`` or an ``edgelist`` file of agent
indices) and kept as compressed adjacency arrays, so per-tick neighbour averages over
thousands of agents are a few numpy operations. Nodes are agent indices ``0..N-1``; edges
are undirected (friendship goes both ways).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import numpy.typing as npt

from simworld.errors import ConfigError, DataError
from simworld.scenario import SocialConfig

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_NODE = re.compile(r"^a?(\d+)$")


@dataclass(frozen=True, slots=True)
class SocialGraph:
    """Undirected graph over ``n`` agents in compressed sparse rows (``indptr``/``indices``)."""

    n: int
    indptr: IntArray
    indices: IntArray
    kind: str = "edgelist"

    @classmethod
    def from_edges(cls, n: int, edges: npt.ArrayLike, kind: str = "edgelist") -> SocialGraph:
        """Build from ``(u, v)`` pairs: both directions kept, duplicates and self-loops dropped."""
        e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        e = e[e[:, 0] != e[:, 1]]
        both = np.concatenate([e, e[:, ::-1]]) if len(e) else e
        both = np.unique(both, axis=0) if len(both) else both.reshape(0, 2)
        counts = np.bincount(both[:, 0], minlength=n) if len(both) else np.zeros(n, np.int64)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return cls(n, indptr, both[:, 1].astype(np.int64), kind)

    def edges(self) -> IntArray:
        """Each undirected edge once, as ``(u, v)`` with ``u < v``, sorted."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
        keep = src < self.indices
        return np.stack([src[keep], self.indices[keep]], axis=1)

    def neighbours(self, i: int) -> IntArray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def degree(self) -> IntArray:
        return np.diff(self.indptr)

    def neighbour_mean(
        self, values: FloatArray, has: npt.NDArray[np.bool_], default: float
    ) -> FloatArray:
        """Per agent, the mean of ``values`` over neighbours where ``has``; else ``default``."""
        w = has[self.indices].astype(np.float64)
        v = values[self.indices] * w
        sums = _row_sums(v, self.indptr)
        counts = _row_sums(w, self.indptr)
        out = np.full(self.n, default, dtype=np.float64)
        np.divide(sums, counts, out=out, where=counts > 0)
        return out

    def describe(self) -> dict[str, object]:
        deg = self.degree()
        return {
            "kind": self.kind,
            "agents": self.n,
            "edges": int(len(self.indices) // 2),
            "mean_degree": round(float(deg.mean()), 3) if self.n else 0.0,
            "isolated": int((deg == 0).sum()),
        }


def _row_sums(values: FloatArray, indptr: IntArray) -> FloatArray:
    csum = np.concatenate([[0.0], np.cumsum(values)])
    return np.asarray(csum[indptr[1:]] - csum[indptr[:-1]], dtype=np.float64)


def build_graph(
    cfg: SocialConfig, n: int, seed: int, *, base: Path | None = None
) -> SocialGraph | None:
    """The scenario's graph over ``n`` agents (None for ``graph: none``).

    ``seed`` is an integer derived from the scenario seed; relative edge-list paths are
    resolved against ``base`` (the scenario's directory) when not found as given.
    """
    kind = cfg.graph
    if kind == "none":
        return None
    if kind == "edgelist":
        path = Path(str(cfg.path))
        if not path.is_absolute() and base is not None and not path.exists():
            path = base / path
        return SocialGraph.from_edges(n, read_edgelist(path, n), kind)
    if kind == "watts_strogatz":
        if cfg.k >= n:
            raise ConfigError(
                f"{cfg.k} neighbours need more than {n} agents (population.size)", field="social.k"
            )
        g = nx.watts_strogatz_graph(n, cfg.k, cfg.p, seed=seed)
    elif kind == "barabasi_albert":
        if cfg.m >= n:
            raise ConfigError(
                f"{cfg.m} links per agent need more than {n} agents (population.size)",
                field="social.m",
            )
        g = nx.barabasi_albert_graph(n, cfg.m, seed=seed)
    else:  # erdos_renyi: mean degree k
        g = nx.fast_gnp_random_graph(n, min(1.0, cfg.k / max(n - 1, 1)), seed=seed)
    edges = np.array(list(g.edges()), dtype=np.int64).reshape(-1, 2)
    return SocialGraph.from_edges(n, edges, kind)


def read_edgelist(path: Path, n: int) -> IntArray:
    """Pairs of agent indices (``12 40`` or ``a00012,a00040``), one edge a line.

    Blank lines and ``#`` comments are skipped; extra columns (weights) are ignored.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("no such edge-list file", file=name) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", file=name) from None
    out: list[tuple[int, int]] = []
    for line_no, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p for p in re.split(r"[\s,]+", line) if p]
        nodes = [_NODE.match(p) for p in parts[:2]]
        if len(parts) < 2 or not all(nodes):
            raise DataError(
                f"expected two agent indices (e.g. '3 17' or 'a00003 a00017'), got {line!r}",
                file=name,
                line=line_no,
            )
        u, v = (int(m.group(1)) for m in nodes if m is not None)
        for x in (u, v):
            if x >= n:
                raise DataError(
                    f"agent index {x} is out of range: the population has {n} agents (0..{n - 1})",
                    file=name,
                    line=line_no,
                )
        out.append((u, v))
    return np.array(out, dtype=np.int64).reshape(-1, 2)
