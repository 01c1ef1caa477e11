"""Bring the index in line with the corpus: add new releases, re-index changed ones,
delete removed ones. One writer at a time; a full build is made aside and swapped in.
"""

import fcntl
import multiprocessing
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index

from indexer import store
from indexer.parse import parse_release
from indexer.release import Release
from indexer.schema import SCHEMA_VERSION, build_schema, release_document
from indexer.sidecar import parse_sidecar
from indexer.sources import MAX_BYTES, SourceError, SourceFile, content_hash, decode, find_sources, read_bytes

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PARALLEL_PARSE_FROM = 200  # changed files; below this a parser process costs more than it saves


class IndexBusy(Exception):
    """Another indexing run holds the lock on this index folder."""


class IndexWriteFailed(Exception):
    """The index could not be written (a full disk, say); the previous one is intact."""


@dataclass
class Summary:
    """What one indexing run did, for the terminal and for tests."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # indexed, but see reason
    ignored: list[tuple[str, str]] = field(default_factory=list)  # not release files
    rebuilt: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.warnings


@dataclass
class _Scanned:
    source: SourceFile
    data: bytes
    sidecar_data: bytes
    digest: str


@contextmanager
def writer_lock(index_dir: Path):
    """Hold the index folder's run lock; the OS releases it if the process dies."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / store.LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise IndexBusy(
                f"another indexing run (pid {holder}) is updating {index_dir}; "
                "wait for it to finish, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@contextmanager
def _writing(ix, **kwargs):
    """A Whoosh writer that commits on success and cancels on any error or interrupt."""
    writer = ix.writer(**kwargs)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    else:
        writer.commit()


def update_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    rebuild: bool = False,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
) -> Summary:
    """Index `corpus_dir` into `index_dir` incrementally (or from scratch with rebuild)."""
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus_dir} does not exist")
    summary = Summary()
    try:
        with writer_lock(index_dir):
            store.discard_abandoned(index_dir)
            sources, summary.ignored = find_sources(corpus_dir)
            scanned = _scan(sources, max_bytes, summary, progress)
            present = {s.relpath for s in sources}
            pointer = store.read_pointer(index_dir)
            live = store.live_index_path(index_dir)
            if rebuild or live is None or pointer.get("schema_version") != SCHEMA_VERSION:
                summary.rebuilt = True
                _build_aside(index_dir, scanned, present, summary, progress)
            else:
                ix = whoosh_index.open_dir(live)
                _apply(ix, scanned, present, _indexed_hashes(ix), summary, progress)
                ix.close()
    except OSError as exc:
        raise IndexWriteFailed(
            f"could not write the index in {index_dir}: {exc.strerror or exc}; "
            "the index is as it was before this run"
        ) from exc
    summary.seconds = time.perf_counter() - started
    return summary


def _build_aside(index_dir: Path, scanned, present, summary, progress) -> None:
    """Write a complete new index in its own directory, then publish it atomically."""
    target = store.new_index_path(index_dir)
    try:
        ix = whoosh_index.create_in(target, build_schema())
        _apply(ix, scanned, present, {}, summary, progress)
        ix.close()
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a half-built index is never published
        raise
    store.publish(index_dir, target, SCHEMA_VERSION)


def _scan(sources, max_bytes, summary, progress) -> list[_Scanned]:
    """Read every release and its sidecar and hash them; unreadable files go to `failed`."""
    scanned = []
    for done, source in enumerate(sources, 1):
        try:
            data = read_bytes(source.path, max_bytes)
            sidecar_data = read_bytes(source.sidecar, max_bytes) if source.sidecar else b""
        except SourceError as exc:
            summary.failed.append((source.relpath, str(exc)))
        else:
            scanned.append(_Scanned(source, data, sidecar_data, content_hash(data, sidecar_data)))
        if progress:
            progress("reading", done, len(sources))
    return scanned


def _indexed_hashes(ix) -> dict[str, str]:
    """id -> content hash of every live document, read from columns (no stored fields)."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


def _apply(ix, scanned, present, indexed, summary, progress) -> None:
    """Parse what changed and write it, with deletions, in one commit."""
    changed = [s for s in scanned if indexed.get(s.source.relpath) != s.digest]
    summary.unchanged = sorted(s.source.relpath for s in scanned if indexed.get(s.source.relpath) == s.digest)
    removed = sorted(set(indexed) - present)
    # A large in-memory posting pool: at 256 MB a 10,000-release build spills to disk runs
    # and merges them (3,000 releases: 208/s at 256 MB, 223/s at 1,024 MB, 170/s at 64 MB).
    with _writing(ix, limitmb=1024) as writer, _parser_pool(len(changed)) as pool:
        for relpath in removed:
            writer.delete_by_term("id", relpath)
        summary.removed = removed
        parsed = pool.imap(_parse, changed, chunksize=16) if pool else map(_parse, changed)
        for done, (item, (release, failure, warning)) in enumerate(zip(changed, parsed), 1):
            relpath = item.source.relpath
            if warning:
                summary.warnings.append((relpath, warning))
            if failure:
                summary.failed.append((relpath, failure))
            elif item.source.relpath in indexed:
                writer.delete_by_term("id", relpath)
                summary.updated.append(relpath)
            else:
                summary.added.append(relpath)
            if release is not None:
                writer.add_document(**release_document(release))
            if progress:
                progress("indexing", done, len(changed))


@contextmanager
def _parser_pool(count: int):
    """A process that parses ahead while this one writes: parsing is a third of the work,
    and Whoosh's writer keeps one core busy. Not worth starting for a few files."""
    if count < PARALLEL_PARSE_FROM:
        yield None
        return
    # "spawn", not "fork": a forked worker would inherit the run lock's descriptor and, if
    # this process were killed, keep the lock held (and itself alive) indefinitely.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        yield pool


def _parse(item: _Scanned) -> tuple[Release | None, str | None, str | None]:
    """Decode and parse one release: (release, failure, sidecar warning); never raises."""
    warning = sidecar = None
    if item.sidecar_data:
        try:
            sidecar = parse_sidecar(item.sidecar_data)
        except SourceError as exc:
            warning = f"{exc}; indexed without the sidecar"
    try:
        text = decode(item.data)
        release = parse_release(
            item.source.relpath, text, is_html=item.source.is_html, sidecar=sidecar, content_hash=item.digest
        )
    except SourceError as exc:
        return None, str(exc), warning
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other releases
        return None, f"could not parse: {type(exc).__name__}: {exc}", warning
    return release, None, warning
