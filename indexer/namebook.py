"""Officials across the corpus: one release's "Minister Degenhart" is the person another names
in full ("Minister of Government Enrique Degenhart"), and one person's spellings ("Julian
Pacheco", "Julián Pacheco"; "Augustín" for the known "Agustín Carstens") are one value.

A NameBook is pure data: for each release id, the names its text gives in full (with their
titles) and the title + surname mentions that its text and officials.json leave open. It is
kept beside the index (indexer.writer saves it with each commit), so that a run updates it
with the releases it adds, changes and removes, and re-reads only the other releases whose
resolution that changes (NameBook.affected). Removing the release that named someone in
full makes the others' surname-only mentions resolve again, or fall back to their text.
"""

import gc
import pickle
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from indexer import gazetteer

# Title words that say which post a title is: "Minister of Government" and "Security Minister"
# are both a minister's, so a minister named in full answers "Minister Degenhart".
_POSTS = frozenset(
    "secretary minister president ambassador director commissioner general admiral governor administrator advisor "
    "spokesperson chief commander judge senator mayor attorney prosecutor chancellor envoy representative "
    "undersecretary commandant comptroller".split()
)


@dataclass(frozen=True)
class ReleaseNames:
    """What one release tells the corpus and asks of it."""

    full: tuple[tuple[str, str], ...] = ()  # (name, title): officials it names in full
    short: tuple[tuple[str, str], ...] = ()  # (title, surname): mentions left open by its text and the data

    def to_json(self) -> list:
        return [[list(f) for f in self.full], [list(s) for s in self.short]]

    @classmethod
    def from_json(cls, value) -> "ReleaseNames":
        full, short = value
        return cls(tuple((n, t) for n, t in full), tuple((t, s) for t, s in short))


@dataclass(frozen=True)
class Resolution:
    """How the corpus reads one release's names."""

    people: dict[str, str]  # an open surname (as written) -> the full name it stands for
    spelling: dict[str, str]  # a name as the release writes it -> the corpus's one spelling of it

    def officials(self, names: list[str], open_surnames: list[str]) -> list[str]:
        """The release's officials as the facet lists them: its own, respelled, then the resolved."""
        out = [self.spelling.get(name, name) for name in names]
        out += [self.people[s] for s in open_surnames if s in self.people]
        return list(dict.fromkeys(out))


_key = lru_cache(maxsize=100_000)(gazetteer.line_key)  # names are keyed as lines are


@lru_cache(maxsize=100_000)
def _surname_keys(name: str) -> tuple[str, ...]:
    """The ways a surname-only mention may write this full name: its last word, and for three
    words or more its last two and the one before the last (Spanish double surnames)."""
    words = [w for w in _key(name).split() if not (len(w) == 2 and w.endswith("."))]
    if len(words) < 2:
        return ()
    keys = {words[-1]}
    if len(words) >= 3:
        keys |= {" ".join(words[-2:]), words[-2]}
    return tuple(sorted(keys))


@lru_cache(maxsize=10_000)
def _posts(title: str) -> frozenset[str]:
    return frozenset(_key(gazetteer.title_in_english(title)).split()) & _POSTS


_spelling_key = _key  # names that differ only in accents or case share it


