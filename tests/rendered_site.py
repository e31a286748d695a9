"""One rendered demo site per test run, shared by pytest-xdist workers (built under a file lock)."""

from __future__ import annotations

import fcntl
from pathlib import Path

from survey_analysis.render.site import build_site


def shared_demo_site(tmp_path_factory) -> Path:
    """``reports/`` with every demo wave, the demo trends page and the index (read-only)."""
    root = tmp_path_factory.getbasetemp()
    if root.name.startswith("popen-gw"):  # xdist: every worker's base temp shares this parent
        root = root.parent
    reports = root / "shared-demo-reports"
    with (root / "shared-demo-reports.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = (reports / "index.html").exists() and (reports / "demo" / "trends.html").exists()
        if not built:
            outcomes = build_site("demo", reports_dir=reports, jobs=2)
            failed = [o.failure for o in outcomes if o.failure]
            assert not failed, failed
        fcntl.flock(lock, fcntl.LOCK_UN)
    return reports
