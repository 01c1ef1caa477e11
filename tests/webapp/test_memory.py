"""A worker's memory: the index pages it maps are let go of, and read back the same
(measured in this process's /proc/self/smaps, Linux, per file of the index folder); what
its cache holds is what the cache accounts for (measured with tracemalloc).
"""

import gc
import os
import re
import tracemalloc
from pathlib import Path

import pytest

from indexer import store
from indexer.build import update_index
from webapp import create_app, engine
from webapp.engine import Engine

pytestmark = pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc/self/smaps")
MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ ")


def resident_kb(folder: Path, suffix: str = "") -> int:
    """Kilobytes of this process's resident set mapped from files under `folder`."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        fields = line.split()
        if MAPPING.match(line):
            inside = len(fields) > 5 and fields[5].startswith(str(folder)) and fields[5].endswith(suffix)
        elif inside and fields[0] == "Rss:":
            total += int(fields[1])
    return total


@pytest.fixture
def own_index(corpus_dir, index_dir) -> Path:
    update_index(corpus_dir, index_dir)
    return index_dir


def test_dropped_pages_leave_the_resident_set_and_read_back_the_same(tmp_path):
    data = os.urandom(4 * 2**20)
    (tmp_path / "part.bin").write_bytes(data)
    storage = store.MappedStorage(str(tmp_path))
    mapping = storage.open_file("part.bin").file
    assert mapping[:] == data
    assert resident_kb(tmp_path) >= 4 * 1024

    store.drop_range(mapping, 5000, 3 * 2**20)  # from inside a page: madvise takes whole pages
    assert resident_kb(tmp_path) < 4 * 1024
    assert mapping[:] == data
    storage.drop_pages()
    assert resident_kb(tmp_path) == 0
    assert mapping[:] == data


def test_a_worker_lets_go_of_index_pages_past_its_bound_after_a_request(own_index):
    lets_go = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": own_index, "RELEASE_SEARCH_MAPPED_MB": 0})
    assert lets_go.test_client().get("/search?q=security&country=Panama").status_code == 200
    assert resident_kb(own_index) == 0

    keeps = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": own_index, "RELEASE_SEARCH_MAPPED_MB": 10_000})
    assert keeps.test_client().get("/search?q=security&country=Panama").status_code == 200
    assert resident_kb(own_index) > 0


def test_a_phrase_lets_go_of_the_term_sequences_it_read(own_index):
    generation = Engine(own_index).generation()
    generation.drop_pages()
    words = tuple(token.text for token in generation.schema["body"].analyzer("security cooperation"))
    candidates = generation.all_of("body", words)
    found = generation.phrase_docs("body", words)
    assert len(candidates) > len(found) > 0
    assert resident_kb(own_index, ".body_terms.col") == 0


def test_release_records_and_sequences_read_for_pages_stay_out_of_the_resident_set(own_index):
    app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": own_index, "RELEASE_SEARCH_MAPPED_MB": 10_000})
    with app.app_context():
        generation = engine().generation()
        assert generation.term_sequences  # opened: their columns' offsets are read
        generation.drop_pages()  # and what opening touched let go of
    client = app.test_client()
    assert client.get("/search?q=security").status_code == 200  # ten results' facts and snippets
    for release in [path.relative_to(own_index.parent / "corpus").as_posix()
                    for path in sorted((own_index.parent / "corpus").rglob("*.txt"))]:
        assert client.get(f"/release/{release}").status_code == 200  # stored record, similar releases
    assert resident_kb(own_index) > 0  # the postings and lexicon stay mapped...
    for records in ("._stored.col", ".facts.col", ".body_terms.col"):  # ...what is read a release at a time does not
        assert resident_kb(own_index, records) == 0, records


def test_the_cache_holds_no_more_memory_than_it_accounts_for(corpus_index):
    """The cache's bound (RELEASE_SEARCH_CACHE_MB) bounds a worker only if each value is
    accounted at what it holds: a kept page of results is many small objects."""
    words = ["security", "border", "cooperation", "Panama", "Mexico", "migration", "minister", "trafficking"]
    urls = [f"/api/search?q={word}&per_page={size}&page={page}"
            for word in words for size in (1, 2, 3, 5, 10) for page in (1, 2)]

    def serve(cache_mb: int) -> tuple[int, int, int]:
        """Memory the requests left allocated, and the cache's bytes and entries they added."""
        app = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_CACHE_MB": cache_mb})
        client = app.test_client()
        assert client.get("/api/search?q=panama").status_code == 200  # opened; parser and speller made
        with app.app_context():
            cache = engine().generation().cache
        gc.collect()
        tracemalloc.start()
        try:
            held, accounted, entries = tracemalloc.get_traced_memory()[0], cache.bytes, len(cache)
            for url in urls:
                assert client.get(url).status_code == 200
            gc.collect()
            return tracemalloc.get_traced_memory()[0] - held, cache.bytes - accounted, len(cache) - entries
        finally:
            tracemalloc.stop()

    # Kept nothing: what the same requests leave elsewhere (the standard library's and
    # Werkzeug's own small caches of parsed addresses, filled here once for both runs).
    elsewhere, _, _ = serve(0)
    held, accounted, entries = serve(64)
    assert entries >= len(urls)  # every page kept
    assert held - elsewhere <= 1.5 * accounted, (held, elsewhere, accounted)
