"""A cache of each wave's canonical, cleaned table (Parquet), keyed on everything it is made from.

An entry is served only when its key matches, and the key is a sha256 over content, never over
paths: the sha256 of every raw input file (uncompressed bytes), the wave's codebook as resolved
(``extends`` merged), the source's entry in ``sources.yaml`` (cleaning rules, populations), the
canonical variables, the loading code itself, the package version and the pandas and pyarrow
versions. Changing any of them gives another key, so a stale table is never read.

Hashing a 35 MB raw file costs about as much as reading the cached table, so a file's digest is
remembered with its stat signature (size, mtime_ns, ctime_ns, inode, device), the rule of make
and of git's index. The signature is trusted only when the file had not been modified for
:data:`RACY_SECONDS` before it was hashed (git's "racy" rule: a write within the timestamp's
granularity could leave the signature unchanged); otherwise the file is hashed again. ``ctime``
cannot be set from user space, so even a rewrite that restores size and mtime is seen.

Entries live in ``$SURVEY_CACHE_DIR``, else the platform's user cache folder
(``platformdirs.user_cache_dir("survey-analysis")``): ``tables/<source>/<wave>/<key>.parquet``
(the table; the cleaning log and key parts in the Parquet metadata) and ``files/<id>.json`` (file
digests). Every file is written to a temporary name and renamed, so a reader sees a whole entry
or none; an unreadable entry is rebuilt. ``survey-report cache info|clear`` shows or empties it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from survey_analysis.cleaning import LogEntry
    from survey_analysis.codebook import Codebook
    from survey_analysis.sources import Source

from survey_analysis.render.fingerprint import write_atomic

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "SURVEY_CACHE_DIR"
FORMAT = 1  # bump when the entry layout changes
RACY_SECONDS = 2.0
KEEP_PER_WAVE = 3  # entries kept per (source, wave): other checkouts may use older ones
_META_KEY = b"survey_analysis"
# The modules whose code decides the cleaned table's content (a change re-keys every entry).
_LOADER_FILES = ("sources.py", "codebook.py", "cleaning.py", "schema.py", "wave.py",
                 "variables.py", "cache.py", "codebooks/variables.yaml")


def cache_dir() -> Path:
    """``$SURVEY_CACHE_DIR``, else the platform's user cache folder for this package."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("survey-analysis", appauthor=False))


# --- file digests ------------------------------------------------------------------------------


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _digest_record(path: Path, member: str) -> Path:
    ident = hashlib.sha256(f"{Path(path).resolve()}\0{member}".encode()).hexdigest()[:32]
    return cache_dir() / "files" / f"{ident}.json"


