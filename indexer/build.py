"""Bring the index in line with the corpus: add new releases, re-index changed ones,
delete removed ones. One writer at a time; a full build is made aside and swapped in.
"""

import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.parse import parse_release
from indexer.release import Release
from indexer.schema import SCHEMA_VERSION, build_schema, release_document
from indexer.sidecar import parse_sidecar
from indexer.sources import (
    MAX_BYTES, SourceError, SourceFile, content_hash, decode, find_sources, read_bytes, stat_signature,
)

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PARALLEL_FROM = 200  # changed files; below this a second writer process costs more than it saves
# Each writer's in-memory posting pool. Smaller pools spill to disk runs and merge them
# (3,000 releases, one writer: 170/s at 64 MB, 208/s at 256 MB, 223/s at 1,024 MB).
WRITER_MB = 1024
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
RACY_SECONDS = 2.0  # files changed this close to a run's start are re-read next time


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
    data: bytes | None  # None: its signature shows it unchanged, so it was not read
    sidecar_data: bytes
    digest: str
    signature: str


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


class _WriterStorage(store.MappedStorage):
    """Whoosh's folder storage, but each writer gets its own temporary folder.

    Whoosh names a writer's temporary folder after the index, so two writers in one
    index folder (see _apply) would delete each other's files when the first finished.
    """

    def temp_storage(self, name=None):
        return super().temp_storage(f"{random_name()}.tmp")


def _open_index(folder):
    """The Whoosh index in `folder`, opened for writing."""
    return _WriterStorage(str(folder)).open_index()


@contextmanager
def _writing(ix):
    """A Whoosh writer that commits on success and cancels on any error or interrupt.

    Segments are written as separate files, not one compound file: Whoosh reads a
    compound file's parts into memory (a copy of the whole index in every web worker),
    while separate files are mapped and shared through the page cache (webapp.search).
    """
    writer = ix.writer(compound=False)
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
            trusted_before = time.time() - RACY_SECONDS
            sources, summary.ignored = find_sources(corpus_dir)
            present = {s.relpath for s in sources}
            pointer = store.read_pointer(index_dir)
            live = store.live_index_path(index_dir)
            if rebuild or live is None or pointer.get("schema_version") != SCHEMA_VERSION:
                summary.rebuilt = True
                scanned = _scan(sources, max_bytes, summary, progress, {}, {}, trusted_before)
                _build_aside(index_dir, scanned, present, summary, progress)
            else:
                ix = _open_index(live)
                hashes = _indexed_hashes(ix)
                signatures = store.read_signatures(live)
                scanned = _scan(sources, max_bytes, summary, progress, hashes, signatures, trusted_before)
                _apply(ix, scanned, present, hashes, summary, progress)
                ix.close()
                _save_signatures(live, scanned, summary)
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
        ix = _WriterStorage(str(target)).create().create_index(build_schema())
        _apply(ix, scanned, present, {}, summary, progress)
        ix.close()
        _save_signatures(target, scanned, summary)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a half-built index is never published
        raise
    store.publish(index_dir, target, SCHEMA_VERSION)


def _scan(sources, max_bytes, summary, progress, indexed: dict[str, str], signatures: dict[str, str],
          trusted_before: float) -> list[_Scanned]:
    """Read every release and its sidecar and hash them, unless the file's signature is
    the one it was indexed with (it is unchanged, unread); unreadable files go to `failed`."""
    scanned = []
    for done, source in enumerate(sources, 1):
        signature = stat_signature(source, trusted_before)
        if signature and signatures.get(source.relpath) == signature and source.relpath in indexed:
            scanned.append(_Scanned(source, None, b"", indexed[source.relpath], signature))
        else:
            try:
                data = read_bytes(source.path, max_bytes)
                sidecar_data = read_bytes(source.sidecar, max_bytes) if source.sidecar else b""
            except SourceError as exc:
                summary.failed.append((source.relpath, str(exc)))
            else:
                scanned.append(_Scanned(source, data, sidecar_data, content_hash(data, sidecar_data), signature))
        if progress:
            progress("reading", done, len(sources))
    return scanned


