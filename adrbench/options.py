"""The one parser of `key=value` options: `-M/--model-arg`, `-T/--task-arg`, `--meta`, and typed model options.

`parse_pairs` splits `key=value` strings; `parse_options` turns them into typed values (bool, int, float, str,
or any of them `| None`) for the options a model declares, with one set of words and one style of message:

- booleans: true/false, yes/no, on/off, 1/0 (any case);
- `| None` options: none, null or an empty value mean None;
- `-` in a name is read as `_` (`-M no-gnn=true` is `no_gnn`).

Values that are already typed (a saved config read back from JSON) pass through when they have the right type.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from adrbench.errors import ConfigError

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")
NONE_WORDS = ("none", "null", "")
_DESCRIPTION = {
    bool: "a boolean (" + ", ".join(f"{t}/{f}" for t, f in zip(TRUE_WORDS, FALSE_WORDS, strict=True)) + ")",
    int: "an integer",
    float: "a number",
    str: "a string",
}


def parse_pairs(items: Iterable[str] | None, option: str) -> dict[str, str]:
    """['a=1', 'b=x'] → {'a': '1', 'b': 'x'} (a later key wins); an item without '=' or without a key is a
    ConfigError naming `option`."""
    found: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{option} expects key=value, got {item!r}")
        found[key.strip()] = value
    return found


def option_types(cls: type) -> dict[str, Any]:
    """Option name → type of a pydantic model or a dataclass (its resolved annotations), for `parse_options`."""
    fields = getattr(cls, "model_fields", None)
    if fields is not None:
        return {name: info.annotation for name, info in fields.items()}
    hints = typing.get_type_hints(cls)
    return {name: hints[name] for name in cls.__dataclass_fields__}  # type: ignore[attr-defined]


def parse_options(
    owner: str, args: Mapping[str, Any], kinds: Mapping[str, Any], what: str = "model-arg"
) -> dict[str, Any]:
    """Typed values of `args` for the options `kinds` (name → type); an unknown name or a bad value is a
    ConfigError that names `owner`, the option and what was expected."""
    values: dict[str, Any] = {}
    for key, raw in args.items():
        name = key.strip().replace("-", "_")
        if name not in kinds:
            raise ConfigError(f"{owner}: unknown {what} {key!r}; known: {', '.join(sorted(kinds))}")
        values[name] = parse_value(owner, name, raw, kinds[name], what)
    return values


def parse_value(owner: str, name: str, raw: Any, kind: Any, what: str = "model-arg") -> Any:
    """One option's value as `kind` (see the module docstring)."""
    base, optional = _unwrap(kind)
    if optional and (raw is None or (isinstance(raw, str) and raw.strip().lower() in NONE_WORDS)):
        return None
    try:
        return _convert(raw, base)
    except ValueError:
        expected = _DESCRIPTION[base] + (" or none" if optional else "")
        raise ConfigError(f"{owner}: {what} {name}={raw!r} is not {expected}") from None


def _unwrap(kind: Any) -> tuple[type, bool]:
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        members = [k for k in typing.get_args(kind) if k is not type(None)]
        if len(members) == 1 and members[0] in _DESCRIPTION:
            return members[0], len(members) < len(typing.get_args(kind))
    if kind in _DESCRIPTION:
        return kind, False
    raise TypeError(f"options of type {kind!r} are not supported")


def _convert(raw: Any, kind: type) -> Any:
    if not isinstance(raw, str):
        if kind is float and isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        if isinstance(raw, kind) and (kind is bool or not isinstance(raw, bool)):
            return raw
        raise ValueError(raw)
    text = raw.strip()
    if kind is bool:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(text)
    if kind is str:
        return text
    return kind(text)
