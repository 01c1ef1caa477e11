"""Bring the index in line with the corpus: add new releases, re-index changed ones,
delete removed ones. One run at a time; a full build is made aside and swapped in.

A run scans the corpus (indexer.sources), plans what changed (indexer.plan), has the
writers read, parse and write it (indexer.writer), commits once, and reports it all in
a Summary.
"""

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from indexer import store, vocabulary, writer
from indexer.namebook import NameBook
from indexer.plan import Plan, Scanned, plan_run
from indexer.schema import SCHEMA_VERSION, build_schema
from indexer.sources import MAX_BYTES, OUTSIDE, SourceError, content_hash, find_sources, read_bytes, stat_signature

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PARALLEL_FROM = 200  # changed files; below this a second writer process costs more than it saves
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
    skipped: list[tuple[str, str]] = field(default_factory=list)  # refused: links out of the corpus
    rebuilt: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.warnings and not self.skipped


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
    try:
        with writer_lock(index_dir):
            store.discard_abandoned(index_dir)
            trusted_before = time.time() - RACY_SECONDS
            sources, ignored = find_sources(corpus_dir)
            pointer = store.read_pointer(index_dir)
            live = store.live_index_path(index_dir)
            rebuilt = rebuild or live is None or pointer.get("schema_version") != SCHEMA_VERSION
            if rebuilt:
                scanned = _scan(sources, max_bytes, progress, {}, {}, trusted_before)
                plan = plan_run(scanned, {})
                outcomes = _build_aside(index_dir, scanned, plan, max_bytes, progress)
            else:
                ix = writer.open_index(live)
                indexed = writer.indexed_hashes(ix)
                signatures = store.read_signatures(live)
                scanned = _scan(sources, max_bytes, progress, indexed, signatures, trusted_before)
                plan = plan_run(scanned, indexed)
                outcomes = _apply(ix, plan, scanned, max_bytes, progress, None)
                ix.close()
                _save_signatures(live, scanned, plan, outcomes)
    except OSError as exc:
        raise IndexWriteFailed(
            f"could not write the index in {index_dir}: {exc.strerror or exc}; "
            "the index is as it was before this run"
        ) from exc
    summary = summarize(plan, outcomes, ignored, rebuilt=rebuilt)
    summary.seconds = time.perf_counter() - started
    return summary


def summarize(plan: Plan, outcomes: dict[str, writer.Outcome], ignored: list[tuple[str, str]], *,
              rebuilt: bool) -> Summary:
    """The Summary of a committed run: its plan, and what the writers made of each change."""
    summary = Summary(removed=plan.delete, unchanged=plan.unchanged, ignored=ignored, skipped=plan.skipped,
                      rebuilt=rebuilt)
    failed = dict(plan.failed)
    for change in plan.changes:
        outcome = outcomes[change.relpath]
        if outcome.warning:
            summary.warnings.append((change.relpath, outcome.warning))
        if outcome.failure:
            failed[change.relpath] = outcome.failure  # any previous version stays indexed
        elif change.kind == "update":
            summary.updated.append(change.relpath)
        else:
            summary.added.append(change.relpath)
    summary.failed = list(failed.items())
    return summary


def _build_aside(index_dir: Path, scanned: list[Scanned], plan: Plan, max_bytes: int,
                 progress) -> dict[str, writer.Outcome]:
    """Write a complete new index in its own directory, then publish it atomically."""
    target = store.new_index_path(index_dir)
    try:
        ix = writer.create_index(target, build_schema())
        outcomes = _apply(ix, plan, scanned, max_bytes, progress, NameBook(), start_empty=True)
        ix.close()
        _save_signatures(target, scanned, plan, outcomes)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # a half-built index is never published
        raise
    store.publish(index_dir, target, SCHEMA_VERSION)
    return outcomes


