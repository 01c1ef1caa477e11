"""One index generation behind a narrow interface: document sets, term weights and
BM25F scores, facet sets, dates and stored fields.

This is the only module of the web app that knows how Whoosh stores an index. Everything
above it (webapp.ranking, webapp.search) asks for compressed bitmaps of document numbers
(pyroaring, the structure Lucene and Meilisearch use) and numpy arrays, and never walks a
Whoosh matcher. Whoosh's own search stays available (`whoosh_top`, `whoosh_matches`) as
the reference the equivalence tests compare the fast paths against.

An `Engine` (one per worker process) holds the live `Generation` and swaps in a new one,
warmed, when the indexing command changes the index.
"""

import json
import re
import threading
import time
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from pyroaring import FrozenBitMap
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.collectors import FilterCollector, TopCollector
from whoosh.index import TOC
from whoosh.util.numeric import byte_to_length

from indexer import store, vocabulary
from indexer.schema import FACET_FIELDS, TERM_SEQUENCES, sequence_pattern, term_sequence
from webapp import budget
from webapp.cache import SizedCache

CACHE_BYTES = 64 * 2**20  # per generation: postings, phrases, expansions, pages (see webapp.cache)
WARM_TERMS = 64  # most frequent title/body terms read when a generation is warmed
SCAN_CHUNK = 1024  # releases a phrase tests between budget checks (and lets go of their pages)
KEY_TERMS_BYTES = 20_000  # of a release's term sequence, read to find its similar releases
MAPPED_BYTES = 128 * 2**20  # mapped files a worker keeps between requests (see Engine.trim)
WATCH_SECONDS = 1.0  # how often a worker's watcher looks for a new index generation
EMPTY = FrozenBitMap()
# byte code of a field length (Whoosh stores one byte per document and field) -> length
_LENGTH_OF_CODE = np.array([0.0] + [float(byte_to_length(code)) for code in range(1, 256)])


class IndexMissing(Exception):
    """There is no index to search yet."""


def bitmap(ids: np.ndarray) -> FrozenBitMap:
    """A frozen bitmap of sorted document numbers."""
    return FrozenBitMap(array("I", np.ascontiguousarray(ids, dtype=np.uint32).tobytes()))


def doc_array(docs: FrozenBitMap) -> np.ndarray:
    """A bitmap's document numbers as a sorted uint32 array."""
    return np.frombuffer(docs.to_array(), dtype=np.uint32)


@dataclass(frozen=True)
class Postings:
    """One term's live documents and its weight in each (term frequency times field boost)."""

    docs: FrozenBitMap
    weights: np.ndarray  # aligned with doc_array(docs); the smallest dtype that holds them exactly

    @property
    def nbytes(self) -> int:
        stats = self.docs.get_statistics()
        return self.weights.nbytes + 176 + sum(stats[f"n_bytes_{k}_containers"] for k in ("array", "bitset", "run"))


NO_POSTINGS = Postings(EMPTY, np.zeros(0, dtype=np.uint8))


class Facet:
    """One facet's values: value -> documents, and document -> values for small sets."""

    def __init__(self, values: dict[str, FrozenBitMap], doc_count: int):
        self.values = values
        self.names = list(values)
        pairs = [(doc_array(docs), n) for n, docs in enumerate(values.values())]
        docs = np.concatenate([d for d, _ in pairs]) if pairs else np.zeros(0, dtype=np.uint32)
        value_ids = np.concatenate([np.full(len(d), n, dtype=np.uint32) for d, n in pairs]) if pairs else docs
        order = np.argsort(docs, kind="stable")
        self._value_ids = value_ids[order]
        self._offsets = np.searchsorted(docs[order], np.arange(doc_count + 1, dtype=np.uint32)).astype(np.uint32)

    def counts(self, docs: FrozenBitMap) -> dict[str, int]:
        """How many of `docs` carry each value (values with none left out)."""
        if not docs or not self.names:
            return {}
        if len(docs) > 64 * len(self.names):
            # Many documents, few values: one bitmap intersection count per value.
            found = ((name, members.intersection_cardinality(docs)) for name, members in self.values.items())
            return {name: n for name, n in found if n}
        arr = doc_array(docs)
        starts, ends = self._offsets[arr], self._offsets[arr + 1]
        lengths = (ends - starts).astype(np.int64)
        total = int(lengths.sum())
        if not total:
            return {}
        # The value ids of every document of `docs`, gathered without a Python loop.
        shifts = np.repeat(starts.astype(np.int64) - (np.cumsum(lengths) - lengths), lengths)
        gathered = self._value_ids[np.arange(total, dtype=np.int64) + shifts]
        counts = np.bincount(gathered, minlength=len(self.names))
        return {self.names[n]: int(counts[n]) for n in np.flatnonzero(counts)}


