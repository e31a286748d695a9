"""How long `survey-report render` takes when nothing changed, against baselines from the same run.

Renders the demo site once into a scratch folder (if needed), then times, as separate processes:
`python -c pass` (interpreter start), a no-op `survey-report render --source demo` (every wave and
the trends page unchanged), and a forced render of one wave. Prints a small table; exits non-zero
when the no-op render takes a second or more.

    .venv/bin/python benchmarks/render_noop.py [--reports-dir DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "survey-render-noop-bench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    render = [str(BIN / "survey-report"), "render", "--source", "demo", "--reports-dir",
              str(args.reports_dir)]
    subprocess.run([*render, "--jobs", "2"], check=True, stderr=subprocess.DEVNULL)
    rows = [
        ("python -c pass", timed([sys.executable, "-c", "pass"], args.repeat)),
        ("no-op render, 4 demo waves + trends + index", timed(render, args.repeat)),
        ("forced render of one wave (2018-h2)",
         timed([*render, "--wave", "2018-h2", "--force"], 1)),
    ]
    for label, seconds in rows:
        print(f"{label:<48} {seconds:8.3f} s")
    noop, forced = rows[1][1], rows[2][1]
    print(f"no-op / forced one wave: {noop / forced:.1%}")
    return 0 if noop < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
