"""What `adrbench models NAME` shows of a model's options: name, default and meaning, read from where the model
already declares them (a pydantic settings class, a dataclass, or a dict of defaults), so they are never written
twice.

The meaning is a pydantic field's `description`, else the `# comment` that ends the line defining the option in
the source: `name: type = value  # meaning` (a dataclass or pydantic field) or `"name": value,  # meaning` (an
entry of a dict of defaults).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import textwrap
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

#: Shown as the default of an option that has none (a required one).
REQUIRED = "(required)"
#: Comments addressed to tools, not readers: never a meaning.
_TOOL_COMMENTS = ("fmt:", "noqa", "type:", "pragma", "pylint:")


@dataclass(frozen=True)
class OptionDoc:
    """One `--model-arg` as `adrbench models NAME` shows it."""

    name: str
    default: Any
    meaning: str = ""


def documented_options(
    fields: type | Mapping[str, Any],
    presets: Mapping[str, Any] | None = None,
    sources: Iterable[Source] = (),
) -> list[OptionDoc]:
    """The options of `fields` (a pydantic model, a dataclass, or a mapping of name → default) in their order,
    each with its default (replaced by a model's preset, if it has one) and its meaning (see the module
    docstring); comments are read in `fields` itself (a class) and then in `sources`."""
    defaults, described = _defaults(fields)
    own: list[Source] = [fields] if isinstance(fields, type) else []
    comments = source_comments(*own, *sources)
    presets = presets or {}
    return [
        OptionDoc(name, presets.get(name, default), described.get(name) or comments.get(name, ""))
        for name, default in defaults.items()
    ]


def _defaults(fields: type | Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(name → default, name → description) of a pydantic model, a dataclass or a mapping."""
    if isinstance(fields, Mapping):
        return dict(fields), {}
    model_fields = getattr(fields, "model_fields", None)
    if model_fields is not None:
        defaults = {
            name: REQUIRED if info.is_required() else info.get_default(call_default_factory=True)
            for name, info in model_fields.items()
        }
        return defaults, {name: info.description for name, info in model_fields.items() if info.description}
    out: dict[str, Any] = {}
    for field in dataclasses.fields(fields):
        if field.default is not dataclasses.MISSING:
            out[field.name] = field.default
        elif field.default_factory is not dataclasses.MISSING:
            out[field.name] = field.default_factory()
        else:
            out[field.name] = REQUIRED
    return out, {}


#: Where option comments are read: a class (its whole source), or (module, name): the assignment of `name` at the
#: top level of `module`, e.g. a dict of defaults.
Source = type | tuple[ModuleType, str]


def source_comments(*sources: Source) -> dict[str, str]:
    """Name → the comment ending the line that defines it, in `sources` (the first one that has it wins)."""
    found: dict[str, str] = {}
    for source in sources:
        text = _source_of(source)
        for name, comment in _line_comments(text or ""):
            found.setdefault(name, comment)
    return found


def _source_of(source: Source) -> str | None:
    try:
        if isinstance(source, tuple):
            module, variable = source
            text = inspect.getsource(module)
            for node in ast.parse(text).body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                if any(isinstance(t, ast.Name) and t.id == variable for t in targets):
                    return ast.get_source_segment(text, node)
            return None
        return inspect.getsource(source)
    except (OSError, TypeError, SyntaxError):
        return None  # no source (a built-in, or a class made at run time)


def _line_comments(source: str) -> Iterable[tuple[str, str]]:
    """(name, comment) for each line that starts `name:` or `"name":` and ends with a comment."""
    line: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(textwrap.dedent(source)).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                yield from _defined(line)
                line = []
            elif token.type not in (tokenize.INDENT, tokenize.DEDENT):
                line.append(token)
    except (tokenize.TokenError, SyntaxError):
        return  # not Python source after all: no comments to read


def _defined(line: list[tokenize.TokenInfo]) -> Iterable[tuple[str, str]]:
    if len(line) < 3 or line[-1].type != tokenize.COMMENT or line[1].string != ":":
        return
    first = line[0]
    if first.type == tokenize.NAME:
        name = first.string
    elif first.type == tokenize.STRING:
        value = ast.literal_eval(first.string)
        if not isinstance(value, str):
            return
        name = value
    else:
        return
    comment = line[-1].string.lstrip("#").strip()
    if not comment.startswith(_TOOL_COMMENTS):
        yield name, comment
