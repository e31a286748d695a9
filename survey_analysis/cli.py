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
from survey_analysis.render.kernels import MAX_DEFAULT_JOBS, default_jobs

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
        description="Reproducible survey articles (parameterized notebooks) for every wave.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    parser.add_argument("--project", metavar="DIR", type=Path,
                        help="the project folder (default: the folder holding survey-project.yaml "
                        "here or in a parent; without one, the built-in sources only)")
    parser.add_argument("--debug", action="store_true",
                        help="show the full traceback of an error (for reporting a bug)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    render = commands.add_parser(
        "render",
        help="execute article notebooks per wave and publish HTML pages",
        description="Execute each article's notebook (notebooks/<article>.ipynb) once per wave "
        "with papermill, publish reports/<source>/<article>/<wave>.html (no code) with "
        "<wave>.results.json beside it, then the article's trends page "
        "(reports/<source>/<article>/trends.html) and reports/index.html. Without --article, "
        "every article of the source. Pages whose inputs are unchanged are skipped. A failing wave "
        "does not stop the others: its last good page stays published, its executed notebook is "
        "kept as <wave>.failed.ipynb, and the command exits with status 1.",
    )
    render.add_argument("--source", help="survey source (default: the project's "
                        "default_source, else demo)")
    render.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                        help="a wave to render (repeatable; default: every wave of the source)")
    which = render.add_mutually_exclusive_group()
    which.add_argument("--article", action="append", dest="articles", metavar="NAME",
                       help="an article to render, notebooks/NAME.ipynb (repeatable; default: "
                       "every article of the source)")
    which.add_argument("--notebook", type=Path, metavar="PATH",
                       help="render a notebook kept anywhere (an analyst's draft) as an article")
    render.add_argument("--data-dir", help=f"folder with the raw files (default: ${DATA_DIR_ENV} "
                        "or ./data)")
    render.add_argument("--reports-dir", type=Path, default=None,
                        help="where pages are published (default: the project's reports/, "
                        "else ./reports)")
    render.add_argument("--set", action="append", type=_parse_parameter, default=[],
                        dest="parameters", metavar="NAME=VALUE",
                        help="override a notebook parameter, e.g. --set confidence_level=0.9")
    render.add_argument("--force", action="store_true",
                        help="re-render even when inputs are unchanged")
    render.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="at most N kernels alive at once: up to N pages at a time, each in "
                        "its own kernel, the next pages' kernels starting up meanwhile (default: "
                        f"the usable cores, at most {MAX_DEFAULT_JOBS}; here {default_jobs()}); "
                        "1: one page at a time, each kernel started when its page begins")
    render.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the pages on the Dask distributed scheduler at ADDRESS, "
                        "e.g. tcp://10.0.0.5:8786 (workers need this package and the reports "
                        "folder on a shared file system)")

    commands.add_parser("list", help="list the articles, sources and waves",
                        description="List every article with the sources it is rendered for, "
                        "and every source's waves with whether the raw files are found."
                        ).add_argument("--data-dir", help="folder with the raw files")

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

    init = commands.add_parser(
        "init", help="create a project folder (an example source), or draft a codebook from an "
        "export", description="Write a working project into DIR: survey-project.yaml, an example "
        "source with one small synthetic wave, a project variable, and a README; `list`, `check` "
        "and `render` accept it as it is. With --from-csv EXPORT, copy the export into "
        "DIR/data/<source>/ and draft its codebook instead: every column with a guessed kind "
        "(single, multi with its delimiter, number, range, date, free text, id) and every "
        "distinct label of each categorical column mapped to TODO, which `check` reports until "
        "it is replaced.")
    init.add_argument("dir", type=Path, metavar="DIR", help="the project folder to write")
    init.add_argument("--from-csv", type=Path, metavar="EXPORT",
                      help="a raw CSV export (.csv or .csv.gz) to draft a codebook from")
    init.add_argument("--source", help="the new source's name (default: from the export's "
                      "file name)")
    init.add_argument("--wave", help="the wave id (default: the export's file name)")

    check = commands.add_parser(
        "check", help="validate every config file and raw file without rendering",
        description="Check the project's survey-project.yaml, sources.yaml, variables.yaml and "
        "codebooks (and the built-in ones) against their schemas and each other, and every raw "
        "file of the project's sources (or --source) against its codebook: columns, labels, "
        "submission times in the declared format, numbers. Prints one line per problem, "
        "file:line: key: what is wrong, what was expected; exits 1 when there is any.")
    check.add_argument("--source", action="append", dest="sources", metavar="SOURCE",
                       help="check this source's raw files (repeatable; default: the project's "
                       "own sources)")
    check.add_argument("--data-dir", help="folder with the raw files")

    demo = commands.add_parser("demo-data", help="regenerate the synthetic demo waves",
                               description="Write the seeded synthetic demo exports to data/demo.")
    demo.add_argument("--out", type=Path, default=PROJECT_ROOT / "data" / "demo",
                      help="folder to write the waves to (default: data/demo)")
    demo.add_argument("--wave", action="append", dest="waves", metavar="WAVE",
                      help="a wave to write (repeatable; default: every demo wave)")
    demo.add_argument("--respondents", type=int, metavar="N",
                      help="resize each wave to N rows (scale tests; figures keep their targets "
                      "up to sampling noise). Render with --data-dir the folder above --out, "
                      "e.g. --out DIR/demo then --data-dir DIR")

    cache = commands.add_parser(
        "cache", help="show or empty the cache of cleaned wave tables",
        description="Cleaned canonical tables are cached per wave (Parquet) in $SURVEY_CACHE_DIR "
        "or the platform's user cache folder, keyed on the raw files' content, the codebook, the "
        "source's rules and the package; a change to any of them rebuilds the table.")
    cache.add_argument("action", choices=["info", "clear"],
                       help="info: list the cached tables; clear: remove them all")
    return parser


