"""Regenerate the synthetic demo exports: ``python -m survey_analysis.demo [--out data/demo]``."""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence

from survey_analysis.demo.generator import DEMO_WAVES, write_demo_waves


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``<out>/<wave>.csv.gz`` for the requested waves and print their sha256."""
    parser = argparse.ArgumentParser(
        prog="python -m survey_analysis.demo",
        description="Regenerate the synthetic demo survey exports.",
    )
    parser.add_argument("--out", default="data/demo", help="output folder (default: data/demo)")
    parser.add_argument(
        "--wave",
        action="append",
        choices=DEMO_WAVES,
        help="wave to write (repeatable; default all)",
    )
    args = parser.parse_args(argv)
    for path in write_demo_waves(args.out, args.wave):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{path}  {path.stat().st_size:>8,d} bytes  sha256 {digest[:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
