"""Pydantic validation errors as simworld's one-line messages.

:func:`format_errors` turns a :class:`pydantic.ValidationError` of a config model (the
:class:`~simworld.scenario.Scenario`) into lines such as::

    scenarios/x.yaml: population.size: expected an integer > 0, got "ten"

naming the file, the field path, the bad value and what the field allows (read off the
model's annotations: literals, bounds, unions, mappings); unknown keys get a did-you-mean.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import BaseModel, ValidationError

from simworld.errors import ConfigError, did_you_mean


def _loc_str(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _resolve(
    root: type[BaseModel], loc: tuple[int | str, ...]
) -> tuple[Any, list[Any], type[BaseModel] | None]:
    """Follow ``loc`` through the model tree from ``root``: (annotation, constraints, parent
    model)."""
    ann: Any = root
    meta: list[Any] = []
    parent: type[BaseModel] | None = None
    for part in loc:
        ann, meta = _unwrap(ann, meta)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            parent = ann
            fld = ann.model_fields.get(str(part))
            if fld is None:
                return None, [], parent
            ann, meta = fld.annotation, list(fld.metadata)
            continue
        origin = typing.get_origin(ann)
        args = typing.get_args(ann)
        if origin in (list, tuple) and args:
            ann, meta = args[0], []
        elif origin is dict and len(args) == 2:
            ann, meta = args[1], []
        else:
            # unions: pick the first model/container member that can hold ``part``
            members = [a for a in args if a is not type(None)]
            if not members:
                return None, [], parent
            ann, meta = members[0], []
    ann, meta = _unwrap(ann, meta)
    return ann, meta, parent


def _unwrap(ann: Any, meta: list[Any]) -> tuple[Any, list[Any]]:
    while typing.get_origin(ann) is Annotated:
        args = typing.get_args(ann)
        ann = args[0]
        for m in args[1:]:
            meta = [*meta, *getattr(m, "metadata", [m])]
    return ann, meta


def _bounds(meta: list[Any]) -> str:
    parts = []
    for m in meta:
        if isinstance(m, at.Gt):
            parts.append(f"> {m.gt}")
        elif isinstance(m, at.Ge):
            parts.append(f">= {m.ge}")
        elif isinstance(m, at.Lt):
            parts.append(f"< {m.lt}")
        elif isinstance(m, at.Le):
            parts.append(f"<= {m.le}")
    return " and ".join(parts)


def _allowed(ann: Any, meta: list[Any]) -> str:
    ann, meta = _unwrap(ann, meta)
    bounds = _bounds(meta)
    suffix = f" {bounds}" if bounds else ""
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        text = " or ".join(_allowed(a, meta) for a in members)
        return text + (" or null" if len(members) < len(args) else "")
    if ann is bool:
        return "true or false"
    if ann is int:
        return "an integer" + suffix
    if ann is float:
        return "a number" + suffix
    if ann is str:
        return "a string"
    if origin is list:
        return "a list"
    if origin is dict:
        inner = _allowed(args[1], []) if len(args) == 2 else "values"
        return f"a mapping of names to {inner.removeprefix('a ').removeprefix('an ')}s"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "a mapping"
    return "a valid value"


def format_errors(exc: ValidationError, file: str, root: type[BaseModel]) -> list[str]:
    """One line per error of validating ``root`` from ``file``: the file, the field path, the
    bad value and what is allowed (with a did-you-mean for unknown keys)."""
    lines: list[str] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        etype = err["type"]
        field = _loc_str(loc)
        got = err.get("input")
        if etype == "extra_forbidden":
            owner = _resolve(root, loc[:-1])[0] if loc[:-1] else root
            parent = owner if isinstance(owner, type) and issubclass(owner, BaseModel) else None
            options = list(parent.model_fields) if parent is not None else []
            key = str(loc[-1])
            msg = f"unknown key {key!r}" + did_you_mean(key, options)
            if parent is not None and not did_you_mean(key, options):
                msg += f"; allowed: {', '.join(options)}"
            lines.append(str(ConfigError(msg, file=file, field=field)))
        elif etype == "value_error":
            reason = str(err.get("ctx", {}).get("error", err["msg"]))
            lines.append(str(ConfigError(reason, file=file, field=field or None)))
        elif etype == "missing":
            lines.append(str(ConfigError("required field is missing", file=file, field=field)))
        elif etype in ("too_short", "too_long"):
            ctx = err.get("ctx", {})
            bound = ctx.get("min_length") if etype == "too_short" else ctx.get("max_length")
            word = "at least" if etype == "too_short" else "at most"
            allowed = f"{word} {bound} item{'s' if bound != 1 else ''}"
            lines.append(str(ConfigError.expected(allowed, got, file=file, field=field)))
        else:
            ann, meta, _ = _resolve(root, loc)
            allowed = _allowed(ann, meta) if ann is not None else err["msg"].lower()
            if etype == "string_pattern_mismatch":
                allowed = "a name of letters, digits, '_', '.' or '-'"
            lines.append(str(ConfigError.expected(allowed, got, file=file, field=field)))
    return lines
