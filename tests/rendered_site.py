"""Rendered sites shared by the test run's pytest-xdist workers (each built once, under a lock)."""

from __future__ import annotations

import fcntl
from pathlib import Path

from survey_analysis.render.site import build_site


def shared_site(tmp_path_factory, source: str = "demo", data_dir: Path | None = None) -> Path:
    """``reports/`` with every article and wave of ``source``, the trends pages and the index
    (read-only)."""
    root = tmp_path_factory.getbasetemp()
    if root.name.startswith("popen-gw"):  # xdist: every worker's base temp shares this parent
        root = root.parent
    reports = root / f"shared-{source}-reports"
    with (root / f"shared-{source}-reports.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = ((reports / "index.html").exists()
                 and (reports / source / "framework_battle" / "trends.html").exists())
        if not built:
            outcomes = build_site(source, reports_dir=reports, jobs=2,
                                  data_dir=str(data_dir) if data_dir else None)
            failed = [o.failure for o in outcomes if o.failure]
            assert not failed, failed
        fcntl.flock(lock, fcntl.LOCK_UN)
    return reports


def shared_demo_site(tmp_path_factory) -> Path:
    return shared_site(tmp_path_factory, "demo")
