"""``survey-report``: render per-wave articles, list sources and waves, make the demo data.

The commands only parse arguments and call one package function each.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from survey_analysis.render.jobs import DEFAULT_REPORTS_DIR, PROJECT_ROOT

# Importing survey_analysis.sources would load pandas; tests check the two names agree.
DATA_DIR_ENV = "SURVEY_DATA_DIR"

EPILOG = f"""
Raw files are looked for in --data-dir, then ${DATA_DIR_ENV}, then ./data, at the
path each wave's codebook names under <dir>/<source>/, plain, .gz or inside a .zip:
e.g. <dir>/kaggle/2021/kaggle_survey_2021_responses.csv.gz. The demo source's
synthetic files are committed as data/demo/<wave>.csv.gz.
"""


EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention


def _parse_parameter(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    import yaml

    try:
        return name.strip(), yaml.safe_load(value)
    except yaml.YAMLError:
        return name.strip(), value  # not a YAML scalar: the text itself (then type-checked)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="survey-report",
        description="Reproducible TensorFlow-vs-PyTorch articles for every developer-survey wave.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (for reporting a bug)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser(
        "render",
        help="execute the article notebook per wave and publish HTML pages",
        description="Execute notebooks/framework_battle.ipynb once per wave with papermill, "
        "publish reports/<source>/<wave>.html (no code) with <wave>.results.json beside it, "
        "then the source's trends page (notebooks/trends.ipynb -> reports/<source>/trends.html) "
        "and reports/index.html. Pages whose inputs are unchanged are skipped. A failing wave "
        "does not stop the others: its last good page stays published, its executed notebook is "
        "kept as <wave>.failed.ipynb, and the command exits with status 1.",
    )
    render.add_argument("--source", default="demo", help="survey source (default: demo)")
    render.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                        help="a wave to render (repeatable; default: every wave of the source)")
    render.add_argument("--data-dir", help=f"folder with the raw files (default: ${DATA_DIR_ENV} "
                        "or ./data)")
    render.add_argument("--reports-dir", type=Path, default=DEFAULT_REPORTS_DIR,
                        help="where pages are published (default: ./reports)")
    render.add_argument("--set", action="append", type=_parse_parameter, default=[],
                        dest="parameters", metavar="NAME=VALUE",
                        help="override a notebook parameter, e.g. --set confidence_level=0.9")
    render.add_argument("--force", action="store_true",
                        help="re-render even when inputs are unchanged")
    render.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="render N waves at once, in separate processes (default: 1)")
    render.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the pages on the Dask distributed scheduler at ADDRESS, "
                        "e.g. tcp://10.0.0.5:8786 (workers need this package and the reports "
                        "folder on a shared file system)")

    commands.add_parser("list", help="list the sources and their waves",
                        description="List every source, its waves, and whether the raw files "
                        "are found.").add_argument("--data-dir", help="folder with the raw files")

    download = commands.add_parser(
        "download", help="fetch a wave's raw files from their publisher",
        description="Run the publisher's own command-line tool (for Kaggle: `kaggle`, which needs "
        "`pip install kaggle` and an API token in ~/.kaggle/kaggle.json) to download each wave "
        "into DATA_DIR/<source>/<wave>/, where `render` finds it.")
    download.add_argument("--source", default="kaggle", help="survey source (default: kaggle)")
    download.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                          help="a wave to download (repeatable; default: every wave)")
    download.add_argument("--data-dir", help="where to put the files (default: "
                          "$SURVEY_DATA_DIR or ./data)")

    demo = commands.add_parser("demo-data", help="regenerate the synthetic demo waves",
                               description="Write the seeded synthetic demo exports to data/demo.")
    demo.add_argument("--out", type=Path, default=PROJECT_ROOT / "data" / "demo",
                      help="folder to write the waves to (default: data/demo)")
    demo.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                      help="a wave to write (repeatable; default: every demo wave)")
    return parser


def cmd_render(args: argparse.Namespace) -> int:
    from survey_analysis.render.pageset import describe_os_error
    from survey_analysis.render.progress import ProgressDisplay
    from survey_analysis.render.site import BuildLocked, build_site

    reports = Path(args.reports_dir)
    if reports.exists() and not reports.is_dir():
        print(f"survey-report: --reports-dir {reports} is a file, not a folder", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"survey-report: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    try:
        outcomes = build_site(
            source=args.source, waves=args.waves, reports_dir=args.reports_dir,
            parameters=dict(args.parameters), data_dir=args.data_dir, force=args.force,
            jobs=args.jobs, scheduler=args.scheduler, on_progress=ProgressDisplay(sys.stderr),
        )
    except (BuildLocked, ValueError) as error:
        if args.debug:
            raise
        print(f"survey-report: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if args.debug:
            raise
        print(f"survey-report: {describe_os_error(error, error.filename or reports)}",
              file=sys.stderr)
        return 2
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
    from survey_analysis.codebook import CodebookError
    from survey_analysis.sources import SourceError, get_source, list_sources, locate_file

    broken = 0
    for name in list_sources():
        source = get_source(name)
        print(f"{name}: {source.title}")
        for wave in source.waves:
            try:
                files = source.codebook(wave).files
            except (CodebookError, ValueError) as error:  # one broken codebook: say so, go on
                broken += 1
                print(f"  {wave}  (codebook error: {_one_line(error)})")
                continue
            try:
                for file in files:
                    locate_file(source, wave, file, args.data_dir)
                status = "files found"
            except SourceError:
                status = "raw files missing"
            print(f"  {wave}  ({status})")
    if broken:
        print(f"survey-report: {broken} codebook(s) could not be read", file=sys.stderr)
    return 1 if broken else 0


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def cmd_download(args: argparse.Namespace) -> int:
    from survey_analysis.download import DownloadError, download_wave
    from survey_analysis.sources import SourceError, get_source

    try:
        waves = args.waves or list(get_source(args.source).waves)
        for wave in waves:
            print(download_wave(args.source, wave, args.data_dir))
    except (DownloadError, SourceError) as error:
        print(f"survey-report: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from survey_analysis.demo import write_demo_waves

    for path in write_demo_waves(args.out, args.waves):
        print(path)
    return 0


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C: stop, and keep the teardown's noise (a kernel dying mid-cell, logged by papermill
    and asyncio) off the terminal; the one line is printed by :func:`main`."""
    logging.disable(logging.CRITICAL)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. A user's error is one line on stderr (``--debug``: the traceback);
    Ctrl-C exits with 130 after temporary files are removed (each writer removes its own)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    handlers = {"render": cmd_render, "list": cmd_list, "download": cmd_download,
                "demo-data": cmd_demo_data}
    previous = signal.getsignal(signal.SIGINT)
    if (not args.debug and previous is signal.default_int_handler
            and threading.current_thread() is threading.main_thread()):
        signal.signal(signal.SIGINT, _interrupted)
    try:
        return handlers[args.command](args)
    except BrokenPipeError:  # the output's reader went away (e.g. `| head`): nothing to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (Python's own advice for this case)
        return 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("survey-report: interrupted; published pages are as they were before, or "
              "complete", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        if args.debug:
            raise
        print(f"survey-report: {type(error).__name__}: {_one_line(error)} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return 1
    finally:
        if signal.getsignal(signal.SIGINT) is _interrupted:
            signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    sys.exit(main())
