"""Publishing a page's files as one unit: all replaced, or none.

A page is several files (html, results, executed notebook, changes) and its manifest
(``<name>.inputs.json``). Publishing them:

1. **stage**: every new file is written beside its target as a hidden ``.<name>.<random>.staged``
   file and flushed to disk. A full disk or a read-only folder fails here, before anything
   published is touched; the staged files are removed.
2. **journal**: the list of renames is written (atomically) as ``.<page>.publish.json``.
3. **switch**: each staged file is renamed over its target (``rename`` is atomic and needs no
   space), the manifest last; then the journal is removed. Ctrl-C is held back until the switch
   is done.

A process killed during the switch leaves the journal, and the next build rolls it forward
(:func:`recover`) before anything else. The manifest records every file's size, modification time
and sha256 (:func:`published_record`), and :func:`intact` checks them at every build, so a page
whose files disagree for any other reason (edited, restored from a backup, half copied) is
rendered again. This is the write-ahead-log pattern of databases (e.g. SQLite's rollback/WAL
journals) applied to a handful of files.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import signal
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

STAGED_SUFFIX = ".staged"
JOURNAL_SUFFIX = ".publish.json"

_UMASK = os.umask(0)
os.umask(_UMASK)


class PublishError(OSError):
    """The page's files could not be written; nothing published was changed."""


def describe_os_error(error: OSError, where: Path | str) -> str:
    """One line for a failed write: where, and why in words (full disk, read-only, no rights)."""
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a path component is a file, not a folder",
        errno.EEXIST: "a file is in the way of a folder",
    }.get(error.errno or 0, error.strerror or str(error))
    return f"cannot write {where}: {reason}"


def _staged_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{STAGED_SUFFIX}")


def journal_path(manifest: Path) -> Path:
    return manifest.with_name(f".{manifest.name}{JOURNAL_SUFFIX}")


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 & ~_UMASK)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def file_record(path: Path) -> list[Any]:
    """``[size, mtime_ns, sha256]`` of a file."""
    st = os.stat(path)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return [st.st_size, st.st_mtime_ns, digest.hexdigest()]


@contextlib.contextmanager
def _hold_interrupts() -> Iterator[None]:
    """Defer SIGINT/SIGTERM until the block ends (main thread only), then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda signum, _frame: received.append(signum))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            os.kill(os.getpid(), received[0])


def publish(files: Mapping[Path, bytes | str], manifest: Path,
            manifest_value: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Replace ``files`` and then ``manifest`` (JSON of ``manifest_value`` plus a ``published``
    record of the files) as one unit; raise :class:`PublishError` with nothing changed when a
    file cannot be written. Returns the ``published`` record."""
    manifest = Path(manifest)
    folder = manifest.parent
    staged: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        published: dict[str, list[Any]] = {}
        for target, content in files.items():
            target = Path(target)
            data = content.encode("utf-8") if isinstance(content, str) else content
            temp = _staged_name(target)
            staged.append((temp, target))
            _write_synced(temp, data)
            published[target.name] = file_record(temp)  # a rename keeps size and mtime
        value = {**manifest_value, "published": published}
        temp = _staged_name(manifest)
        staged.append((temp, manifest))
        _write_synced(temp, (json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True)
                             + "\n").encode("utf-8"))
        journal = journal_path(manifest)
        plan = [[str(t), str(d)] for t, d in staged]
        journal_temp = _staged_name(journal)
        _write_synced(journal_temp, json.dumps(plan).encode("utf-8"))
        os.replace(journal_temp, journal)
    except BaseException as error:  # a full disk, or Ctrl-C while staging: remove what was staged
        for temp, _ in staged:
            Path(temp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise PublishError(error.errno, describe_os_error(error, folder)
                               + "; nothing published was changed") from None
        raise
    with _hold_interrupts():
        _switch(plan)
        journal.unlink(missing_ok=True)
        _sync_folder(folder)
    return published


def _switch(plan: list[list[str]]) -> None:
    for temp, target in plan:
        if os.path.exists(temp):
            os.replace(temp, target)


def recover(reports_dir: Path) -> list[Path]:
    """Finish every switch a killed build left half done (roll its journal forward), then remove
    staged files no journal names. Returns the manifests of the pages completed."""
    reports_dir = Path(reports_dir)
    completed = []
    for journal in sorted(reports_dir.glob(f"**/.*{JOURNAL_SUFFIX}")):
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal.unlink(missing_ok=True)  # a journal is written atomically: unreadable = junk
            continue
        _switch(plan)
        journal.unlink(missing_ok=True)
        completed.append(Path(plan[-1][1]))
    for orphan in reports_dir.glob(f"**/.*{STAGED_SUFFIX}"):
        orphan.unlink(missing_ok=True)
    return completed


def intact(folder: Path, record: Any) -> bool:
    """Whether the files a manifest lists are the ones it was published with.

    Size and modification time first (cheap); a file whose metadata moved but whose content is
    the same (copied with its folder) still counts, by its sha256.
    """
    published = record.get("published") if isinstance(record, dict) else None
    if not isinstance(published, dict) or not published:
        return False
    for name, expected in published.items():
        path = Path(folder) / name
        try:
            st = os.stat(path)
        except OSError:
            return False
        size, mtime_ns, digest = expected
        if st.st_size != size:
            return False
        if st.st_mtime_ns != mtime_ns and file_record(path)[2] != digest:
            return False
    return True
