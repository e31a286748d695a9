"""Where the shared reference files live: ``../shared/reference`` beside the repository.

CI has that folder. ``SURVEY_REFERENCE_DIR`` overrides it (a git worktree sits one level
deeper than the repository, so ``../shared`` is not beside it there).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = Path(os.environ.get("SURVEY_REFERENCE_DIR",
                                    REPO_ROOT.parent / "shared" / "reference"))


def load_reference(name: str) -> Any:
    """The parsed JSON file ``name`` of the reference folder; skips the test module if absent."""
    path = REFERENCE_DIR / name
    if not path.is_file():
        pytest.skip(f"reference file {path} is missing (the shared/reference folder beside the "
                    "repository; set SURVEY_REFERENCE_DIR to point elsewhere)",
                    allow_module_level=True)
    return json.loads(path.read_text())