def cmd_render(args: argparse.Namespace) -> int:
    from survey_analysis.render.pageset import describe_os_error
    from survey_analysis.render.progress import ProgressDisplay
    from survey_analysis.render.site import BuildLocked, build_site

    _project_defaults(args)
    reports = Path(args.reports_dir)
    if reports.exists() and not reports.is_dir():
        print(f"survey-report: --reports-dir {reports} is a file, not a folder", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"survey-report: --jobs must be at least 1, got {args.jobs}", file=sys.stderr)
        return 2
    if _report_problems(_render_checks(args)):
        return 1
    try:
        outcomes = build_site(
            source=args.source, waves=args.waves, reports_dir=args.reports_dir,
            parameters=dict(args.parameters), data_dir=args.data_dir, force=args.force,
            jobs=args.jobs, scheduler=args.scheduler, on_progress=ProgressDisplay(sys.stderr),
            articles=args.articles, notebook=args.notebook,
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


def _project_defaults(args: argparse.Namespace) -> None:
    """A project's default source and its reports/ folder, unless given on the command line."""
    from survey_analysis.project import active_project

    project = active_project()
    if args.source is None:
        args.source = (project.default_source if project and project.default_source
                       else "demo")
    if args.reports_dir is None:
        args.reports_dir = project.reports_dir if project else DEFAULT_REPORTS_DIR


def _render_checks(args: argparse.Namespace) -> list:
    """What `check` reports, for the config files and the raw files of a project source.

    A no-op render stays fast: a built-in source's config files that passed unchanged (recorded
    in the reports folder when pages were last written) are not re-read.
    """
    from survey_analysis.project import active_project, source_files

    project = active_project()
    own = project is not None and source_files().get(args.source) == project.sources_file
    from survey_analysis.check import check_config, check_wave_data, config_recently_passed

    if not own and config_recently_passed(args.reports_dir, args.source):
        return []
    problems = check_config(sources=[args.source])
    if problems or not own:
        return problems  # built-in sources' raw files are checked by the loader as it reads
    from survey_analysis.sources import SourceError, get_source

    try:
        waves = args.waves or get_source(args.source).waves
    except SourceError:
        return []  # reported by the renderer with the known sources
    for wave in waves:
        if wave in get_source(args.source).waves:
            problems += check_wave_data(args.source, wave, args.data_dir)
    return problems


def _report_problems(problems: Sequence) -> bool:
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"survey-report: {len(problems)} problem(s); fix them and run `survey-report "
              "check`", file=sys.stderr)
    return bool(problems)


