"""A calibration bundle: the plain files ``simworld calibrate`` writes and scenarios read.

Layout of a bundle directory::

    manifest.json   what was fitted on what: format version, simworld version, source file
                    (path, sha256, format, dialogues, user turns), date, seed, the critic's
                    held-out AUC, and a description of every file
    style.json      writing style, shaped like simworld/data/style_redial.json
    chain.json      intent chain, in the intent-policy format (intents, start, transitions,
                    after_action), readable by ``intents.policy`` too
    critic.json     the realism critic as JSON data, one linear critic per fitting round
                    (optional: ``select`` needs it)

Everything is JSON, so a bundle can be read, diffed and versioned; nothing is pickled, so
loading a bundle from elsewhere runs no code. :func:`load_bundle` checks the format version
and every field it relies on and raises :class:`~simworld.errors.DataError` naming the file
and the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from simworld.calibration.critic import CriticStack
from simworld.errors import DataError
from simworld.store import write_json_atomic

BUNDLE_FORMAT = "simworld-calibration"
FORMAT_VERSION = 1
MANIFEST, STYLE, CHAIN, CRITIC = "manifest.json", "style.json", "chain.json", "critic.json"
FILE_DESCRIPTIONS = {
    STYLE: "writing style per intent (shaped like simworld/data/style_redial.json)",
    CHAIN: "intent chain: start and transition weights (intent-policy format)",
    CRITIC: "realism critic: P(real) of a user turn (n-gram TF-IDF + logistic regression, "
    "one per fitting round, logits summed)",
}
STYLE_FIELDS = (
    "words_mu",
    "words_sigma",
    "lowercase_rate",
    "all_lower_rate",
    "no_final_punct_rate",
    "exclaim_rate",
    "filler_rate",
    "typo_rate",
)
OPTIONAL_STYLE_FIELDS = ("apostrophe_drop_rate",)


@dataclass(frozen=True)
class CalibrationBundle:
    """Fitted style, intent chain and (optionally) critic, with the manifest describing them."""

    style: Mapping[str, Any]
    chain: Mapping[str, Any]
    critic: CriticStack | None
    manifest: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None  # where it was loaded from
    digest: str = ""  # SHA-256 over the files of a loaded bundle (what a run depends on)

    @property
    def chain_path(self) -> Path | None:
        """The chain file (usable as ``intents.policy``) of a loaded bundle."""
        return None if self.path is None else self.path / CHAIN


def save_bundle(bundle: CalibrationBundle, directory: str | Path) -> Path:
    """Write ``bundle`` into ``directory`` (created if needed); returns the directory."""
    out = Path(directory)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"cannot create the bundle directory: {exc.strerror}", file=str(out)
        ) from None
    files = {STYLE: FILE_DESCRIPTIONS[STYLE], CHAIN: FILE_DESCRIPTIONS[CHAIN]}
    write_json_atomic(out / STYLE, dict(bundle.style))
    write_json_atomic(out / CHAIN, dict(bundle.chain))
    if bundle.critic is not None:
        write_json_atomic(out / CRITIC, bundle.critic.to_json())
        files[CRITIC] = FILE_DESCRIPTIONS[CRITIC]
    elif (out / CRITIC).exists():
        (out / CRITIC).unlink()
    manifest = {
        **dict(bundle.manifest),
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "files": files,
    }
    write_json_atomic(out / MANIFEST, manifest)
    return out


def load_bundle(directory: str | Path) -> CalibrationBundle:
    """Read and check the bundle in ``directory`` (cached per directory and file times)."""
    root = Path(directory).resolve()
    stamps = tuple(_mtime(root / name) for name in (MANIFEST, STYLE, CHAIN, CRITIC))
    return _load(str(root), stamps)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1.0


@lru_cache(maxsize=8)
def _load(root_str: str, _stamps: tuple[float, ...]) -> CalibrationBundle:
    root = Path(root_str)
    if not root.is_dir():
        raise DataError("not a calibration bundle directory (it does not exist)", file=root_str)
    manifest = _read(root / MANIFEST)
    where = str(root / MANIFEST)
    if manifest.get("format") != BUNDLE_FORMAT:
        raise DataError(
            f"format: expected {BUNDLE_FORMAT!r}, got {manifest.get('format')!r}", file=where
        )
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise DataError(
            f"format_version: this simworld reads version {FORMAT_VERSION}, got {version!r}; "
            "calibrate again with this version",
            file=where,
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise DataError("files: expected an object naming the bundle's files", file=where)
    for name in (STYLE, CHAIN):
        if name not in files:
            raise DataError(f"files: {name} is not listed", file=where)
    style = _read(root / STYLE)
    check_style(style, str(root / STYLE))
    chain = _read(root / CHAIN)
    check_chain(chain, str(root / CHAIN))
    critic = None
    names = [STYLE, CHAIN]
    if CRITIC in files:
        critic = CriticStack.from_json(_read(root / CRITIC), file=str(root / CRITIC))
        names.append(CRITIC)
    h = hashlib.sha256()
    for name in names:  # the manifest's date and paths do not shape a run
        h.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return CalibrationBundle(style, chain, critic, manifest, root, h.hexdigest())


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError("missing from the calibration bundle", file=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    if not isinstance(data, dict):
        raise DataError("expected a JSON object", file=str(path))
    return data


def check_style(style: Mapping[str, Any], file: str) -> None:
    """The fields :func:`simworld.build.sample_style` reads, with numbers where needed."""
    d = style.get("style_defaults")
    if not isinstance(d, dict):
        raise DataError("style_defaults: expected an object", file=file)
    # apostrophe_drop_rate is optional: bundles fitted before it was measured lack it.
    present = [k for k in OPTIONAL_STYLE_FIELDS if k in d]
    for key in (*STYLE_FIELDS, *present):
        value = d.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise DataError(f"style_defaults.{key}: expected a number, got {value!r}", file=file)
        if key != "words_mu" and not 0 <= value <= (10 if key == "words_sigma" else 1):
            raise DataError(f"style_defaults.{key}: out of range, got {value!r}", file=file)
    for key in ("rates", "per_user", "per_intent_words"):
        if not isinstance(style.get(key, {}), dict):
            raise DataError(f"{key}: expected an object", file=file)


def check_chain(chain: Mapping[str, Any], file: str) -> None:
    """The fields the intent policy reads: ``intents`` (with CLOSE), ``start``,
    ``transitions`` of numbers."""
    intents = chain.get("intents")
    if not isinstance(intents, list) or not all(isinstance(c, str) for c in intents):
        raise DataError("intents: expected a list of intent codes", file=file)
    if "CLOSE" not in intents:
        raise DataError("intents: must include CLOSE (sessions end on it)", file=file)
    _dist(chain.get("start"), "start", file)
    trans = chain.get("transitions")
    if not isinstance(trans, dict):
        raise DataError("transitions: expected an object of rows", file=file)
    for prev, row in trans.items():
        _dist(row, f"transitions.{prev}", file)
    for group, row in dict(chain.get("after_action", {})).items():
        _dist(row, f"after_action.{group}", file)
    share = chain.get("close_on_accept", 0.0)
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 <= share <= 1:
        raise DataError(f"close_on_accept: expected a share in [0, 1], got {share!r}", file=file)


def _dist(value: Any, name: str, file: str) -> None:
    if not isinstance(value, dict):
        raise DataError(f"{name}: expected an object of intent -> probability", file=file)
    for k, p in value.items():
        if not isinstance(p, int | float) or isinstance(p, bool) or p < 0:
            raise DataError(f"{name}.{k}: expected a probability, got {p!r}", file=file)