class TermSequences:
    """A text field's TERM_SEQUENCES column, read in place in the mapped segment files.

    A phrase is a pattern searched inside the mapping between a release's two offsets: no
    copy of each candidate's terms and no Whoosh call per release, which made reading the
    sequences most of the time of a phrase over many releases.
    """

    def __init__(self, parts: list[tuple]):
        # (mapping, first document number, number of documents, starts, ends) per segment
        self._parts = parts

    @classmethod
    def open(cls, leaves, column: str) -> "TermSequences":
        parts = []
        for reader, offset in leaves:
            if not reader.has_column(column):
                continue  # no release of this segment has the column: all empty
            # Private API: VarBytesColumn.Reader keeps its file (a StructFile over the mmap
            # indexer.store.MappedStorage makes; segments are never compound), where the
            # column starts in it, and each value's length and offset.
            values = reader.column_reader(column, translate=False)
            mapping = values._dbfile.file  # noqa: SLF001
            starts = values._basepos + np.asarray(values._offsets, dtype=np.int64)  # noqa: SLF001
            ends = starts + np.asarray(values._lengths, dtype=np.int64)  # noqa: SLF001
            parts.append((mapping, offset, len(starts), starts, ends))
        return cls(parts)

    def _spans(self, docs: np.ndarray):
        """(mapping, documents, starts, ends) per segment, as lists, for sorted document
        numbers."""
        for mapping, offset, count, starts, ends in self._parts:
            low, high = np.searchsorted(docs, (offset, offset + count))
            if low < high:
                local = docs[low:high] - offset
                yield mapping, docs[low:high].tolist(), starts[local].tolist(), ends[local].tolist()

    def containing(self, docs: np.ndarray, needle: bytes | re.Pattern) -> list[int]:
        """Those of `docs` whose sequence holds `needle`: bytes (mmap.find, about twice as
        fast as a pattern on phrases of common words) or a pattern.

        A phrase of common words reads most of the column: what it has read is let go
        of as it goes (store.drop_range), so one search does not map it all at once.
        """
        found = []
        for mapping, ids, starts, ends in self._spans(docs):
            for low in range(0, len(ids), SCAN_CHUNK):
                budget.check()
                high = min(low + SCAN_CHUNK, len(ids))
                found += _holding(mapping, needle, zip(ids[low:high], starts[low:high], ends[low:high]))
                store.drop_range(mapping, starts[low], ends[high - 1])
        return found

    def prefix(self, doc: int, limit: int) -> bytes:
        """The first `limit` bytes of a document's sequence (b"" when its segment has
        none), copied out and let go of, like a phrase's scan."""
        for mapping, offset, count, starts, ends in self._parts:
            if offset <= doc < offset + count:
                start = int(starts[doc - offset])
                end = min(int(ends[doc - offset]), start + limit)
                sequence = mapping[start:end]
                store.drop_range(mapping, start, end)
                return sequence
        return b""


def _holding(mapping, needle: bytes | re.Pattern, spans) -> list[int]:
    """The documents of `spans` (document, start, end) whose `mapping[start:end]` holds
    `needle`, without copying it (a loop of its own per kind: a call per document was a
    tenth of a phrase's time)."""
    if isinstance(needle, bytes):
        return _holding_words(mapping, needle, spans)
    search = needle.search
    return [doc for doc, start, end in spans if search(mapping, start, end) is not None]