def _indexed_hashes(ix) -> dict[str, str]:
    """id -> content hash of every live document, read from columns (no stored fields)."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


def _save_signatures(folder: Path, scanned: list[_Scanned], summary: Summary) -> None:
    """Record the signatures of the files whose content the index now holds (after the
    commit: a stale record only makes the next run read a file it could have skipped)."""
    held = {*summary.unchanged, *summary.added, *summary.updated}
    signatures = {s.source.relpath: s.signature for s in scanned if s.signature and s.source.relpath in held}
    store.write_signatures(folder, signatures)


def _apply(ix, scanned, present, indexed, summary, progress) -> None:
    """Parse what changed and write it as new segments, with deletions, in one commit.

    Past PARALLEL_FROM changed files, a second process parses and writes every other
    release while this one does the rest: Whoosh's writer is pure Python, so two writers
    are what keeps both cores busy. Each writes (and finishes) its own segment, then
    Whoosh's locked writer deletes the old versions and commits both, or neither.
    """
    changed = [s for s in scanned if indexed.get(s.source.relpath) != s.digest]  # unread ones carry the indexed hash
    summary.unchanged = sorted(s.source.relpath for s in scanned if indexed.get(s.source.relpath) == s.digest)
    removed = sorted(set(indexed) - present)
    theirs, mine = (changed[1::2], changed[0::2]) if len(changed) >= PARALLEL_FROM else ([], changed)
    with _writer_process(ix.storage.folder, theirs) as other:

        def report(done: int) -> None:
            if progress:
                progress("indexing", done + other.done, len(changed))

        segment, outcomes = write_segment(ix, mine, report)
        their_segment, their_outcomes = other.result()
    outcomes.update(their_outcomes)
    with _writing(ix) as writer:
        for relpath in removed:
            writer.delete_by_term("id", relpath)
        summary.removed = removed
        for item in changed:
            relpath = item.source.relpath
            written, failure, warning = outcomes[relpath]
            if warning:
                summary.warnings.append((relpath, warning))
            if failure:
                summary.failed.append((relpath, failure))  # a previous version stays indexed
            elif relpath in indexed:
                writer.delete_by_term("id", relpath)  # in the committed segments only
                summary.updated.append(relpath)
            else:
                summary.added.append(relpath)
        writer.segments.extend(s for s in (segment, their_segment) if s is not None)


Outcome = tuple[bool, str | None, str | None]  # (written, failure, sidecar warning)


def write_segment(ix, items: list[_Scanned], report: Callable[[int], None]) -> tuple[object | None, dict[str, Outcome]]:
    """Parse `items` and write them as one finished segment of `ix`, not yet committed.

    The writer takes no lock (only one indexing run holds the run lock) and does not
    commit: _apply commits the segment, as whoosh.multiproc does. Returns the segment
    (None if nothing was written) and each item's outcome.
    """
    writer = _NewSegmentWriter(ix, _lk=False, limitmb=WRITER_MB, compound=False)  # see _writing
    try:
        outcomes = {}
        for done, item in enumerate(items, 1):
            release, failure, warning = _parse(item)
            if release is not None:
                writer.add_document(**release_document(release))
            outcomes[item.source.relpath] = (release is not None, failure, warning)
            report(done)
        if not any(written for written, _, _ in outcomes.values()):
            writer.cancel()
            return None, outcomes
        return writer._finalize_segment(), outcomes  # noqa: SLF001 - whoosh.multiproc's way
    except BaseException:
        writer.cancel()
        raise


class _NewSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, with the new segment's field lengths held in memory while
    its postings are written: the codec asks for a length per posting, and reading each
    from the length column was a tenth of all indexing time."""

    def per_document_reader(self):
        return _Lengths(super().per_document_reader())


class _Lengths:
    """A per-document reader whose doc_field_length reads each field's lengths once."""

    def __init__(self, reader):
        self._reader = reader
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(n, fieldname, default) for n in range(self._reader.doc_count_all())]
        return lengths[docnum]

    def __getattr__(self, name):
        return getattr(self._reader, name)


class _WriterProcess:
    """write_segment in a spawned process, for the other half of a large run; see _apply."""

    def __init__(self, folder: str, items: list[_Scanned]):
        context = multiprocessing.get_context("spawn")
        # "spawn", not "fork": a forked child would inherit the run lock's descriptor and
        # could keep the lock held after this process died.
        self._done = context.RawValue("i", 0)
        self._results, sending = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_write_segment_process, args=(folder, items, sending, self._done, os.getpid()), daemon=True
        )
        self._process.start()
        sending.close()

    @property
    def done(self) -> int:
        return self._done.value

    def result(self) -> tuple[object | None, dict[str, Outcome]]:
        """Wait for the other process's segment and outcomes."""
        try:
            kind, payload = self._results.recv()
        except EOFError:
            raise RuntimeError("the second indexing process died before finishing its segment") from None
        finally:
            self._process.join()
        if kind == "oserror":
            raise OSError(*payload)
        if kind == "error":
            raise RuntimeError(f"the second indexing process failed: {payload}")
        return payload

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._results.close()


class _NoWriterProcess:
    """Stands in for _WriterProcess when this process writes everything itself."""

    done = 0

    def result(self) -> tuple[None, dict[str, Outcome]]:
        return None, {}


@contextmanager
def _writer_process(folder: str, items: list[_Scanned]):
    if not items:
        yield _NoWriterProcess()
        return
    other = _WriterProcess(folder, items)
    try:
        yield other
    finally:
        other.stop()


def _write_segment_process(folder: str, items: list[_Scanned], results, done, parent: int) -> None:
    """Entry point of the second process: write_segment, with the outcome sent back."""
    _die_with(parent)

    def report(count: int) -> None:
        done.value = count

    try:
        outcome = write_segment(_open_index(folder), items, report)
    except OSError as exc:
        results.send(("oserror", (exc.errno, exc.strerror or str(exc))))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the run
        results.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        results.send(("ok", outcome))


def _die_with(parent: int) -> None:
    """Have Linux SIGKILL this process when its parent dies, and exit if it already has."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


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
