"""``survey-report``: render per-wave articles, list sources and waves, make the demo data.

The commands only parse arguments and call one package function each.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from survey_analysis.render.batch import PROJECT_ROOT, RenderOutcome
from survey_analysis.sources import DATA_DIR_ENV

EPILOG = f"""
Raw files are looked for in --data-dir, then ${DATA_DIR_ENV}, then ./data, as
<dir>/<source>/<file>. The demo source's synthetic files are committed under data/demo.
"""


def _parse_parameter(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    import yaml

    return name.strip(), yaml.safe_load(value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="survey-report",
        description="Reproducible TensorFlow-vs-PyTorch articles for every developer-survey wave.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser(
        "render",
        help="execute the article notebook per wave and publish HTML pages",
        description="Execute notebooks/framework_battle.ipynb once per wave with papermill, "
        "publish reports/<source>/<wave>.html (no code) with <wave>.results.json beside it, "
        "then the source's trends page and reports/index.html. Unchanged waves are skipped.",
    )
    render.add_argument("--source", default="demo", help="survey source (default: demo)")
    render.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                        help="a wave to render (repeatable; default: every wave of the source)")
    render.add_argument("--data-dir", help=f"folder with the raw files (default: ${DATA_DIR_ENV} "
                        "or ./data)")
    render.add_argument("--reports-dir", type=Path, default=PROJECT_ROOT / "reports",
                        help="where pages are published (default: ./reports)")
    render.add_argument("--set", action="append", type=_parse_parameter, default=[],
                        dest="parameters", metavar="NAME=VALUE",
                        help="override a notebook parameter, e.g. --set confidence_level=0.9")
    render.add_argument("--force", action="store_true",
                        help="re-render even when inputs are unchanged")
    render.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="render N waves at once, in separate processes")
    render.add_argument("--scheduler", metavar="ADDRESS",
                        help="run waves on a Dask distributed scheduler at ADDRESS")

    commands.add_parser("list", help="list the sources and their waves",
                        description="List every source, its waves, and whether the raw files "
                        "are found.").add_argument("--data-dir", help="folder with the raw files")

    demo = commands.add_parser("demo-data", help="regenerate the synthetic demo waves",
                               description="Write the seeded synthetic demo exports to data/demo.")
    demo.add_argument("--out", type=Path, default=PROJECT_ROOT / "data" / "demo")
    return parser


def _progress(outcome: RenderOutcome, done: int, total: int) -> None:
    job = outcome.job
    detail = f" - {outcome.failure}" if outcome.failure else ""
    print(f"[{done}/{total}] {job.source} {job.stem.name}: {outcome.status} "
          f"({outcome.seconds:.1f} s){detail}", file=sys.stderr, flush=True)


def cmd_render(args: argparse.Namespace) -> int:
    from survey_analysis.render.site import build_site

    outcomes = build_site(
        source=args.source, waves=args.waves, reports_dir=args.reports_dir,
        parameters=dict(args.parameters), data_dir=args.data_dir, force=args.force,
        jobs=args.jobs, scheduler=args.scheduler, on_progress=_progress,
    )
    failures = [o.failure for o in outcomes if o.failure is not None]
    rendered = sum(o.status == "rendered" for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    print(f"{rendered} rendered, {skipped} unchanged, {len(failures)} failed; "
          f"index: {args.reports_dir / 'index.html'}", file=sys.stderr)
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
        if failure.failed_notebook:
            print(f"  executed notebook kept at {failure.failed_notebook}", file=sys.stderr)
    return 1 if failures else 0


def cmd_list(args: argparse.Namespace) -> int:
    from survey_analysis.sources import SourceError, get_source, list_sources, locate_file

    for name in list_sources():
        source = get_source(name)
        print(f"{name}: {source.title}")
        for wave in source.waves:
            try:
                for file in source.codebook(wave).files:
                    locate_file(source, wave, file, args.data_dir)
                status = "files found"
            except SourceError:
                status = "raw files missing"
            print(f"  {wave}  ({status})")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from survey_analysis.demo import write_demo_waves

    for path in write_demo_waves(args.out):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handlers = {"render": cmd_render, "list": cmd_list, "demo-data": cmd_demo_data}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
