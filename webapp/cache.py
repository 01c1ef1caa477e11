"""The one cache policy of the web app: least recently used, bounded in bytes.

Every index generation owns one SizedCache (webapp.engine.Generation.cache) holding what
is derived from that generation on demand: term postings, phrase and expansion sets,
result pages. It dies with its generation, so nothing in it can be stale. Structures
every search needs (facet sets, dates, field lengths) are built once when the
generation is warmed and are not in it.
"""

import pickle
import sys
import threading
import zlib

import numpy as np
from cachetools import LRUCache
from pyroaring import BitMap, FrozenBitMap

from webapp import budget


def approximate_bytes(value) -> int:
    """What a cached value holds in memory, near enough to bound the cache by."""
    if isinstance(value, np.ndarray):
        return value.nbytes + 112
    if isinstance(value, (BitMap, FrozenBitMap)):
        stats = value.get_statistics()
        return 64 + sum(stats[f"n_bytes_{kind}_containers"] for kind in ("array", "bitset", "run"))
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    if isinstance(value, (tuple, list)):
        return sys.getsizeof(value) + sum(approximate_bytes(v) for v in value)
    return sys.getsizeof(value)


class SizedCache:
    """A thread-safe LRU mapping whose values' sizes add up to at most `max_bytes`.

    Values are computed outside the lock: two threads asking for the same missing key
    may both compute it, which is harmless (the values are equal) and never blocks a
    fast request behind a slow one.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items = LRUCache(maxsize=max_bytes, getsizeof=approximate_bytes)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, compute):
        """The value cached under `key`, computed with `compute()` and kept if missing."""
        with budget.shielded(), self._lock:
            try:
                value = self._items[key]
            except KeyError:
                self.misses += 1
            else:
                self.hits += 1
                return value
        value = compute()
        if self.max_bytes:
            with budget.shielded(), self._lock:
                try:
                    self._items[key] = value
                except ValueError:
                    pass  # larger than the whole cache: used once, not kept
        return value

    def get_deflated(self, key, compute) -> bytes:
        """Like `get`, for bytes kept deflated (a rendered page: 120 KB as text, 9 KB
        deflated); the bytes computed are returned as they are, not inflated again."""
        if not self.max_bytes:
            return compute()  # nothing is kept: nothing to deflate
        computed = []

        def deflate() -> bytes:
            computed.append(compute())
            return zlib.compress(computed[0], 1)

        deflated = self.get(key, deflate)
        return computed[0] if computed else zlib.decompress(deflated)

    def get_packed(self, key, compute):
        """Like `get`, for a value made of many small Python objects (a page of results):
        kept pickled and deflated, so the bytes it is accounted at are the bytes it holds.
        (Kept as objects, sys.getsizeof saw only the outermost: 2,200 pages of results
        were accounted at 0.1 MB and held about 45 MB.) A hit is a new copy of the value."""
        if not self.max_bytes:
            return compute()  # nothing is kept: nothing to pack
        computed = []

        def pickled() -> bytes:
            computed.append(compute())
            return pickle.dumps(computed[0], pickle.HIGHEST_PROTOCOL)

        data = self.get_deflated(key, pickled)
        return computed[0] if computed else pickle.loads(data)

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    @property
    def bytes(self) -> int:
        """Bytes held now."""
        with self._lock:
            return int(self._items.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
