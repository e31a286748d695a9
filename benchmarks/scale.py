"""Scale: a 100,000-respondent wave against a 10,000-respondent one, and --jobs 2 against 1.

1. ``survey-report demo-data --respondents N`` writes wave 2018-h2 at N = 10,000 and 100,000;
   each is rendered (``--force``, a fresh process) with an empty cache (cold: read, map, clean,
   cache) and again with the cache filled (warm). Figures: time and peak memory (largest
   resident set of the render or its kernel) of the 100k wave as ratios to the 10k wave;
   goals: time <= 2x, peak <= 1.5 GB.
2. The four demo wave pages rendered with ``--jobs 1`` and ``--jobs 2`` (cache warm, no trends
   page, interleaved medians); goal: jobs 2 >= 1.7x faster.

    .venv/bin/python benchmarks/scale.py [--repeat 2] [--skip-jobs]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import BIN, line, run_measured

SITE = """
import sys
from survey_analysis.render.site import build_site
out = build_site("demo", reports_dir=sys.argv[1], force=True, jobs=int(sys.argv[2]),
                 trends=False)
assert all(o.status == "rendered" for o in out), [str(o.failure) for o in out]
"""


def scale(scratch: Path, repeat: int) -> None:
    measured = {}
    for n in (10_000, 100_000):
        data = scratch / f"data{n}"
        subprocess.run([str(BIN / "survey-report"), "demo-data", "--respondents", str(n),
                        "--wave", "2018-h2", "--out", str(data / "demo")], check=True,
                       stdout=subprocess.DEVNULL)
        render = [str(BIN / "survey-report"), "render", "--source", "demo", "--wave", "2018-h2",
                  "--data-dir", str(data), "--reports-dir", str(scratch / f"reports{n}"),
                  "--force"]
        cold, warm = [], []
        for i in range(repeat):
            env = {"SURVEY_CACHE_DIR": str(scratch / f"cache{n}-{i}")}
            cold.append(run_measured(render, env))
            warm.append(run_measured(render, env))
        measured[n] = {
            "cold": statistics.median(m.seconds for m in cold),
            "warm": statistics.median(m.seconds for m in warm),
            "peak": max(m.peak_mb for m in cold + warm),
        }
    small, large = measured[10_000], measured[100_000]
    print(f"wave 2018-h2 at 10,000 and 100,000 respondents, medians of {repeat} renders")
    print(line("render, cold cache: 100k / 10k respondents", large["cold"], small["cold"],
               "goal <= 2.00x", large["cold"] <= 2 * small["cold"]))
    print(line("render, warm cache: 100k / 10k respondents", large["warm"], small["warm"],
               "goal <= 2.00x", large["warm"] <= 2 * small["warm"]))
    print(line("peak memory: 100k / 10k respondents", large["peak"], small["peak"],
               f"goal <= 1536 MB (100k: {large['peak']:.0f} MB)", large["peak"] <= 1536,
               unit="MB"))


def jobs(scratch: Path, repeat: int) -> None:
    reports = scratch / "reports-jobs"
    env = {**os.environ, "SURVEY_CACHE_DIR": str(scratch / "cache-jobs")}
    subprocess.run([sys.executable, "-c", SITE, str(reports), "2"], check=True, env=env,
                   stderr=subprocess.DEVNULL)  # fills the cache
    times: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeat):
        for n in (1, 2):
            times[n].append(run_measured([sys.executable, "-c", SITE, str(reports), str(n)],
                                         env).seconds)
    one, two = statistics.median(times[1]), statistics.median(times[2])
    print(f"four demo wave pages, medians of {repeat} renders")
    print(line("--jobs 1 / --jobs 2 (speed-up)", one, two, "goal >= 1.70x", one >= 1.7 * two))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-jobs", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="survey-bench-scale-"))
    if not args.skip_scale:
        scale(scratch, args.repeat)
    if not args.skip_jobs:
        jobs(scratch, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