def _holding_words(mapping, needle: bytes, spans) -> list[int]:
    """_holding for b" word word ": found without its last space, which is then checked.

    The search looks for the needle's last byte first and a space stands every few bytes
    of a term sequence, so a needle ending in one is tried almost everywhere: without it
    a phrase of common words reads its candidates 10-18 % faster (at 100,000 releases).
    A match whose last word runs on ("program" in "programs") is looked past.
    """
    find, head = mapping.find, needle[:-1]
    last = len(head)  # where the space after the last word must stand
    found = []
    for doc, start, end in spans:
        at = find(head, start, end)
        while at >= 0 and (at + last >= end or mapping[at + last] != 0x20):
            at = find(head, at + 1, end)
        if at >= 0:
            found.append(doc)
    return found


class Generation:
    """A searcher on one index generation and everything derived from it.

    Whoosh's readers seek and read shared file objects, so every use of them is under
    one lock; the work on bitmaps and arrays happens outside it.
    """

    def __init__(self, path: Path, cache_bytes: int = CACHE_BYTES):
        self.path = Path(path)
        self._whoosh = threading.RLock()
        self.ix = store.MappedStorage(str(self.path)).open_index()
        self.searcher = self.ix.searcher()
        self.reader = self.searcher.reader()
        self.schema = self.ix.schema
        self.doc_count = self.reader.doc_count_all()  # document numbers run 0..doc_count-1
        self.key = f"{self.path.name}/{self.reader.generation()}"
        self.opened = time.time()
        self.cache = SizedCache(cache_bytes)
        self._leaves = self.reader.leaf_readers()
        self._lengths: dict[str, np.ndarray] = {}
        self._memo: dict[str, object] = {}
        weighting = self.searcher.weighting
        self._k1, self._b = getattr(weighting, "K1", 1.2), getattr(weighting, "B", 0.75)

    @cached_property
    def written(self) -> float:
        """When this generation was committed, as a Unix time: the modification time of its
        table of contents, which the indexing command writes once per commit. The same in
        every worker (unlike `opened`), and unchanged by a run that changed nothing."""
        with self._whoosh:
            return self.ix.storage.file_modified(TOC._filename(self.ix.indexname, self.reader.generation()))

    def is_current(self, path: Path) -> bool:
        """Whether this is still the generation the index folder names."""
        with self._whoosh:
            return path == self.path and self.searcher.up_to_date()

    def close(self) -> None:
        with self._whoosh:
            self.searcher.close()

    def drop_pages(self) -> None:
        """Let go of the index pages this process has mapped (see store.MappedStorage)."""
        self.ix.storage.drop_pages()

    def warm(self, terms: int = WARM_TERMS) -> None:
        """Build what the first searches need, so that no person's request pays for it."""
        self.live, self.facets, self.dates, self.date_order  # noqa: B018 - cached properties
        for fieldname in self.schema.scorable_names():
            self.length_codes(fieldname)
        for fieldname, text in self.frequent_terms(terms):
            self.postings(fieldname, text)

    def memo(self, name: str, build):
        """What another module derives once per generation (a query parser, a speller)."""
        value = self._memo.get(name)
        if value is None:
            value = self._memo.setdefault(name, build())
        return value

    # --- documents ---------------------------------------------------------------------

    @cached_property
    def live(self) -> FrozenBitMap:
        """Every live document."""
        with self._whoosh:
            return bitmap(np.fromiter(self.reader.all_doc_ids(), dtype=np.uint32))

    @cached_property
    def _live_mask(self) -> np.ndarray | None:
        """Per document number, whether it is live; None when nothing is deleted."""
        if len(self.live) == self.doc_count:
            return None
        mask = np.zeros(self.doc_count, dtype=bool)
        mask[doc_array(self.live)] = True
        return mask

    def stored(self, doc: int) -> dict:
        """A document's stored fields."""
        with self._whoosh:
            return self.searcher.stored_fields(doc)

    def facts(self, doc: int) -> dict:
        """What a result list shows of a document (the facts column written by the
        indexer), without decompressing its stored record and body."""
        with self._whoosh:
            raw = self._facts[doc] if self._facts is not None else None
        return json.loads(raw) if raw else self.stored(doc)

    @cached_property
    def _facts(self):
        with self._whoosh:
            present = "facts" in self.schema and self.reader.has_column("facts")
            return self.reader.column_reader("facts") if present else None

    def doc_number(self, release_id: str) -> int | None:
        """The live document number of a release id, or None."""
        with self._whoosh:
            return self.searcher.document_number(id=release_id)

    # --- terms ---------------------------------------------------------------------------

    def postings(self, fieldname: str, text: str) -> Postings:
        """A term's live documents and weights; cached."""
        return self.cache.get(("postings", fieldname, text), lambda: self._read_postings(fieldname, text))

    def docs(self, fieldname: str, text: str) -> FrozenBitMap:
        """The live documents containing a term."""
        return self.postings(fieldname, text).docs

    def _read_postings(self, fieldname: str, text: str) -> Postings:
        if fieldname not in self.schema:
            return NO_POSTINGS
        ids, weights = [], []
        with self._whoosh:
            btext = self.schema[fieldname].to_bytes(text)
            fmt = self.schema[fieldname].format
            for reader, offset in self._leaves:
                if (fieldname, btext) not in reader:
                    continue
                # Private API: the segment's raw posting list, read a block at a time.
                # Reader.postings() would yield one posting per Python call, filtered
                # through a set of deleted documents; a block is a pickled tuple of
                # delta-coded ids and weights, decoded here with numpy.
                matcher = reader._terms.matcher(fieldname, btext, fmt)  # noqa: SLF001
                while True:
                    budget.check()
                    matcher._read_data()  # noqa: SLF001
                    deltas, block_weights = matcher._data[0], matcher._data[1]  # noqa: SLF001
                    ids.append(np.cumsum(np.asarray(deltas, dtype=np.int64)) + offset)
                    if block_weights is None:
                        weights.append(np.ones(len(deltas)))
                    elif isinstance(block_weights, float):
                        weights.append(np.full(len(deltas), block_weights))
                    else:
                        weights.append(np.asarray(block_weights, dtype=np.float64))
                    if matcher._lastblock:  # noqa: SLF001
                        break
                    matcher._goto(matcher._nextoffset)  # noqa: SLF001
        if not ids:
            return NO_POSTINGS
        all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
        if self._live_mask is not None:
            keep = self._live_mask[all_ids]
            all_ids, all_weights = all_ids[keep], all_weights[keep]
        return Postings(bitmap(all_ids), _compact(all_weights))

    def term_scores(self, fieldname: str, text: str, docs: np.ndarray) -> np.ndarray:
        """Each of `docs`' BM25F score for a term (0.0 where absent), as Whoosh's scorer
        gives it: the same formula on the same numbers, in the same order of operations."""
        scores = np.zeros(len(docs))
        postings = self.postings(fieldname, text)
        if not postings.docs or not len(docs):
            return scores
        ids = doc_array(postings.docs)
        at = np.searchsorted(ids, docs)
        found = at < len(ids)
        found[found] = ids[at[found]] == docs[found]
        tf = postings.weights[at[found]].astype(np.float64)
        if not self.schema[fieldname].scorable:
            scores[found] = tf  # Whoosh's WeightScorer: the weight is the score
            return scores
        with self._whoosh:
            idf = self.searcher.idf(fieldname, text)
            avgfl = self.searcher.avg_field_length(fieldname) or 1
        fl = _LENGTH_OF_CODE[self.length_codes(fieldname)[docs[found]]]
        k1, b = self._k1, self._b
        scores[found] = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
        return scores

    def length_codes(self, fieldname: str) -> np.ndarray:
        """Each document's length in a field as the byte Whoosh stores (`_LENGTH_OF_CODE`
        gives the length its scorer uses): one byte a document."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = self._read_length_codes(fieldname)
        return found

    def _read_length_codes(self, fieldname: str) -> np.ndarray:
        codes = np.zeros(self.doc_count, dtype=np.uint8)
        with self._whoosh:
            for reader, offset in self._leaves:
                # Private API: the segment's length column, read whole. Whoosh reads it
                # one document at a time through a struct unpack.
                column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)  # noqa: SLF001
                if column is None:
                    continue
                raw = column._dbfile.get(column._basepos, column._count)  # noqa: SLF001
                codes[offset : offset + len(raw)] = np.frombuffer(raw, dtype=np.uint8)
        return codes

    def idf(self, fieldname: str, text: str) -> float:
        """A term's inverse document frequency, as Whoosh's BM25F uses it."""
        with self._whoosh:
            return self.searcher.idf(fieldname, text)

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """How many documents hold a term (deleted ones included until a merge): cheap."""
        with self._whoosh:
            return self.reader.doc_frequency(fieldname, text) if (fieldname, text) in self.reader else 0

    def frequent_terms(self, number: int) -> list[tuple[str, str]]:
        """(field, term) of the `number` words most releases use, as title and body index
        them: from the vocabulary kept with the index, not a walk of the whole lexicon
        (which would read every page of the term files into each worker)."""
        words = [word for word, _ in vocabulary.read(self.path).most_common(number)]
        out = []
        for fieldname in ("title", "body"):
            if fieldname in self.schema:
                analyzer = self.schema[fieldname].analyzer
                out += [(fieldname, token.text) for word in words for token in analyzer(word)]
        return list(dict.fromkeys(out))

    def expand(self, fieldname: str, prefix: str, pattern: re.Pattern | None, limit: int,
               scan: int) -> tuple[list[str], bool]:
        """The first `limit` terms of a field, in lexicon order, that start with `prefix`
        (and match `pattern`), looking at no more than `scan` terms; and whether more
        may exist. Bounded whatever the lexicon holds (Elasticsearch's max_expansions
        takes terms in index order the same way)."""
        if fieldname not in self.schema:
            return [], False
        found: list[str] = []
        with self._whoosh:
            for looked, term in enumerate(self.reader.expand_prefix(fieldname, prefix)):
                if looked >= scan or len(found) == limit:
                    return found, True
                text = term.decode("utf-8")
                if pattern is None or pattern.fullmatch(text):
                    found.append(text)
        return found, False

    def vocabulary(self) -> dict[str, int]:
        """Words the releases use, with how many releases use each (written by the
        indexing command beside the index, see indexer.vocabulary), for spelling."""
        return dict(vocabulary.read(self.path))

    def key_terms(self, doc: int, number: int) -> tuple[str | None, list[str]]:
        """The field and the `number` most telling terms of a release (frequent in it,
        rare in the index), from the start of its stored term sequence: constant work
        whatever the release's length."""
        for fieldname in TERM_SEQUENCES:
            sequences = self.term_sequences.get(fieldname)
            if sequences is None:
                continue
            raw = sequences.prefix(doc, KEY_TERMS_BYTES)
            terms = raw.decode("utf-8", "ignore").split()
            if len(raw) == KEY_TERMS_BYTES and terms:
                terms.pop()  # cut off mid-term
            if not terms:
                continue
            frequent = Counter(t for t in terms if len(t) > 2 and not t.isdigit()).most_common(4 * number)
            with self._whoosh:
                weighted = [(count * self.searcher.idf(fieldname, term), term) for term, count in frequent]
            return fieldname, [term for _, term in sorted(weighted, reverse=True)[:number]]
        return None, []

    # --- phrases -------------------------------------------------------------------------

    @cached_property
    def term_sequences(self) -> dict[str, TermSequences]:
        """field -> its TERM_SEQUENCES column (an index older than those has none)."""
        with self._whoosh:
            return {
                f: TermSequences.open(self._leaves, c)
                for f, c in TERM_SEQUENCES.items()
                if c in self.schema and self.reader.has_column(c)
            }

    def phrase_docs(self, fieldname: str, words: tuple[str, ...], slop: int = 1) -> FrozenBitMap:
        """Live documents with `words` in a row in a field, or in order each at most `slop`
        terms after the one before ("a b"~3); cached.

        The documents with every word are searched in their term sequences, in C: for the
        words in a row, as a substring; with a slop, with indexer.schema.sequence_pattern.
        The text fields keep no word positions (indexer.schema.TEXT_POSITIONS); the name
        fields, with no sequence, keep theirs and go to Whoosh's phrase matcher.
        """
        return self.cache.get(("phrase", fieldname, words, slop), lambda: self._phrase_docs(fieldname, words, slop))

    def _phrase_docs(self, fieldname: str, words: tuple[str, ...], slop: int) -> FrozenBitMap:
        candidates = self.all_of(fieldname, words)
        sequences = self.term_sequences.get(fieldname)
        if not candidates:
            return candidates
        if sequences is None:  # a name field, or an index older than the sequences
            return self.whoosh_matches(wq.Phrase(fieldname, list(words), slop=slop)) & candidates
        needle = term_sequence(words) if slop == 1 else sequence_pattern(words, slop)
        found = sequences.containing(doc_array(candidates), needle)
        return bitmap(np.array(found, dtype=np.uint32))

    def all_of(self, fieldname: str, words) -> FrozenBitMap:
        """Live documents with every one of `words` in a field."""
        sets = sorted((self.docs(fieldname, w) for w in words), key=len)
        return sets[0].intersection(*sets[1:]) if sets else EMPTY

    # --- facets and dates ----------------------------------------------------------------

    @cached_property
    def facets(self) -> dict[str, Facet]:
        """facet -> its values' document sets, from the facet fields' postings."""
        out = {}
        for facet, fieldname in FACET_FIELDS.items():
            values = {}
            if fieldname in self.schema:
                with self._whoosh:
                    terms = [t.decode("utf-8") for t in self.reader.lexicon(fieldname)]
                for text in terms:
                    if not text:
                        continue  # the blank of releases without a value (no date: `undated`)
                    docs = self._read_postings(fieldname, text).docs
                    if docs:
                        values[text] = docs
            out[facet] = Facet(values, self.doc_count)
        return out

    @cached_property
    def dates(self) -> np.ndarray:
        """document -> its date as YYYYMMDD (0 when unknown)."""
        out = np.zeros(self.doc_count, dtype=np.int32)
        with self._whoosh:
            column = self.reader.column_reader("date")
            for doc, value in enumerate(column):
                if value:
                    out[doc] = int(value[:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])
        return out

    @cached_property
    def undated(self) -> FrozenBitMap:
        """Live documents with no known date."""
        return bitmap(np.flatnonzero(self.dates == 0)) & self.live

    def dated_between(self, start: int, end: int) -> FrozenBitMap:
        """Live documents dated from `start` to `end` (YYYYMMDD, inclusive)."""
        return bitmap(np.flatnonzero((self.dates >= start) & (self.dates <= end))) & self.live

    @cached_property
    def date_order(self) -> dict[str, np.ndarray]:
        """sort -> each document's position in that order: by date, unknown dates last
        either way, ties by release id."""
        with self._whoosh:
            ids = list(self.reader.column_reader("id"))
        by_id = np.argsort(np.array(ids, dtype=object), kind="stable")
        dates = self.dates[by_id]
        known = by_id[dates != 0]
        unknown = by_id[dates == 0]
        oldest = np.concatenate([known[np.argsort(self.dates[known], kind="stable")], unknown])
        newest = np.concatenate([known[np.argsort(-self.dates[known], kind="stable")], unknown])
        out = {}
        for name, order in (("oldest", oldest), ("newest", newest)):
            position = np.empty(self.doc_count, dtype=np.int32)
            position[order] = np.arange(self.doc_count, dtype=np.int32)
            out[name] = position
        return out

    def by_date(self, docs: FrozenBitMap, sort: str, limit: int) -> list[int]:
        """The first `limit` of `docs` in date order ("newest" or "oldest")."""
        arr = doc_array(docs)
        position = self.date_order[sort][arr]
        if len(arr) > limit:
            keep = np.argpartition(position, limit - 1)[:limit]
            arr, position = arr[keep], position[keep]
        return [int(d) for d in arr[np.argsort(position, kind="stable")]]

    # --- Whoosh's own answers, the reference ---------------------------------------------

    def whoosh_matches(self, query) -> FrozenBitMap:
        """The live documents Whoosh's matchers find for `query`."""
        with self._whoosh:
            return FrozenBitMap(self.searcher.docs_for_query(query))

    def whoosh_top(self, query, limit: int, allowed: FrozenBitMap | None = None) -> list[tuple[int, float]]:
        """Whoosh's own top `limit` for `query` (among `allowed`), best first, ties by
        document number: its collector with matcher replacement off, which in 2.7.4
        otherwise drops documents from the top k."""
        top = TopCollector(limit=limit, replace=0)
        collector = top if allowed is None else FilterCollector(top, allow=set(allowed))
        with self._whoosh:
            self.searcher.search_with_collector(query, collector)
            found = [(doc, score) for score, doc in top.results().top_n]
        return sorted(found, key=lambda item: (-item[1], item[0]))