def known_digest(path: Path, member: str) -> str | None:
    """The sha256 recorded for ``path`` (its ``member`` if an archive) when its stat signature
    is unchanged and was not racily fresh when hashed; None means "hash it"."""
    try:
        st = os.stat(path)
        record = json.loads(_digest_record(path, member).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("stat") != _signature(st):
        return None
    fresh_ns = int(record.get("hashed_at_ns", 0)) - max(st.st_mtime_ns, st.st_ctime_ns)
    if fresh_ns < RACY_SECONDS * 1e9:
        return None
    digest = record.get("sha256")
    return digest if isinstance(digest, str) and len(digest) == 64 else None


def remember_digest(path: Path, member: str, digest: str, hashed_at_ns: int) -> None:
    """Record ``digest`` for ``path`` as it was when hashing started (``hashed_at_ns``)."""
    try:
        st = os.stat(path)
        record = {"path": str(Path(path).resolve()), "member": member, "sha256": digest,
                  "stat": _signature(st), "hashed_at_ns": hashed_at_ns}
        write_atomic(_digest_record(path, member), json.dumps(record).encode())
    except OSError as error:
        _cannot_write(error)


# --- keys --------------------------------------------------------------------------------------


@cache
def loader_digest() -> str:
    """sha256 of the loading code and the canonical variables (content, not paths)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _LOADER_FILES:
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    return digest.hexdigest()


def package_version() -> str:
    from survey_analysis.render.fingerprint import package_version as version

    return version()


@cache
def _library_versions() -> dict[str, str]:
    import pandas
    import pyarrow

    return {"pandas": pandas.__version__, "pyarrow": pyarrow.__version__}


_digests: dict[int, tuple[Any, str]] = {}


def content_digest(value: Any, drop: Sequence[str] = ()) -> str:
    """sha256 of a dataclass's fields as JSON (``drop``: fields left out), memoised per object
    (the object is kept alive, so its id is not reused)."""
    memo = _digests.get(id(value))
    if memo is not None and memo[0] is value:
        return memo[1]
    fields = {k: v for k, v in asdict(value).items() if k not in drop}
    text = json.dumps(fields, sort_keys=True, default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    _digests[id(value)] = (value, digest)
    return digest


def key_parts(source: Source, codebook: Codebook,
              digests: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Everything a wave's cleaned table is made from, as content digests."""
    return {
        "format": FORMAT,
        "files": [list(pair) for pair in digests],
        # where the codebook lives is not what it says: its path is left out
        "codebook": content_digest(codebook, drop=("path",)),
        "source": content_digest(source),
        "loader": loader_digest(),
        "package_version": package_version(),
        "libraries": _library_versions(),
    }


def key_of(parts: Mapping[str, Any]) -> str:
    """The cache key: sha256 of the key parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def wave_key(source: Source, codebook: Codebook, digests: Sequence[tuple[str, str]]) -> str:
    """The cache key of a wave's cleaned table (see :func:`key_parts`)."""
    return key_of(key_parts(source, codebook, digests))


# --- entries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedTable:
    """A cleaned table read back from the cache, with its cleaning log."""

    cleaned: pd.DataFrame
    log: tuple[LogEntry, ...]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "_"


def entry_path(source: str, wave: str, key: str) -> Path:
    return cache_dir() / "tables" / _safe(source) / _safe(wave) / f"{key}.parquet"


def read_table(source: str, wave: str, key: str) -> CachedTable | None:
    """The cached table for ``key``, or None (absent, unreadable, or recorded under another key)."""
    path = entry_path(source, wave, key)
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    from survey_analysis.cleaning import LogEntry

    try:
        table = pq.read_table(path)
        meta = json.loads(table.schema.metadata[_META_KEY])
        if meta.get("key") != key or meta.get("format") != FORMAT:
            return None
        log = tuple(LogEntry(**entry) for entry in meta["log"])
        cleaned = table.to_pandas()
    except Exception as error:  # a damaged entry is rebuilt, not trusted
        logger.warning("cache entry %s unreadable (%s); rebuilding it", path, error)
        return None
    return CachedTable(cleaned, log)


def write_table(source: str, wave: str, key: str, cleaned: pd.DataFrame,
                log: Sequence[LogEntry], parts: Mapping[str, Any]) -> Path | None:
    """Store a cleaned table under ``key`` atomically; None if the cache cannot be written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = entry_path(source, wave, key)
    meta = {"format": FORMAT, "key": key, "source": source, "wave": wave,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "log": [asdict(entry) for entry in log],
            "files": parts.get("files"), "package_version": parts.get("package_version")}
    table = pa.Table.from_pandas(cleaned, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           _META_KEY: json.dumps(meta).encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="lz4")
    try:
        write_atomic(path, buffer.getvalue())
        _prune(path.parent, keep=path)
    except OSError as error:
        _cannot_write(error)
        return None
    return path


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest entries of one wave; another process may be pruning at the same time."""
    dated = []
    for path in folder.glob("*.parquet"):
        with contextlib.suppress(FileNotFoundError):
            dated.append((path.stat().st_mtime_ns, path))
    older = [path for _, path in sorted(dated, reverse=True) if path != keep]
    for path in older[KEEP_PER_WAVE - 1:]:
        path.unlink(missing_ok=True)


_warned: set[str] = set()


def _cannot_write(error: OSError) -> None:
    where = str(cache_dir())
    if where not in _warned:  # once per process: loading still works, only slower
        _warned.add(where)
        logger.warning("cannot write the cache in %s (%s); set $%s to a writable folder",
                       where, error, CACHE_DIR_ENV)


# --- survey-report cache info|clear ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CacheEntry:
    source: str
    wave: str
    path: Path
    bytes: int
    created: str
    rows: int


def entries() -> list[CacheEntry]:
    """Every cached table, by source and wave."""
    import pyarrow.parquet as pq

    found = []
    for path in sorted((cache_dir() / "tables").glob("*/*/*.parquet")):
        try:
            meta_file = pq.read_metadata(path)
            meta = json.loads(meta_file.metadata[_META_KEY])
            rows = meta_file.num_rows
        except Exception:
            meta, rows = {}, -1
        found.append(CacheEntry(meta.get("source", path.parent.parent.name),
                                meta.get("wave", path.parent.name), path, path.stat().st_size,
                                meta.get("created", "?"), rows))
    return found


def clear() -> int:
    """Remove every cache file (tables and file digests); return how many were removed."""
    removed = 0
    root = cache_dir()
    for sub in ("tables", "files"):
        for path in sorted((root / sub).rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
                removed += 1
            elif path.is_dir():
                path.rmdir()
    return removed