class NameBook:
    """Every release's ReleaseNames, with the lookups a resolution needs.

    A book is not changed once made: `updated` makes the next one, sharing what the change
    does not touch, so a run costs what it changes, not the corpus's size (beyond loading).
    """

    FILE = "names.pickle"
    GENERATION = "names.generation"

    def __init__(self, releases: dict[str, ReleaseNames] | None = None):
        self.releases = dict(releases or {})
        self._full: dict[str, dict[str, set[str]]] = {}  # surname key -> full name -> ids naming it
        self._posts: dict[str, Counter] = {}  # full name -> posts it was named with (how often)
        self._short: dict[str, set[str]] = {}  # surname key -> ids with that open mention
        self._spellings: dict[str, Counter] = {}  # spelling key -> spelling -> releases using it
        self._by_spelling: dict[str, set[str]] = {}  # spelling key -> ids naming it so
        for rid, names in self.releases.items():
            self._index(rid, names)

    def _index(self, rid: str, names: ReleaseNames) -> None:
        for name, title in names.full:
            for key in _surname_keys(name):
                named = self._full.get(key)
                if named is None:
                    named = self._full[key] = {}
                ids = named.get(name)
                if ids is None:
                    ids = named[name] = set()
                ids.add(rid)
            posts = self._posts.get(name)
            if posts is None:
                posts = self._posts[name] = Counter()
            for post in _posts(title):
                posts[post] += 1
            spelling = _spelling_key(name)
            variants = self._spellings.get(spelling)
            if variants is None:
                variants = self._spellings[spelling] = Counter()
            variants[name] += 1
            ids = self._by_spelling.get(spelling)
            if ids is None:
                ids = self._by_spelling[spelling] = set()
            ids.add(rid)
        for _, surname in names.short:
            self._short.setdefault(_key(surname), set()).add(rid)

    def _unindex(self, rid: str, names: ReleaseNames) -> None:
        for name, title in names.full:
            for key in _surname_keys(name):
                named = self._full.get(key, {})
                named.get(name, set()).discard(rid)
                if not named.get(name, True):
                    del named[name]
                if not named:
                    self._full.pop(key, None)
            self._posts.get(name, Counter()).subtract(_posts(title))
            self._posts[name] = +self._posts.get(name, Counter())
            if not self._posts[name]:
                del self._posts[name]
            spellings = self._spellings.get(_spelling_key(name), Counter())
            spellings[name] -= 1
            self._spellings[_spelling_key(name)] = +spellings
            if not self._spellings[_spelling_key(name)]:
                del self._spellings[_spelling_key(name)]
            self._by_spelling.get(_spelling_key(name), set()).discard(rid)
        for _, surname in names.short:
            self._short.get(_key(surname), set()).discard(rid)

    def resolve(self, rid: str, names: ReleaseNames) -> Resolution:
        """How the rest of the corpus (and officials.json's spellings) reads `names` of release `rid`."""
        people = {}
        for title, surname in names.short:
            posts = _posts(title)
            candidates = {
                self.spell(name)
                for name, ids in self._full.get(_key(surname), {}).items()
                if ids - {rid} and posts & self._posts.get(name, Counter()).keys()
            }
            if len(candidates) == 1:
                people[surname] = candidates.pop()
        spelling = {name: self.spell(name) for name, _ in names.full}
        return Resolution(people, {k: v for k, v in spelling.items() if v != k})

    def spell(self, name: str) -> str:
        """The one spelling of a person: officials.json's, for a first name one letter off
        ("Augustín Carstens"), else the corpus's with the most accents, then the commonest."""
        known = _known_spelling(name)
        if known:
            return known
        return self._best_spelling(_spelling_key(name)) or name

    def _best_spelling(self, key: str) -> str | None:
        variants = self._spellings.get(key)
        if not variants:
            return None
        return max(variants, key=lambda v: (sum(not c.isascii() for c in v), variants[v], v))

    def updated(self, changed: dict[str, ReleaseNames], removed=()) -> "NameBook":
        """The book once `changed` releases hold their new names and `removed` ones are gone.

        Only the lookups the change touches are copied before they change: this book stays
        as it was (a run compares the two)."""
        gone = [rid for rid in {*removed, *changed} if rid in self.releases]
        touched = [self.releases[rid] for rid in gone] + list(changed.values())
        new = object.__new__(NameBook)
        new.releases = dict(self.releases)
        new._full, new._posts, new._short = dict(self._full), dict(self._posts), dict(self._short)
        new._spellings, new._by_spelling = dict(self._spellings), dict(self._by_spelling)
        for names in touched:
            for name, _ in names.full:
                for key in _surname_keys(name):
                    if key in new._full and new._full[key] is self._full.get(key):
                        new._full[key] = {n: set(ids) for n, ids in self._full[key].items()}
                if name in new._posts and new._posts[name] is self._posts.get(name):
                    new._posts[name] = Counter(self._posts[name])
                spelling = _spelling_key(name)
                if spelling in new._spellings and new._spellings[spelling] is self._spellings.get(spelling):
                    new._spellings[spelling] = Counter(self._spellings[spelling])
                if spelling in new._by_spelling and new._by_spelling[spelling] is self._by_spelling.get(spelling):
                    new._by_spelling[spelling] = set(self._by_spelling[spelling])
            for _, surname in names.short:
                key = _key(surname)
                if key in new._short and new._short[key] is self._short.get(key):
                    new._short[key] = set(self._short[key])
        for rid in gone:
            new._unindex(rid, new.releases.pop(rid))
        for rid, names in changed.items():
            new.releases[rid] = names
            new._index(rid, names)
        return new

    def affected(self, before: "NameBook", changed, skip=()) -> set[str]:
        """Ids of releases (other than `skip`) whose resolution differs between `before` and
        this book, which differ in the `changed` releases: those whose open surnames or whose
        names' spellings the change touches."""
        remaining = self.releases.keys() - set(skip)
        if not remaining:  # a full build: every release was just read with this book
            return set()
        touched_names: set[str] = set()
        for rid in changed:
            for names in (self.releases.get(rid), before.releases.get(rid)):
                touched_names.update(name for name, _ in (names.full if names else ()))
        candidates: set[str] = set()
        for name in touched_names:
            for key in _surname_keys(name):
                candidates |= self._short.get(key, set()) | before._short.get(key, set())
            spelling = _spelling_key(name)
            if self._best_spelling(spelling) != before._best_spelling(spelling):  # its one spelling changed
                candidates |= self._by_spelling.get(spelling, set()) | before._by_spelling.get(spelling, set())
        out = set()
        for rid in candidates & remaining:
            names = self.releases.get(rid)
            if names is not None and self.resolve(rid, names) != before.resolve(rid, names):
                out.add(rid)
        return out

    # --- kept beside the index ---------------------------------------------------------

    def save(self, folder: Path, generation: int) -> None:
        """Write the book for the index generation `generation`: its names, then the generation
        they are those of (each in one rename; a book whose generation is not the index's is
        not read).

        Pickled whole, lookups included: an incremental run loads the book before it
        writes anything, and as JSON, rebuilt, that was a fifth of adding ten releases
        to 10,000 (0.10 s to load against 0.02 s). The index folder already holds Whoosh's
        pickles, so this trusts nothing new.
        """
        _replace(Path(folder) / self.FILE, pickle.dumps(self, pickle.HIGHEST_PROTOCOL))
        _replace(Path(folder) / self.GENERATION, str(generation).encode())

    @classmethod
    def load(cls, folder: Path, generation: int) -> "NameBook | None":
        """The book saved for index generation `generation`, or None (missing, stale or unreadable)."""
        if cls._generation(folder) != generation:
            return None
        collecting = gc.isenabled()
        gc.disable()  # unpickling makes many containers at once: collections in between find nothing
        try:
            book = pickle.loads((Path(folder) / cls.FILE).read_bytes())
        except (OSError, pickle.UnpicklingError, ValueError, EOFError, AttributeError, ImportError, TypeError):
            return None
        finally:
            if collecting:
                gc.enable()
        return book if isinstance(book, cls) else None

    @classmethod
    def _generation(cls, folder: Path) -> int | None:
        try:
            return int((Path(folder) / cls.GENERATION).read_text())
        except (OSError, ValueError):
            return None


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _known_spelling(name: str) -> str | None:
    """officials.json's spelling of `name`: exact or by first and last name, or a first name
    one letter off with the same surname ("Augustín Carstens" -> "Agustín Carstens")."""
    known = gazetteer.known_official(name)
    if known:
        return known
    words = _key(name).split()
    if len(words) < 2:
        return None
    for official in gazetteer.officials().by_surname.get(words[-1], ()):
        first = _key(official.name).split()[0]
        if first != words[0] and first[:1] == words[0][:1] and _one_edit(first, words[0]):
            return official.name
    return None


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one inserted, deleted or replaced letter."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]
    return True


def apply_resolution(release, resolution: Resolution):
    """`release` with its officials as the corpus reads them: respelled, and its open
    surnames resolved, each with the spans that mention it (a Release; the same one when
    nothing changes or its officials are a sidecar's)."""
    if release.names is None or (not resolution.people and not resolution.spelling):
        return release
    open_surnames = [surname for _, surname in release.names.short]
    officials = resolution.officials(release.officials, open_surnames)
    mentions: dict[str, list[list[int]]] = {}
    for key, spans in release.mentions.items():
        facet, _, value = key.partition(":")
        value = resolution.spelling.get(value, value) if facet == "official" else value
        mentions.setdefault(f"{facet}:{value}", []).extend(spans)
    for surname, start, end in release.open_mentions:
        if surname in resolution.people:
            mentions.setdefault(f"official:{resolution.people[surname]}", []).append([start, end])
    provenance = dict(release.provenance)
    if officials:
        provenance.setdefault("officials", "text")
    return replace(release, officials=officials, provenance=provenance,
                   mentions={k: sorted(v) for k, v in mentions.items()})
