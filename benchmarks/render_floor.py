"""A forced wave render against the papermill + nbconvert floor, and where its time goes.

Baseline (same run): one process that executes two empty notebooks with papermill on the
project's kernel and converts each to HTML with nbconvert. Figure: ``survey-report render
--source demo --wave 2018-h2 --force`` (the wave page, the trends page and the index, with the
default ``--jobs``: kernels started ahead), as a ratio to that floor; target <= 1.5x. Also shown:
the same with ``--jobs 1`` (each kernel started when its page begins). All are separate
processes, timed as medians.

Then, in this process, the phases of the two pages: kernel start and shutdown (an empty
notebook), each notebook cell (imports, loading, statistics, plotting), HTML conversion, and
fingerprinting, so it is clear what is left above the floor.

    .venv/bin/python benchmarks/render_floor.py [--repeat 3] [--reports-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import BIN, line

FLOOR = """
import sys, nbformat, papermill
from nbconvert import HTMLExporter
for i in range(2):
    out = sys.argv[2] + f"/empty{i}.ipynb"
    papermill.execute_notebook(sys.argv[1], out, kernel_name="survey-analysis",
                               progress_bar=False, request_save_on_cell_execute=False,
                               extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
"""


def empty_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "survey-analysis", "display_name": "survey-analysis",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def phases(reports: Path, scratch: Path, empty: Path) -> list[tuple[str, float]]:
    """Seconds per phase of one wave page and the trends page, measured in this process."""
    import nbformat

    from survey_analysis.render.execute import execute_notebook
    from survey_analysis.render.html import export_html, extract_results
    from survey_analysis.render.jobs import current_fingerprint, plan_jobs, plan_trends_job
    from survey_analysis.render.publish import page_context

    rows = []
    started = time.perf_counter()
    execute_notebook(empty, scratch / "e.ipynb", {})
    rows.append(("kernel start + shutdown (empty notebook)", time.perf_counter() - started))
    for job in (plan_jobs("demo", ["2018-h2"], reports, trends=True)[0],
                plan_trends_job("demo", reports)):
        name = "wave page" if job.kind == "wave" else "trends page"
        started = time.perf_counter()
        current, _ = current_fingerprint(job)
        rows.append((f"{name}: fingerprint (hash inputs)", time.perf_counter() - started))
        out = scratch / f"{job.kind}.ipynb"
        started = time.perf_counter()
        execute_notebook(job.notebook, out, job.parameters, cwd=job.notebook.parent)
        total = time.perf_counter() - started
        nb = nbformat.read(out, as_version=4)
        cells = 0.0
        for cell in nb.cells:
            seconds = cell.metadata.get("papermill", {}).get("duration") or 0.0
            if cell.cell_type == "code" and seconds >= 0.05:
                first = cell.source.splitlines()[0][:44] if cell.source else ""
                rows.append((f"{name}: cell {first}", seconds))
            cells += seconds
        rows.append((f"{name}: papermill + kernel outside cells", total - cells))
        started = time.perf_counter()
        results = extract_results(nb) or {}
        export_html(nb, "title", {**page_context(job, results, current), "title": "title"})
        rows.append((f"{name}: HTML conversion", time.perf_counter() - started))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reports-dir", type=Path)
    parser.add_argument("--phases-only", action="store_true", help="skip the ratio")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="survey-bench-floor-"))
    os.environ["SURVEY_CACHE_DIR"] = str(scratch / "cache")  # the renders' kernels inherit it
    reports = args.reports_dir or scratch / "reports"
    empty = empty_notebook(scratch / "empty.ipynb")
    render = [str(BIN / "survey-report"), "render", "--source", "demo", "--reports-dir",
              str(reports)]
    subprocess.run([*render, "--jobs", "2"], check=True, stderr=subprocess.DEVNULL)  # + cache
    floor, forced, one_at_a_time = [], [], []
    # interleaved, so load on the machine hits all alike
    for _ in range(0 if args.phases_only else args.repeat):
        floor.append(timed([sys.executable, "-c", FLOOR, str(empty), str(scratch)]))
        forced.append(timed([*render, "--wave", "2018-h2", "--force"]))
        one_at_a_time.append(timed([*render, "--wave", "2018-h2", "--force", "--jobs", "1"]))
    if floor:
        base, value = statistics.median(floor), statistics.median(forced)
        print(f"medians of {args.repeat} interleaved runs")
        print(line("two empty notebooks: papermill + nbconvert (floor)", base, base))
        print(line("forced render: 2018-h2 page + trends + index", value, base,
                   "target <= 1.50x", value <= 1.5 * base))
        print(line("  the same with --jobs 1 (no kernel started ahead)",
                   statistics.median(one_at_a_time), base))
    print("\nwhere the time goes (one run, in-process; cells >= 0.05 s listed):")
    for label, seconds in phases(reports, scratch, empty):
        print(f"  {label:<66} {seconds:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
