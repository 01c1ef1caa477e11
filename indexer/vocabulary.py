"""The words the releases use, with how many releases use each: the web app's spelling
vocabulary ("secrity" -> "security" needs the words as written, not the index's stems).

Kept beside the index as a JSON file and updated with each run's changes: the words of
each written release are added, those of each deleted or replaced one (read back from
the index's stored text) taken away. A run costs its changes, never a pass over the
corpus.
"""

import json
import os
import re
from collections import Counter
from pathlib import Path

from indexer import store
from indexer.gazetteer import fold

WORD = re.compile(r"[^\W\d_]{3,30}")  # letters only: numbers and codes are not misspelt
MAX_WORDS = 200_000  # kept in the file, the most used first


def words_of(*texts: str) -> set[str]:
    """The distinct words of `texts`, folded and lower-cased ("Calderón" -> "calderon")."""
    return {word for text in texts for word in WORD.findall(fold(text).lower())}


def read(folder: Path) -> Counter:
    """The vocabulary kept with the index in `folder` (empty if none or unreadable)."""
    try:
        words = json.loads((Path(folder) / store.VOCABULARY).read_text())
    except (OSError, ValueError):
        return Counter()
    if not isinstance(words, dict):
        return Counter()
    return Counter({w: n for w, n in words.items() if isinstance(w, str) and isinstance(n, int) and n > 0})


def update(folder: Path, added: Counter, removed: Counter, *, start_empty: bool = False) -> None:
    """Add and take away a run's words, then replace the file in one rename."""
    words = Counter() if start_empty else read(folder)
    words.update(added)
    words.subtract(removed)
    kept = {w: n for w, n in words.most_common(MAX_WORDS) if n > 0}
    tmp = Path(folder) / f"{store.VOCABULARY}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(kept, separators=(",", ":"), ensure_ascii=False))
    os.replace(tmp, Path(folder) / store.VOCABULARY)
