"""Pydantic validation errors as :class:`Problem` lines naming the YAML file, line and key.

Pydantic's error locations include the tags of discriminated unions (``variables.x.single``);
they are mapped back to key paths of the data, and an unknown key gets the keys its schema allows,
with the closest one suggested.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from survey_analysis.problems import TODO, Problem, at, did_you_mean
from survey_analysis.yaml_lines import KeyPath, Marked


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(tp)
    return (tp,)


def _models_in(tp: Any) -> list[type[BaseModel]]:
    return [m for m in map(_strip, _union_members(_strip(tp)))
            if inspect.isclass(m) and issubclass(m, BaseModel)]


def _step(tp: Any, part: Any) -> Any:
    """The type found one location step (a key, an index, or a union tag) inside ``tp``."""
    tp = _strip(tp)
    members = [_strip(m) for m in _union_members(tp) if m is not type(None)]
    if len(members) > 1:
        tagged = [m for m in members if inspect.isclass(m) and issubclass(m, BaseModel)
                  and "kind" in m.model_fields
                  and part in typing.get_args(m.model_fields["kind"].annotation)]
        if tagged:
            return tagged[0]
        structured = [m for m in members if typing.get_origin(m) in (dict, list)
                      or (inspect.isclass(m) and issubclass(m, BaseModel))]
        if len(structured) != 1:
            return None
        members = structured
    tp = members[0] if members else None
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin = typing.get_origin(tp)
    if origin is dict:
        return typing.get_args(tp)[1]
    if origin is list:
        return typing.get_args(tp)[0]
    return None


def _resolve(root: Any, loc: Sequence[Any]) -> Any:
    tp = root
    for part in loc:
        if tp is None:
            return None
        tp = _step(tp, part)
    return tp


def _allowed_keys(root: Any, loc: KeyPath) -> list[str]:
    """The keys the schema allows at ``loc`` (pydantic's locations include union tags)."""
    models = _models_in(_resolve(root, loc)) if _resolve(root, loc) is not None else []
    return list(models[0].model_fields) if len(models) == 1 else []


def _data_loc(data: Any, loc: Sequence[Any]) -> KeyPath:
    """Pydantic's location with the union tags (which are not keys of the data) removed."""
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        in_mapping = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_mapping or in_list:
            out.append(part)
            node = node[part]
        elif i == len(loc) - 1:
            out.append(part)  # a missing key: named, at its parent's line
    return tuple(out)


def _describe(tp: Any) -> str:
    tp = _strip(tp)
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    members = [m for m in _union_members(tp) if m is not type(None)]
    if len(members) == 1 and members[0] in names:
        return names[members[0]]
    origin = typing.get_origin(tp)
    if origin is dict:
        return "a mapping"
    if origin is list:
        return "a list"
    if _models_in(tp):
        return "a mapping"
    return str(tp).replace("typing.", "")


@functools.cache
def _adapter(root: Any) -> TypeAdapter:
    return TypeAdapter(root)


def schema_problems(marked: Marked, root: Any, prefix: KeyPath = ()) -> list[Problem]:
    """Validate ``marked.data`` (at ``prefix``) against ``root``; one problem per pydantic error."""
    data = marked.data
    for part in prefix:
        data = data[part]
    try:
        _adapter(root).validate_python(data)
    except ValidationError as errors:
        # A draft's TODO is reported once, by the TODO rules, with what to put there.
        return [_problem(marked, root, prefix, data, e) for e in errors.errors()
                if e.get("input") != TODO]
    return []


def _problem(marked: Marked, root: Any, prefix: KeyPath, data: Any, error: Mapping) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    where = (*prefix, *_data_loc(data, loc))
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, loc[:-1])
        key = loc[-1]
        message = f"unknown key {key!r};{did_you_mean(key, allowed)} expected one of: " \
                  f"{', '.join(allowed)}"
        return at(marked, where, message.replace("; expected", ", expected"))
    if kind == "missing":
        parent = _resolve(root, loc)
        return at(marked, where, f"missing required key {loc[-1]!r}, expected "
                                  f"{_describe(parent) if parent is not None else 'a value'}")
    if kind == "union_tag_invalid":
        expected = error.get("ctx", {}).get("expected_tags", "")
        tag = error.get("ctx", {}).get("tag", "")
        choices = [t.strip().strip("'") for t in str(expected).split(",")]
        return at(marked, (*where, "kind"),
                   f"unknown kind {tag!r};{did_you_mean(tag, choices)} expected one of: "
                   f"{', '.join(choices)}".replace("; expected", ", expected"))
    if kind == "union_tag_not_found":
        return at(marked, where, "missing required key 'kind', expected one of: "
                                  "single, multi_delimited, multi_columns, number")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        got = error.get("input")
        return at(marked, where, f"{got!r} is not allowed,{did_you_mean(got, _literals(expected))}"
                                  f" expected {expected}".replace(",  did", ", did"))
    got = error.get("input")
    return at(marked, where, f"{error['msg'][0].lower()}{error['msg'][1:]}, got {got!r}")


def _literals(expected: str) -> list[str]:
    return [t.strip().strip("'") for t in expected.replace(" or ", ",").split(",") if t.strip()]
