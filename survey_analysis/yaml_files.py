"""Reading the project's YAML files (codebooks, sources.yaml) with errors that name the file.

Standard library and PyYAML only: deciding that a page is up to date reads YAML too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def yaml_loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_file(path: Path) -> Any:
    """A YAML file's content; a syntax error names the file, line and column (not
    ``<unicode string>``) and what the parser expected, on one line."""
    import yaml

    path = Path(path)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml_loader())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(str(p) for p in (getattr(error, "context", None),
                                            getattr(error, "problem", None)) if p)
        problem = (problem or str(error)).replace("\t", "\\t").replace("\n", " ")
        raise ValueError(f"{where}: invalid YAML: {problem}") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not valid UTF-8 at byte {error.start}") from None