def cmd_check(args: argparse.Namespace) -> int:
    from survey_analysis.check import check_all
    from survey_analysis.project import active_project

    problems = check_all(args.sources, None, args.data_dir)
    if _report_problems(problems):
        return 1
    project = active_project()
    where = f"project {project.root}" if project else "built-in sources (no project)"
    print(f"{where}: no problems found", file=sys.stderr)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from survey_analysis.project_init import InitError, init_from_csv, init_project

    try:
        if args.from_csv:
            written = init_from_csv(args.dir, args.from_csv, args.source, args.wave)
        else:
            if args.source or args.wave:
                print("survey-report: --source and --wave go with --from-csv", file=sys.stderr)
                return 2
            written = init_project(args.dir)
    except InitError as error:
        print(f"survey-report: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    if args.from_csv:
        print("drafted: replace each TODO, then run `survey-report check`", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from survey_analysis.articles import ArticleError, list_articles
    from survey_analysis.codebook import CodebookError
    from survey_analysis.sources import SourceError, get_source, list_sources, locate_file

    try:
        articles = list_articles()
    except ArticleError as error:
        print(f"survey-report: {error}", file=sys.stderr)
        return 2
    print("Articles:")
    for article in articles.values():
        sources = ", ".join(s for s in list_sources() if article.renders_for(s)) or "none"
        print(f"  {article.name}: {article.title} (sources: {sources}; "
              f"{article.notebook.name})")
    print("Sources:")
    broken = 0
    for name in list_sources():
        source = get_source(name)
        shown = [a.name for a in articles.values() if a.renders_for(name)]
        print(f"  {name}: {source.title} (articles: {', '.join(shown) or 'none'})")
        for wave in source.waves:
            try:
                files = source.codebook(wave).files
            except (CodebookError, ValueError) as error:  # one broken codebook: say so, go on
                broken += 1
                print(f"    {wave}  (codebook error: {_one_line(error)})")
                continue
            try:
                for file in files:
                    locate_file(source, wave, file, args.data_dir)
                status = "files found"
            except SourceError:
                status = "raw files missing"
            print(f"    {wave}  ({status})")
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

    try:
        written = write_demo_waves(args.out, args.waves, respondents=args.respondents)
    except (KeyError, ValueError) as error:
        print(f"survey-report: {error.args[0]}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    from survey_analysis import cache

    if args.action == "clear":
        print(f"removed {cache.clear()} file(s) from {cache.cache_dir()}")
        return 0
    found = cache.entries()
    print(f"cache folder: {cache.cache_dir()}")
    for entry in found:
        print(f"  {entry.source} {entry.wave}  {entry.rows:,} rows  {entry.bytes / 1e6:.1f} MB  "
              f"{entry.created}  {entry.path.name[:12]}")
    total = sum(entry.bytes for entry in found)
    print(f"{len(found)} table(s), {total / 1e6:.1f} MB")
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
                "demo-data": cmd_demo_data, "cache": cmd_cache, "init": cmd_init,
                "check": cmd_check}
    from survey_analysis.project import ProjectError, activate, active_project, open_project

    previous = signal.getsignal(signal.SIGINT)
    if (not args.debug and previous is signal.default_int_handler
            and threading.current_thread() is threading.main_thread()):
        signal.signal(signal.SIGINT, _interrupted)
    try:
        if args.project is not None:
            activate(open_project(args.project))  # kernels inherit it through the environment
        elif args.command != "init":
            activate(active_project())
        return handlers[args.command](args)
    except (ProjectError, _config_error()) as error:
        if args.debug:
            raise
        problems = getattr(error, "problems", None)
        if problems:
            _report_problems(problems)
            return 1
        print(f"survey-report: {error}", file=sys.stderr)
        return 2
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


def _config_error() -> type[Exception]:
    """The configuration error class, imported only once a command runs."""
    from survey_analysis.check import ConfigError

    return ConfigError


if __name__ == "__main__":
    sys.exit(main())
