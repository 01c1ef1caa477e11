"""A new segment's postings, grouped by term as its documents are added.

Whoosh's writer puts every posting in a pool of (field, term, document, weight, value)
tuples, sorts the pool when the segment is written, and spills sorted runs to disk when
it grows past a limit. Documents are added in number order, so each term's postings
arrive already sorted: kept per term, in arrays, they need no sort and take a tenth of
the memory (20 bytes a posting rather than about 200), and the segment is written a
term at a time (indexer.writer._write_postings).

Past `limit_bytes` the terms held so far are written to an unnamed temporary file as a
run, in term order, and dropped; when the segment is written the runs and what is still
held are merged term by term. Runs are in document order, so a term's postings from
successive runs are concatenated as they are.
"""

import heapq
import pickle
import tempfile
from array import array
from itertools import groupby
from operator import itemgetter
from typing import Iterator, Sequence

# What one posting costs in memory (document number 4 bytes, weight 8, a reference to its
# value 8) and what a term costs beside its postings (its bytes, a dict slot, three empty
# containers), measured with tracemalloc (tests/indexer/test_postings.py).
POSTING_BYTES = 20
TERM_BYTES = 360

Term = tuple[str, bytes, array, array, list]  # field, term, documents, weights, values


class TermPostings:
    """Postings by field and term, in memory up to about `limit_bytes`, then in runs on disk."""

    def __init__(self, limit_bytes: int, spill_dir: str | None = None):
        self.limit_bytes = limit_bytes
        self.spill_dir = spill_dir
        self.size = 0  # bytes held, as estimated from the counts above
        self._fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self._runs: list = []

    def add(self, fieldname: str, docnum: int, items: Sequence[tuple[bytes, int, float, bytes | None]],
            boost: float = 1.0) -> None:
        """Add one document's postings in one field: (term, frequency, weight, value) for
        each term, as Whoosh's FieldType.index gives them; each weight times `boost`."""
        terms = self._fields.setdefault(fieldname, {})
        added = POSTING_BYTES * len(items)
        for btext, _, weight, value in items:
            postings = terms.get(btext)
            if postings is None:
                postings = terms[btext] = (array("I"), array("d"), [])
                added += TERM_BYTES + len(btext)
            postings[0].append(docnum)
            postings[1].append(weight * boost)
            postings[2].append(value)
        self.size += added

    def add_counts(self, fieldname: str, docnum: int, counts: dict[str, int], field_boost: float, boost: float,
                   packed: dict[int, bytes]) -> None:
        """Add one document's postings in a Frequency field from its terms' counts: what add
        is given for them (weight the count times `field_boost`, value `packed[count]`),
        without a tuple per term. `packed` holds every count's value. (The loop is add's,
        not shared: a call per posting would cost more than the tuples saved.)"""
        terms = self._fields.setdefault(fieldname, {})
        added = POSTING_BYTES * len(counts)
        for term, count in counts.items():
            btext = term.encode("utf-8")
            postings = terms.get(btext)
            if postings is None:
                postings = terms[btext] = (array("I"), array("d"), [])
                added += TERM_BYTES + len(btext)
            postings[0].append(docnum)
            postings[1].append(count * field_boost * boost)
            postings[2].append(packed[count])
        self.size += added

    def full(self) -> bool:
        return self.size > self.limit_bytes

    def spill(self) -> None:
        """Write the terms held to a run on disk, in order, and drop them from memory."""
        if not self._fields:
            return
        run = tempfile.TemporaryFile(dir=self.spill_dir, prefix="postings-", suffix=".run")
        try:
            for fieldname, btext, docs, weights, values in self._held():
                pickle.dump((fieldname, btext, docs.tobytes(), weights.tobytes(), values), run,
                            pickle.HIGHEST_PROTOCOL)
            run.seek(0)
        except BaseException:
            run.close()
            raise
        self._runs.append(run)
        self._fields, self.size = {}, 0

    def terms(self) -> Iterator[Term]:
        """Every term's postings in the order Whoosh writes them (field, then term bytes),
        each with its documents in number order."""
        if not self._runs:
            yield from self._held()
            return
        sources = [*map(_read_run, self._runs), self._held()]
        merged = heapq.merge(*sources, key=itemgetter(0, 1))  # ties: earlier runs first
        for (fieldname, btext), parts in groupby(merged, key=itemgetter(0, 1)):
            parts = list(parts)
            if len(parts) == 1:
                yield parts[0]
                continue
            docs, weights, values = array("I"), array("d"), []
            for _, _, part_docs, part_weights, part_values in parts:
                docs.extend(part_docs)
                weights.extend(part_weights)
                values.extend(part_values)
            yield fieldname, btext, docs, weights, values

    def close(self) -> None:
        """Drop what is held and delete the runs."""
        for run in self._runs:
            run.close()
        self._runs, self._fields, self.size = [], {}, 0

    def _held(self) -> Iterator[Term]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for btext in sorted(terms):
                docs, weights, values = terms[btext]
                yield fieldname, btext, docs, weights, values


def _read_run(run) -> Iterator[Term]:
    while True:
        try:
            fieldname, btext, docs, weights, values = pickle.load(run)
        except EOFError:
            return
        yield fieldname, btext, array("I", docs), array("d", weights), values
