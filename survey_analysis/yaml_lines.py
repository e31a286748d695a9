"""YAML read with the line of every key, so a config problem can name ``file:line``.

PyYAML's composer keeps a start mark on every node; :func:`load_marked` walks the node tree once
and records, for each key path (``("demo", "cleaning", "duplicates")``), the file and line where
that key (or sequence item) starts. ``extends:`` chains merge the line maps the way
``merge`` merges the data, so the file that supplies a value is the one named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KeyPath = tuple[Any, ...]


class YamlSyntaxError(ValueError):
    """A file that is not valid YAML; carries the file and line of the error."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = Path(path), line, message


@dataclass
class Marked:
    """A YAML document's data and ``{key path: (file, line)}`` for every key and item."""

    data: Any
    lines: dict[KeyPath, tuple[Path, int]] = field(default_factory=dict)

    def where(self, loc: KeyPath) -> tuple[Path | None, int | None]:
        """The file and line of the longest prefix of ``loc`` that is in the document."""
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found:
                return found
        return None, None


def load_marked(path: Path) -> Marked:
    """Read ``path`` keeping the line of each key (1-based); the result must not be mutated."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return _load_marked(path, None)
    # The pure-Python composer is slow on the large Kaggle codebooks: read each version once.
    return _load_marked(path, (st.st_size, st.st_mtime_ns))


@lru_cache(maxsize=256)
def _load_marked(path: Path, _stamp: tuple | None) -> Marked:
    text = path.read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml keeps marks too
    try:
        node = loader.get_single_node()
        if node is None:
            return Marked({}, {(): (path, 1)})
        lines: dict[KeyPath, tuple[Path, int]] = {(): (path, 1)}
        _walk(loader, node, (), lines, path)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSyntaxError(path, line, f"not valid YAML: {error.problem or error}") from None
    finally:
        loader.dispose()
    return Marked(data, lines)


def _walk(loader: Any, node: yaml.Node, loc: KeyPath,
          lines: dict[KeyPath, tuple[Path, int]], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except yaml.constructor.ConstructorError:
                continue
            if not isinstance(key, str | int | float | bool) and key is not None:
                continue
            lines[(*loc, key)] = (path, key_node.start_mark.line + 1)
            _walk(loader, value_node, (*loc, key), lines, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = (path, item.start_mark.line + 1)
            _walk(loader, item, (*loc, index), lines, path)


def merge_marked(base: Marked, override: Marked) -> Marked:
    """``override`` merged over ``base`` mapping by mapping (the rule of codebook ``extends:``)."""
    data = merge(base.data, override.data)
    lines = dict(base.lines)
    # A key replaced wholesale (not a mapping on both sides) takes the override's subtree lines.
    for loc in _replaced(base.data, override.data, ()):
        for key in [k for k in lines if k[:len(loc)] == loc]:
            del lines[key]
    lines.update({k: v for k, v in override.lines.items() if k != ()})
    return Marked(data, lines)


def _replaced(base: Any, override: Any, loc: KeyPath) -> list[KeyPath]:
    out = []
    if isinstance(base, Mapping) and isinstance(override, Mapping):
        for key, value in override.items():
            if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
                out += _replaced(base[key], value, (*loc, key))
            else:
                out.append((*loc, key))
    return out


def merge(base: Any, override: Any) -> Any:
    """``override`` over ``base``, mapping by mapping (the ``extends:`` rule of codebooks)."""
    if not (isinstance(base, Mapping) and isinstance(override, Mapping)):
        return override
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_with_extends(path: Path) -> Marked:
    """A codebook with the files it ``extends:`` merged under it (its own keys win)."""
    marked = load_marked(path)
    chain = [path.resolve()]
    while isinstance(marked.data, Mapping) and marked.data.get("extends"):
        base_path = (Path(path).parent / str(marked.data["extends"])).resolve()
        if base_path in chain:
            break
        chain.append(base_path)
        if not base_path.is_file():
            raise YamlSyntaxError(path, marked.lines.get(("extends",), (path, 1))[1],
                                  f"extends: no file {base_path.name} next to {Path(path).name}")
        data = dict(marked.data)
        data.pop("extends")
        own = Marked(data, {k: v for k, v in marked.lines.items() if k[:1] != ("extends",)})
        marked = merge_marked(load_marked(base_path), own)
        # the base may itself extend another file: its `extends` key is now in the merged data
    return marked
