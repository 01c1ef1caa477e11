"""Writing releases into a Whoosh index: every use of Whoosh's private API is here.

A run's changed releases are parsed and written as new segments, by this process and,
for large runs, by a second one (Whoosh's writer is pure Python: two writers keep both
cores busy); then one locked writer deletes the replaced and removed documents and
commits the new segments with them, all or nothing.

Each release is read from disk here, as it is written, so a run holds one release at a
time per process, not the whole corpus.
"""

import ctypes
import multiprocessing
import os
import signal
from array import array
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.analysis import IDTokenizer
from whoosh.formats import Existence, Frequency
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from indexer import store
from indexer.namebook import NameBook, ReleaseNames, apply_resolution
from indexer.postings import Term, TermPostings
from indexer.schema import Analyzed, analyzed_words, release_document
from indexer.sources import SourceError, SourceFile
from indexer.vocabulary import Counts, words_of, words_of_tokens

# The postings each writer holds in memory before it spills them to a run on disk
# (indexer.postings; accounted in real bytes, about 20 a posting). At 100,000 releases a
# writer's share of the postings is about 12 million.
WRITER_MB = 256
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


class Outcome(NamedTuple):
    """What became of one release given to a writer."""

    written: bool
    failure: str | None = None  # why it was not written
    warning: str | None = None  # written, but see this (a sidecar left out)
    names: ReleaseNames | None = None  # its names, for the corpus-level pass
    place: tuple[int, int] | None = None  # (which writer's segment: 0 mine, 1 theirs; document number in it)


@dataclass(frozen=True)
class Job:
    """A release for a writer: where to read it, and its size limit."""

    source: SourceFile
    max_bytes: int


