"""The one cache policy (webapp.cache.SizedCache): bounded in bytes, values packed when asked."""

import pickle
import sys
import zlib

from webapp.cache import SizedCache


def page(n: int) -> dict:
    return {"query": f"q{n}", "hits": [{"title": f"release {n}-{i}", "score": i / 7} for i in range(50)]}


def test_a_packed_value_is_computed_once_and_read_back_equal():
    cache, calls = SizedCache(2**20), []

    def compute():
        calls.append(1)
        return page(1)

    first = cache.get_packed("p", compute)
    again = cache.get_packed("p", compute)
    assert len(calls) == 1
    assert again == first == page(1)
    assert again is not first  # a copy: whoever changes a hit cannot change what is kept


def test_a_packed_value_is_accounted_at_its_packed_bytes():
    cache = SizedCache(2**20)
    cache.get_packed("p", lambda: page(2))
    packed = zlib.compress(pickle.dumps(page(2), pickle.HIGHEST_PROTOCOL), 1)
    assert cache.bytes == sys.getsizeof(packed)
    assert cache.bytes < len(pickle.dumps(page(2)))


def test_the_least_recently_used_go_first_once_the_bytes_are_spent():
    one = sys.getsizeof(zlib.compress(pickle.dumps(page(0), pickle.HIGHEST_PROTOCOL), 1))
    cache = SizedCache(3 * one + one // 2)  # room for three pages
    for n in range(3):
        cache.get_packed(n, lambda n=n: page(n))
    cache.get_packed(0, lambda: page(0))  # used again: now the most recent
    cache.get_packed(3, lambda: page(3))
    assert 0 in cache and 3 in cache and 1 not in cache
    assert cache.bytes <= cache.max_bytes


def test_a_cache_of_no_bytes_keeps_nothing():
    cache, calls = SizedCache(0), []
    for _ in range(2):
        assert cache.get_packed("p", lambda: calls.append(1) or page(4)) == page(4)
    assert len(calls) == 2 and len(cache) == 0


def test_deflated_bytes_are_returned_as_computed_and_kept_deflated():
    cache, html = SizedCache(2**20), ("<p>release</p>" * 1000).encode()
    assert cache.get_deflated("h", lambda: html) == html
    assert cache.get_deflated("h", lambda: b"not computed again") == html
    assert cache.bytes == sys.getsizeof(zlib.compress(html, 1)) < len(html)