def _compact(weights: np.ndarray) -> np.ndarray:
    """Weights in the smallest dtype that holds them exactly (term frequencies are small
    whole numbers, times a field boost)."""
    if not len(weights):
        return weights.astype(np.uint8)
    for dtype in (np.uint8, np.uint16, np.float32):
        narrow = weights.astype(dtype)
        if np.array_equal(narrow.astype(np.float64), weights):
            return narrow
    return weights


class Engine:
    """One per worker process: the live index generation, warmed, swapped when the
    indexing command changes the index.

    A request always checks for a newer generation (a directory listing) and opens it
    itself if nobody has yet; with `watch` on, a background thread does that first, so
    a person's request seldom pays for opening and warming.
    """

    def __init__(self, index_dir: Path, *, cache_bytes: int = CACHE_BYTES, warm_terms: int = WARM_TERMS,
                 cache_pages: bool = True, mapped_bytes: int = MAPPED_BYTES):
        self.index_dir = Path(index_dir)
        self.cache_bytes = cache_bytes
        self.mapped_bytes = mapped_bytes
        self.warm_terms = warm_terms
        self.cache_pages = cache_pages  # off in the benchmark, which times the work itself
        self._current: Generation | None = None
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._stop = threading.Event()

    def generation(self) -> Generation:
        """The generation the index folder names now, opened (and warmed) if new."""
        path = store.live_index_path(self.index_dir)
        if path is None:
            raise IndexMissing(f"there is no index in {self.index_dir} yet; run `release-search index` to build it")
        current = self._current
        if current is not None and current.is_current(path):
            return current
        with self._lock:
            current = self._current
            if current is None or not current.is_current(path):
                with budget.suspended():
                    fresh = Generation(path, self.cache_bytes)
                    fresh.warm(self.warm_terms)
                self._current = fresh
                # The old generation is not closed: a request may still be reading it.
                # Its files stay readable while mapped; it goes when the last user does.
            return self._current

    @property
    def opened(self) -> Generation | None:
        """The generation opened last (None before the first), without looking for a newer one."""
        return self._current

    def start_watching(self, seconds: float = WATCH_SECONDS) -> None:
        """Open and warm each new generation in the background, before requests need it."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._watch, args=(seconds,), name="index-watcher", daemon=True)
        self._watcher.start()

    def _watch(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self.generation()
            except IndexMissing:
                continue
            except Exception:  # noqa: BLE001 - the next request will open it and report
                continue

    def trim(self) -> None:
        """Let go of the index pages this process has mapped once they pass
        `mapped_bytes`, so that a worker's resident set stays about its own memory plus
        that however many different releases it has read (the pages stay in the page
        cache, shared by every worker)."""
        current = self._current
        if current is not None and store.mapped_bytes() > self.mapped_bytes:
            current.drop_pages()

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self._current is not None:
                self._current.close()
                self._current = None