class _WriterStorage(store.MappedStorage):
    """Whoosh's folder storage, with a temporary folder of its own.

    Private API: Whoosh names a writer's temporary folder after the index ("MAIN.tmp"),
    so the two writers of a large run (two processes, one index folder: see
    write_changes) would delete each other's files when the first finished;
    FileStorage.temp_storage is where that name is chosen. Each process opens its own
    storage, so one random name per storage keeps them apart, while a writer and its
    per-document writer still share their folder, as in Whoosh: the writer removes it
    when it finishes (a name per call left the per-document writer's folder behind).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._temp_name = f"{random_name()}.tmp"

    def temp_storage(self, name=None):
        return super().temp_storage(self._temp_name)


def create_index(folder, schema):
    """A new, empty Whoosh index in `folder` (which exists), opened for writing."""
    return _WriterStorage(str(folder)).create().create_index(schema)


def open_index(folder):
    """The Whoosh index in `folder`, opened for writing."""
    return _WriterStorage(str(folder)).open_index()


def indexed_hashes(ix) -> dict[str, str]:
    """id -> content hash of every live document, read from columns (no stored fields).

    A segment's columns are read whole, in order: a lookup per document through the
    index's reader took twice as long (50 ms at 10,000 releases, a twentieth of a run
    that adds ten).
    """
    hashes: dict[str, str] = {}
    with ix.reader() as reader:
        for segment, _ in reader.leaf_readers():
            pairs = zip(segment.column_reader("id"), segment.column_reader("content_hash"))
            if segment.has_deletions():
                live = set(segment.all_doc_ids())
                pairs = (pair for docnum, pair in enumerate(pairs) if docnum in live)
            hashes.update(pairs)
    return hashes


def write_changes(folder: str, ix, mine: list[Job], theirs: list[Job], progress: Callable[[int], None],
                  book: NameBook | None = None, removed=()) -> tuple[list, dict[str, Outcome], NameBook, Counts]:
    """Parse and write `mine` here and `theirs` (if any) in a second process, each as one
    finished, uncommitted segment.

    Officials are read with the corpus's names: `book` as the run found it, updated with
    every release the run parses and without `removed` ones. A release with a surname its
    text leaves open waits until both writers have parsed their share and the updated book
    is known (the writers exchange their releases' names); the others are written at once.
    Returns the segments [mine, theirs] (None where nothing was written), every release's
    outcome, the updated book, and the words and title terms of the releases written (for
    indexer.vocabulary); `progress` gets the count done by both.
    """
    book = book or NameBook()
    updated: list[NameBook] = []
    with _writer_process(folder, theirs, book) as other:

        def exchange(my_names: dict[str, ReleaseNames | None]) -> NameBook:
            names = {**my_names, **other.names()}
            updated.append(book.updated({rid: n for rid, n in names.items() if n is not None},
                                        removed=[*removed, *(rid for rid, n in names.items() if n is None)]))
            other.send_book(updated[0])
            return updated[0]

        segment, outcomes, words = write_segment(ix, mine, lambda done: progress(done + other.done), book, exchange)
        their_segment, their_outcomes, their_words = other.result()
    for relpath, outcome in their_outcomes.items():
        outcomes[relpath] = outcome._replace(place=(1, outcome.place[1])) if outcome.place else outcome
    words.update(their_words)
    return [segment, their_segment], outcomes, updated[0], words


def stored_words(ix, ids: list[str]) -> Counts:
    """The words and title terms of the live documents with these ids, from their stored
    text: what a run takes away from the vocabulary when it deletes or replaces them."""
    words = Counts()
    if not ids:
        return words
    with ix.searcher() as searcher:
        for release_id in ids:
            doc = searcher.document_number(id=release_id)
            if doc is not None:
                stored = searcher.stored_fields(doc)
                title = stored.get("title", "")
                words.add_release(title, words_of(title, stored.get("body", "")))
    return words


def drop_written(segments: list, outcomes: dict[str, Outcome], relpaths) -> None:
    """Mark the documents just written for `relpaths` deleted in their new, uncommitted segments
    (their corrected versions are written again).

    Private API: Segment.delete_document marks a document of a segment deleted; the commit
    saves the segment with its deletions in the table of contents.
    """
    for relpath in relpaths:
        place = outcomes[relpath].place
        if place is not None:
            segments[place[0]].delete_document(place[1])


def names_of(ix) -> NameBook:
    """The index's NameBook: the one saved with its generation, else rebuilt from the
    names every document stores."""
    generation = ix.latest_generation()
    book = NameBook.load(ix.storage.folder, generation)
    if book is not None:
        return book
    with ix.searcher() as searcher:
        return NameBook({
            doc["id"]: ReleaseNames.from_json(doc["names"])
            for doc in searcher.all_stored_fields() if doc.get("names") is not None
        })


def save_names(ix, book: NameBook) -> None:
    """Save `book` as the NameBook of the index's latest generation (after its commit)."""
    book.save(ix.storage.folder, ix.latest_generation())


def commit(ix, delete: list[str], segments: list) -> None:
    """Delete the documents with these ids, add the finished segments, in one commit.

    Deleting first matters: delete_by_term then sees only the committed segments, not
    the new versions about to join them.
    """
    with _writing(ix) as writer:
        for relpath in delete:
            writer.delete_by_term("id", relpath)
        # Private API: SegmentWriter.segments is the list the commit writes into the table
        # of contents; whoosh.multiproc adds its sub-writers' segments the same way.
        writer.segments.extend(s for s in segments if s is not None)


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


def write_segment(ix, jobs: list[Job], report: Callable[[int], None], book: NameBook | None = None,
                  exchange: Callable[[dict], NameBook] | None = None,
                  counted: set[str] | None = None) -> tuple[object | None, dict[str, Outcome], Counts]:
    """Read, parse and write `jobs` as one finished segment of `ix`, not yet committed.

    Officials are read with `book`; a release with an open surname waits for `exchange`,
    which takes every release's names once all are parsed and gives the book to read them
    with (see write_changes; without it, `book` itself). The writer takes no lock (only one
    indexing run holds the run lock) and does not commit: `commit` does, as whoosh.multiproc
    does. Returns the segment (None if nothing was written), each release's outcome, and
    the words and title terms of the releases written (of those in `counted`, if given).
    """
    # Imported here, not above: the extraction (lxml, the patterns compiled
    # from the gazetteers) takes about 0.17 s to import, which a run with nothing to
    # read (most runs) should not pay.
    from indexer.load import parse_release_files, read_release_files

    # Private API: _lk=False skips the index's write lock (the run lock already excludes
    # other writers, and two of ours write at once).
    writer = _NewSegmentWriter(ix, _lk=False, compound=False)  # see _writing
    try:
        outcomes: dict[str, Outcome] = {}
        words = Counts()
        book = book or NameBook()
        names: dict[str, ReleaseNames | None] = {}
        waiting = []
        docnum = 0

        def counting(loaded) -> Counts | None:
            return words if counted is None or loaded.release.id in counted else None

        for done, job in enumerate(jobs, 1):
            try:
                loaded = parse_release_files(read_release_files(job.source, job.max_bytes))
            except SourceError as exc:
                outcomes[job.source.relpath] = Outcome(False, str(exc))
            else:
                names[job.source.relpath] = loaded.release.names
                if loaded.release.names is not None and loaded.release.names.short:
                    waiting.append(loaded)
                else:
                    outcomes[job.source.relpath] = _write_one(writer, loaded, book, docnum, counting(loaded))
                    docnum += 1
            report(done)
        after = exchange(names) if exchange else book
        for loaded in waiting:
            outcomes[loaded.release.id] = _write_one(writer, loaded, after, docnum, counting(loaded))
            docnum += 1
        if not any(outcome.written for outcome in outcomes.values()):
            writer.cancel()
            return None, outcomes, words
        # Private API: _finalize_segment writes the segment's files and returns it without
        # committing, which is how whoosh.multiproc's sub-writers hand theirs to the parent.
        return writer._finalize_segment(), outcomes, words  # noqa: SLF001
    except BaseException:
        writer.cancel()
        raise


def _write_one(writer, loaded, book: NameBook, docnum: int, words: Counts | None) -> Outcome:
    """Write one release as document `docnum`, its officials read with `book`; count its
    words in `words` (from the document's analysis: the text is not read again)."""
    release = loaded.release
    if release.names is not None:
        release = apply_resolution(release, book.resolve(release.id, release.names))
    document = release_document(release)
    if words is not None:
        words.add_release(release.title, words_of_tokens(analyzed_words(document)))
    writer.add_document(**document)
    return Outcome(True, None, loaded.warning, loaded.release.names, (0, docnum))




class _NewSegmentWriter(SegmentWriter):
    """Whoosh's segment writer, with the same output (a test compares the files) in less time
    and memory.

    - Postings are held by term (indexer.postings), not in Whoosh's pool of one tuple per
      posting that is sorted when the segment is written, and are written a term and a
      block at a time (_write_postings).
    - The new segment's field lengths are read once per field while its postings are
      written: Whoosh's codec read one from the length column per posting, which was a
      tenth of all indexing time.
    - A text field given its analyzed terms (schema.Analyzed) gets its postings straight
      from the term list, without a Token per word; an ID field its value as its term.

    Private API: add_document is SegmentWriter.add_document with those changes, so it
    uses the writer's internals (perdocwriter, _doc_boost, _field_boost, _check_fields);
    _flush_segment and _close_segment are where SegmentWriter writes and drops its pool.
    """

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        self._postings = TermPostings(WRITER_MB * 2**20, spill_dir=getattr(self.storage, "folder", None))

    def _flush_segment(self):
        if type(self.fieldwriter) is not W3FieldWriter:
            raise NotImplementedError("postings are written here for Whoosh 3's codec only")
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        _write_postings(self.fieldwriter, self.schema, lengths, self._postings.terms())
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def _close_segment(self):
        self._postings.close()
        super()._close_segment()

    def _finalize_segment(self):
        # This writer never commits (write_segment hands its segment to `commit`), so
        # Whoosh's _finish, which removes the writer's temporary folder, never runs: each
        # run left an empty folder in the live index (removed by the next run).
        segment = super()._finalize_segment()
        self._tempstorage.destroy()
        return segment

    def add_document(self, **fields):
        self._check_state()
        perdocwriter, schema, docnum, postings = self.perdocwriter, self.schema, self.docnum, self._postings
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            if field.separate_spelling() or field.vector:
                raise NotImplementedError(f"field {fieldname!r}: spelling and vectors are not written here")
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                if isinstance(value, Analyzed) and type(field.format) is Frequency:
                    # What FieldType.index yields for these terms (Frequency.word_values),
                    # straight from the term list, without a Token or a tuple per term.
                    postings.add_counts(fieldname, docnum, _counts(value), field.format.field_boost, fieldboost,
                                        _PACKED)
                    if field.scorable:
                        length = len(value)
                else:
                    if isinstance(value, str) and type(field.format) is Existence and type(field.analyzer) is IDTokenizer:
                        # What FieldType.index yields for an ID field: the value itself, once.
                        items = [(value.encode("utf-8"), 1, field.format.field_boost, b"")]
                    else:
                        items = list(field.index(value))
                    if field.scorable:
                        length = sum(freq for _, freq, _, _ in items)
                    postings.add(fieldname, docnum, items, fieldboost)
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        if postings.full():
            postings.spill()
        self._added = True
        self.docnum += 1


def _write_postings(fieldwriter: W3FieldWriter, schema, lengths, terms: Iterable[Term]) -> None:
    """FieldWriter.add_postings (whoosh.codec.base) for Whoosh 3's codec, a term at a time:
    each block of a term's postings is handed to the posting writer as whole arrays, with
    the block statistics W3PostingsWriter.add_posting would have kept. The same blocks in
    the same order (a test compares the files).

    Private API: the posting writer's block buffers (_ids, _weights, _values, and the
    block statistics) and W3FieldWriter._postwriter.
    """
    lastfn = None
    writer: W3PostingsWriter | None = None
    for fieldname, btext, docs, weights, values in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            writer = fieldwriter._postwriter  # noqa: SLF001
            lastfn = fieldname
            # The length of the field in each document (block statistics), read once. Only
            # a scorable field has lengths (add_document); asking for another's costs a
            # stat of its missing length column per document, and every answer is 0.
            field_lengths = [lengths.doc_field_length(n, fieldname, 0) for n in range(lengths.doc_count_all())] \
                if lengths and schema[fieldname].scorable else None
        fieldwriter.start_term(btext)
        limit = writer._blocklimit  # noqa: SLF001
        for start in range(0, len(docs), limit):
            if start:
                writer._write_block()  # noqa: SLF001 - a full block; starts new buffers
            end = start + limit
            block_weights = weights[start:end]
            # W3PostingsWriter.add_posting, for a block at once: None and b"" add no value;
            # a length of 0 is not counted in the block's lengths.
            writer._ids = docs[start:end]  # noqa: SLF001
            writer._weights = array("f", block_weights)  # noqa: SLF001
            writer._values = [value for value in values[start:end] if value]  # noqa: SLF001
            writer._maxweight = max(0, max(block_weights))  # noqa: SLF001
            if field_lengths is not None:
                counted = [n for n in map(field_lengths.__getitem__, writer._ids) if n]  # noqa: SLF001
                if counted:
                    writer._minlength, writer._maxlength = min(counted), max(counted)  # noqa: SLF001
        fieldwriter.finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


def _counts(terms: Analyzed) -> Counter:
    """Each term's count, with the packed value of every count in _PACKED."""
    counts = Counter(terms)
    for count in set(counts.values()).difference(_PACKED):
        _PACKED[count] = pack_uint(count)
    return counts


_PACKED: dict[int, bytes] = {}  # count -> pack_uint(count): one bytes object per count, which postings share


class _WriterProcess:
    """write_segment in a spawned process, for the other half of a large run."""

    def __init__(self, folder: str, jobs: list[Job], book: NameBook):
        context = multiprocessing.get_context("spawn")
        # "spawn", not "fork": a forked child would inherit the run lock's descriptor and
        # could keep the lock held after this process died.
        self._done = context.RawValue("i", 0)
        self._results, sending = context.Pipe(duplex=True)  # names out, the book back, then the result
        self._process = context.Process(
            target=_write_segment_process, args=(folder, jobs, book, sending, self._done, os.getpid()), daemon=True
        )
        self._process.start()
        sending.close()

    @property
    def done(self) -> int:
        return self._done.value

    def names(self) -> dict[str, ReleaseNames | None]:
        """Wait for the names of every release the other process parsed."""
        return self._receive("names")

    def send_book(self, book: NameBook) -> None:
        """Give the other process the book its waiting releases are read with."""
        self._results.send(book)

    def result(self) -> tuple[object | None, dict[str, Outcome], Counts]:
        """Wait for the other process's segment, outcomes and words."""
        try:
            return self._receive("ok")
        finally:
            self._process.join()

    def _receive(self, expected: str):
        try:
            kind, payload = self._results.recv()
        except EOFError:
            raise RuntimeError("the second indexing process died before finishing its segment") from None
        if kind == "oserror":
            raise OSError(*payload)
        if kind == "error":
            raise RuntimeError(f"the second indexing process failed: {payload}")
        if kind != expected:
            raise RuntimeError(f"the second indexing process sent {kind!r}, not {expected!r}")
        return payload

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._results.close()


class _NoWriterProcess:
    """Stands in for _WriterProcess when this process writes everything itself."""

    done = 0

    def names(self) -> dict:
        return {}

    def send_book(self, book: NameBook) -> None:
        pass

    def result(self) -> tuple[None, dict[str, Outcome], Counts]:
        return None, {}, Counts()


@contextmanager
def _writer_process(folder: str, jobs: list[Job], book: NameBook):
    if not jobs:
        yield _NoWriterProcess()
        return
    other = _WriterProcess(folder, jobs, book)
    try:
        yield other
    finally:
        other.stop()


def _write_segment_process(folder: str, jobs: list[Job], book: NameBook, results, done, parent: int) -> None:
    """Entry point of the second process: write_segment, with the outcome sent back."""
    _die_with(parent)

    def report(count: int) -> None:
        done.value = count

    def exchange(names: dict) -> NameBook:
        results.send(("names", names))
        return results.recv()

    try:
        outcome = write_segment(open_index(folder), jobs, report, book, exchange)
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