def _scan(sources, max_bytes, progress, indexed: dict[str, str], signatures: dict[str, str],
          trusted_before: float) -> list[Scanned]:
    """Each release file with its stat signature; and, for an indexed file whose signature
    is not the one it was indexed with, its content hash (read to tell whether it changed).

    New files are not read here: they are read once, by the writer that parses them.
    """
    scanned = []
    for done, source in enumerate(sources, 1):
        signature = stat_signature(source, trusted_before)
        if source.outside:
            scanned.append(Scanned(source, signature, refused=OUTSIDE))
        elif source.relpath not in indexed:
            scanned.append(Scanned(source, signature))
        elif signature and signatures.get(source.relpath) == signature:
            scanned.append(Scanned(source, signature, digest=indexed[source.relpath]))
        else:
            try:
                data = read_bytes(source.path, max_bytes)
                read_sidecar = source.sidecar and not source.sidecar_outside
                sidecar_data = read_bytes(source.sidecar, max_bytes) if read_sidecar else b""
            except SourceError as exc:
                scanned.append(Scanned(source, signature, failure=str(exc)))
            else:
                scanned.append(Scanned(source, signature, digest=content_hash(data, sidecar_data)))
        if progress:
            progress("reading", done, len(sources))
    return scanned


def _apply(ix, plan: Plan, scanned: list[Scanned], max_bytes: int, progress, book: NameBook | None, *,
           start_empty: bool = False) -> dict[str, writer.Outcome]:
    """Write the plan's changes as new segments and commit them with its deletions, then
    bring the vocabulary kept with the index (spelling words, title terms) up to date.

    Past PARALLEL_FROM changes a second process writes every other release (see
    indexer.writer); each release whose new version was written replaces its old one.
    Officials are read with the corpus's names (`book`, None for the one saved with the
    index; updated by the writers with this run's releases: see writer.write_changes);
    the few releases written before that update
    whose reading it alters, and the releases of earlier runs it alters (indexer.namebook),
    are written again, in the same commit; the book is saved with it.
    """
    if not plan.changes and not plan.delete:
        # Nothing to write, so no commit: a new generation would make every web worker
        # drop its caches and warm again for an index that did not change.
        return {}
    if book is None:
        book = writer.names_of(ix)
    jobs = [writer.Job(change.scanned.source, max_bytes) for change in plan.changes]
    theirs, mine = (jobs[1::2], jobs[0::2]) if len(jobs) >= PARALLEL_FROM else ([], jobs)

    def report(done: int) -> None:
        if progress:
            progress("indexing", done, len(jobs))

    segments, outcomes, after, added = writer.write_changes(
        ix.storage.folder, ix, mine, theirs, report, book, plan.delete
    )
    written = {c.relpath: outcomes[c.relpath].names for c in plan.changes if outcomes[c.relpath].written}
    # Releases written before the book was updated (no open surname) whose spelling it changes,
    # and releases of earlier runs whose reading it changes: written again.
    rewrite = [rid for rid, names in written.items() if names is not None and not names.short
               and after.resolve(rid, names) != book.resolve(rid, names)]
    others = sorted(after.affected(book, changed={*written, *plan.delete}, skip={*written, *plan.delete}))
    replaced = [c.relpath for c in plan.changes if c.kind == "update" and outcomes[c.relpath].written]
    if rewrite or others:
        sources = {item.relpath: item.source for item in scanned}
        # The words of a release written again were counted with its first version;
        # those of earlier runs' releases are counted here, and their old ones taken away.
        segment, again, again_words = writer.write_segment(
            ix, [writer.Job(sources[rid], max_bytes) for rid in rewrite + others], lambda done: None, after,
            counted=set(others),
        )
        # A release read again takes the place of its first version; one that cannot be read
        # now keeps the version written (or indexed) before.
        writer.drop_written(segments, outcomes, [rid for rid in rewrite if again[rid].written])
        segments.append(segment)
        replaced += [rid for rid in others if again[rid].written]
        added.update(again_words)
    removed = writer.stored_words(ix, plan.delete + replaced)
    writer.commit(ix, plan.delete + replaced, segments)
    writer.save_names(ix, after)
    # After the commit: a vocabulary a step behind its index only costs a suggestion.
    if added or removed or start_empty:
        vocabulary.update(Path(ix.storage.folder), added, removed, start_empty=start_empty)
    return outcomes


def _save_signatures(folder: Path, scanned: list[Scanned], plan: Plan, outcomes: dict[str, writer.Outcome]) -> None:
    """Record the signatures of the files whose content the index now holds (after the
    commit: a stale record only makes the next run read a file it could have skipped)."""
    held = set(plan.unchanged) | {relpath for relpath, outcome in outcomes.items() if outcome.written}
    signatures = {s.relpath: s.signature for s in scanned if s.signature and s.relpath in held}
    store.write_signatures(folder, signatures)
