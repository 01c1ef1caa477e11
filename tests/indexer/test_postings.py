"""indexer.postings: a segment's postings held by term, spilled to runs past a limit."""

import random
import tracemalloc

from indexer.postings import TermPostings

VOCABULARY = [f"term{i}".encode() for i in range(3000)]


def _documents(count: int, seed: int = 7):
    rng = random.Random(seed)
    for docnum in range(count):
        yield docnum, [(term, n, float(n), bytes([n])) for n, term in enumerate(rng.sample(VOCABULARY, 40), 1)]


def _fill(postings: TermPostings, count: int) -> TermPostings:
    for docnum, items in _documents(count):
        postings.add("body", docnum, items)
        postings.add("title", docnum, items[:3], boost=2.5)
        if postings.full():
            postings.spill()
    return postings


def _as_lists(postings: TermPostings):
    """Its terms, as lists; then it is closed (its runs deleted)."""
    try:
        return [(f, t, list(d), list(w), list(v)) for f, t, d, w, v in postings.terms()]
    finally:
        postings.close()


def test_terms_come_in_field_then_term_order_each_with_its_documents_in_order(tmp_path):
    terms = _as_lists(_fill(TermPostings(10**9, str(tmp_path)), 200))
    keys = [(f, t) for f, t, *_ in terms]
    assert keys == sorted(set(keys)) and {f for f, _ in keys} == {"body", "title"}
    expected: dict = {}
    for docnum, items in _documents(200):
        for term, n, weight, value in items:
            expected.setdefault(("body", term), []).append((docnum, weight, value))
        for term, n, weight, value in items[:3]:
            expected.setdefault(("title", term), []).append((docnum, weight * 2.5, value))
    assert {(f, t): list(zip(d, w, v)) for f, t, d, w, v in terms} == expected


def test_a_document_s_term_counts_add_what_their_items_add(tmp_path):
    """add_counts (a Frequency field's analyzed terms) is add given (term bytes, count,
    count x field boost, packed count) per term, as Whoosh's Frequency format yields them."""
    packed = {n: bytes([n]) for n in range(1, 41)}
    by_counts, by_items = TermPostings(10**9, str(tmp_path)), TermPostings(10**9, str(tmp_path))
    for docnum, items in _documents(50):
        counts = {term.decode(): n for term, n, _, _ in items}
        by_counts.add_counts("body", docnum, counts, 1.5, 0.75, packed)
        by_items.add("body", docnum, [(term, n, n * 1.5, packed[n]) for term, n, _, _ in items], boost=0.75)
    assert by_counts.size == by_items.size
    assert _as_lists(by_counts) == _as_lists(by_items)


def test_spilled_runs_merge_into_what_memory_alone_gives(tmp_path):
    spills = []
    small = TermPostings(64 * 1024, str(tmp_path))
    small.spill = lambda spill=small.spill: spills.append(small.size) or spill()
    held = _as_lists(_fill(TermPostings(10**9, str(tmp_path)), 300))
    assert _as_lists(_fill(small, 300)) == held
    assert len(spills) >= 5 and max(spills) < 64 * 1024 + 41 * 400  # at most one document past the limit


def test_close_deletes_the_runs_and_leaves_no_file(tmp_path):
    postings = _fill(TermPostings(16 * 1024, str(tmp_path)), 100)
    runs = list(postings._runs)
    assert runs and all(not run.closed for run in runs)
    postings.close()
    assert all(run.closed for run in runs) and list(postings.terms()) == [] and postings.size == 0
    assert list(tmp_path.iterdir()) == []


def test_the_memory_it_accounts_is_the_memory_it_holds():
    tracemalloc.start()
    try:
        postings = _fill(TermPostings(10**9), 2000)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0.8 <= held / postings.size <= 1.25, (held, postings.size)
