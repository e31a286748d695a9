"""Loading a wave against ``pandas.read_csv`` of its raw file, in the same process and run.

Figures (medians of interleaved rounds, each a ratio to ``pandas.read_csv`` of the same ``.gz``):
the cold loader (``load_wave(..., cache=False)``: read, map, validate, clean), a cache miss (the
same plus writing the cache entry) and a warm load (served from the cache). Targets: cold
<= 1.5x, warm <= 0.15x. Needs the Kaggle files (``--data-dir`` or ``$SURVEY_DATA_DIR``).

    .venv/bin/python benchmarks/loader.py [--wave 2021] [--repeat 7] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bench import line, median_times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="kaggle")
    parser.add_argument("--wave", default="2021")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--data-dir", default=os.environ.get("SURVEY_DATA_DIR"))
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="survey-bench-cache-"))
    os.environ["SURVEY_CACHE_DIR"] = str(scratch / "warm")

    import pandas as pd

    from survey_analysis import cache
    from survey_analysis.sources import SourceError, get_source, locate_file
    from survey_analysis.wave import load_wave

    source = get_source(args.source)
    codebook = source.codebook(args.wave)
    responses = next(f for f in codebook.files if f.role == "responses")
    try:
        path = locate_file(source, args.wave, responses, args.data_dir)
    except SourceError as error:
        print(f"skipped: {str(error).splitlines()[0]}")
        return 0
    encoding = codebook.read.get("encoding", "utf-8")
    load = lambda **kw: load_wave(args.source, args.wave, data_dir=args.data_dir, **kw)  # noqa: E731
    misses = iter(range(10**6))

    def miss() -> None:  # a fresh, empty cache folder each time: build and write the entry
        os.environ["SURVEY_CACHE_DIR"] = str(scratch / f"miss{next(misses)}")
        load()
        os.environ["SURVEY_CACHE_DIR"] = str(scratch / "warm")

    load()  # imports, codebook parsing and the warm entry, outside the timings
    digest = cache.known_digest(path, responses.name)
    try:
        times = median_times({
            "read_csv": lambda: pd.read_csv(path, low_memory=False, encoding=encoding),
            "cold": lambda: load(cache=False),
            "miss": miss,
            "warm": load,
        }, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    base = times["read_csv"]
    print(f"{args.source} {args.wave}: {path.name}, medians of {args.repeat} rounds "
          f"(stat fast path {'on' if digest else 'off: file modified under 2 s ago'})")
    rows = [
        line("pandas.read_csv of the raw file (baseline)", base, base),
        line("cold load_wave (cache=False)", times["cold"], base, "target <= 1.50x",
             times["cold"] <= 1.5 * base),
        line("cache miss (cold load + writing the entry)", times["miss"], base),
        line("warm load_wave (from the cache)", times["warm"], base, "target <= 0.15x",
             times["warm"] <= 0.15 * base),
    ]
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
