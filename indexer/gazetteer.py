"""The gazetteers in indexer/data as lookups: countries, official titles, known officials.

The knowledge lives in the JSON files, which a person extends; this module only loads them,
once per process, and turns them into one compiled pattern or dictionary per question.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
_INITIAL = re.compile(r"[^\W\d_]\.")


def _fold_table() -> dict[int, str]:
    """Accented Latin letters -> their base letter, and curly apostrophes -> straight."""
    table = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code):
            table[code] = base
    # Letters with a stroke have no decomposition; the quotes matter for "Côte d’Ivoire".
    table.update({ord(k): v for k, v in {"Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "’": "'", "‘": "'"}.items()})
    return table


_FOLD = _fold_table()
# Substituting only the characters that fold is several times faster than str.translate.
_FOLDABLE = re.compile("[" + "".join(map(re.escape, map(chr, sorted(_FOLD)))) + "]")


def _fold_char(match: re.Match) -> str:
    return _FOLD[ord(match.group())]


def fold(text: str) -> str:
    """`text` without accents, one character for one, so an offset found in it holds in `text`."""
    return text if text.isascii() else _FOLDABLE.sub(_fold_char, text)


def literal_pattern(words) -> str:
    """A regex matching any of `words`, built as a trie: one pass, and the longest word wins."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy "?": a longer word through this node is tried before stopping here.
    return f"(?:{body})?" if "" in node else body


def _load(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CountryGazetteer:
    """Everything extraction asks about countries, built from countries.json."""

    pattern: re.Pattern  # over folded text: a country or group where match.lastindex is set, else a not-country phrase
    targets: dict[str, tuple[str, ...]]  # matched (folded) text -> canonical names
    canonical: dict[str, str]  # any listed name, folded and casefolded -> canonical name
    names: tuple[str, ...]  # every spelling that names one country, as written in the data


@cache
def countries() -> CountryGazetteer:
    """The country gazetteer, loaded once per process."""
    data = _load("countries.json")
    targets: dict[str, tuple[str, ...]] = {}
    canonical: dict[str, str] = {}
    names: list[str] = []

    def add(spelling: str, value: tuple[str, ...]) -> None:
        spelling = fold(unicodedata.normalize("NFC", spelling))
        # Upper case too, for headlines and datelines set in capitals.
        for variant in (spelling, spelling.upper()):
            if targets.setdefault(variant, value) != value:
                raise ValueError(f"countries.json: {spelling!r} stands for both {targets[variant]} and {value}")

    for country, aliases in data["countries"].items():
        own = aliases if country in data["ambiguous_names"] else [country, *aliases]
        for spelling in own:
            add(spelling, (country,))
            names.append(spelling)
        for spelling in (country, *aliases):
            canonical[fold(spelling).casefold()] = country
    for group, members in data["groups"].items():
        unknown = [m for m in members if m not in data["countries"]]
        if unknown:
            raise ValueError(f"countries.json: group {group!r} names unknown countries {unknown}")
        add(group, tuple(members))
    blocked = {fold(p) for p in data["not_countries"]} | {fold(p).upper() for p in data["not_countries"]}
    return CountryGazetteer(_country_pattern(blocked, targets), targets, canonical, tuple(names))


def _country_pattern(blocked, targets) -> re.Pattern:
    r"""Not-country phrases, each with the rest of the word it starts ("Central Americans"),
    and country names, at word starts; at one position a phrase is tried before a name.

    One branch per first character, which checks the word start after it (`X(?<!\w.)`):
    when every branch starts with a character, the regex engine skips in C to where one
    stands. A leading `(?<!\w)` is tried at every position, and scanned 2x slower.
    """
    by_first: dict[str, tuple[list[str], list[str]]] = {}
    for kind, words in enumerate((blocked, targets)):
        for word in words:
            by_first.setdefault(word[0], ([], []))[kind].append(word[1:])
    branches = []
    for first, (phrases, names) in sorted(by_first.items()):
        rests = [f"(?:{literal_pattern(phrases)})[\\w-]*"] if phrases else []
        if names:
            rests.append(f"(?:{literal_pattern(names)})(?!\\w)()")  # its empty group sets lastindex
        branches.append(f"{re.escape(first)}(?<!\\w.)(?:{'|'.join(rests)})")
    return re.compile("|".join(branches))


def canonical_country(name: str) -> str | None:
    """The canonical name for any spelling the gazetteer lists: 'México' -> 'Mexico'."""
    return countries().canonical.get(fold(name).casefold())


@dataclass(frozen=True)
class KnownOfficial:
    name: str
    titles: tuple[str, ...]
    surname: str
    words: frozenset[str] = frozenset()  # folded, casefolded words of the name and its aliases


@dataclass(frozen=True)
class OfficialGazetteer:
    """Everything extraction asks about officials, built from officials.json."""

    titles: tuple[str, ...]
    lowercase_titles: tuple[str, ...]
    plural_titles: dict[str, str]  # plural as written -> the title each one holds
    ranks: tuple[str, ...]
    title_equivalents: dict[str, str]  # casefolded title -> titles it counts as, space-separated
    office_words: tuple[str, ...]
    not_name_words: tuple[str, ...]
    by_form: dict[str, str]  # a known full name as written, folded and casefolded -> canonical
    by_key: dict[tuple[str, str], str]  # person_key -> canonical
    by_surname: dict[str, tuple[KnownOfficial, ...]]  # folded, casefolded surname -> who has it
    by_name: dict[str, KnownOfficial]  # canonical name -> entry


@cache
def officials() -> OfficialGazetteer:
    """The officials gazetteer, loaded once per process."""
    data = _load("officials.json")
    by_form: dict[str, str] = {}
    by_key: dict[tuple[str, str], str] = {}
    by_surname: dict[str, list[KnownOfficial]] = {}
    by_name: dict[str, KnownOfficial] = {}
    for entry in data["known_officials"]:
        name = unicodedata.normalize("NFC", entry["name"])
        surname = entry.get("surname") or name.split()[-1]
        forms = (name, *entry.get("aliases", ()))
        words = frozenset(w for form in forms for w in fold(form).casefold().split())
        known = by_name[name] = KnownOfficial(name, tuple(entry.get("titles", ())), surname, words)
        for form in (name, *entry.get("aliases", ())):
            by_form[fold(form).casefold()] = name
            by_key.setdefault(person_key(form), name)
        # A Spanish double surname is also written with its first half alone ("Secretary Videgaray").
        first = fold(surname).casefold().split()[0]
        for key in dict.fromkeys((fold(surname).casefold(), first if first not in _PARTICLES else None)):
            if key:
                by_surname.setdefault(key, []).append(known)
    return OfficialGazetteer(
        titles=tuple(data["titles"]),
        lowercase_titles=tuple(data.get("lowercase_titles", ())),
        plural_titles=dict(data.get("plural_titles", {})),
        ranks=tuple(data.get("ranks", ())),
        title_equivalents={k.casefold(): v for k, v in data.get("title_equivalents", {}).items()},
        office_words=tuple(data["office_words"]),
        not_name_words=tuple(data["not_name_words"]),
        by_form=by_form,
        by_key=by_key,
        by_surname={k: tuple(v) for k, v in by_surname.items()},
        by_name=by_name,
    )


def person_key(name: str) -> tuple[str, str]:
    """First and last name, folded, initials skipped: 'Kirstjen M. Nielsen' -> ('kirstjen', 'nielsen')."""
    words = [w for w in fold(name).casefold().split() if not _INITIAL.fullmatch(w)] or [""]
    return words[0], words[-1]


def known_official(name: str) -> str | None:
    """The data's spelling of a full name: 'Kirstjen Nielsen' -> 'Kirstjen M. Nielsen'."""
    data = officials()
    exact = data.by_form.get(fold(name).casefold())
    if exact:
        return exact
    canonical = data.by_key.get(person_key(name))
    if canonical is None:
        return None
    # Same first and last name; the words between must not tell another person
    # ("José Antonio Marino Kuribreña" is not José Antonio Meade Kuribreña).
    middle = [w for w in fold(name).casefold().split()[1:-1] if not _INITIAL.fullmatch(w)]
    return canonical if all(w in data.by_name[canonical].words for w in middle) else None


_PARTICLES = frozenset(("de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "das", "dos", "di", "du", "y"))


def title_in_english(title: str) -> str:
    """A title as known_officials lists titles: 'Presidente' -> 'President', 'Canciller' -> 'Foreign Minister'."""
    data = officials()
    key = " ".join(title.casefold().split())
    if key in data.title_equivalents:
        return data.title_equivalents[key]
    # "Mexican Foreign Secretary", "secretario de Relaciones Exteriores": the last word that is one.
    for word in reversed(key.split()):
        if word in data.title_equivalents:
            return data.title_equivalents[word]
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def known_official_by_surname(surname: str, title: str) -> str | None:
    """The one known official with this surname who holds a title like `title`, else None."""
    padded = f" {title_in_english(title)} "
    matches = {
        known.name
        for known in officials().by_surname.get(fold(surname).casefold(), ())
        if not known.titles or any(f" {t} " in padded for t in known.titles)
    }
    return matches.pop() if len(matches) == 1 else None


def line_key(line: str) -> str:
    """A line as chrome and label lists match it: accents folded, lower case, single spaces."""
    return " ".join(fold(line).casefold().split())


@dataclass(frozen=True)
class ChromeLines:
    """Lines of page chrome, from chrome.json: whole lines, and phrases within short lines."""

    lines: frozenset[str]
    phrases: re.Pattern  # over line_key(line)


@cache
def chrome() -> ChromeLines:
    """The chrome lists, loaded once per process."""
    data = _load("chrome.json")
    return ChromeLines(
        frozenset(line_key(line) for line in data["lines"]),
        re.compile(literal_pattern(line_key(p) for p in data["phrases"])),
    )


@dataclass(frozen=True)
class IssuerGazetteer:
    """Everything extraction asks about issuers, built from issuers.json."""

    by_name: dict[str, str]  # line_key of any name or press-office line -> canonical issuer
    offices: frozenset[str]  # line_key of press-office lines that name no agency
    site_hints: tuple[tuple[str, str], ...]  # (line_key phrase, issuer), in the file's order
    hosts: dict[str, str]  # host (no "www.") -> issuer
    embassy_codes: dict[str, str]  # usembassy.gov subdomain -> country
    embassy: re.Pattern  # over line_key: a U.S. embassy named, the rest of the line after it


@cache
def issuers() -> IssuerGazetteer:
    """The issuer gazetteer, loaded once per process."""
    data = _load("issuers.json")
    by_name = {line_key(alias): issuer for issuer, aliases in data["issuers"].items() for alias in (issuer, *aliases)}
    embassy = re.compile(rf"(?:{literal_pattern(line_key(p) for p in data['embassy'])})\s*(?P<rest>.*)")
    return IssuerGazetteer(
        by_name=by_name,
        offices=frozenset(line_key(o) for o in data["offices"]),
        site_hints=tuple((line_key(k), v) for k, v in data["site_hints"].items()),
        hosts=dict(data["hosts"]),
        embassy_codes=dict(data["embassy_codes"]),
        embassy=embassy,
    )


@dataclass(frozen=True)
class KindCues:
    """One kind of release and the words that tell it (kinds.json), all as line_key text."""

    name: str
    headline_starts: tuple[str, ...]
    headline_has: tuple[str, ...]
    labels: frozenset[str]
    opening: tuple[str, ...]


@cache
def kinds() -> tuple[KindCues, ...]:
    """The kinds of release in the order they are tried, loaded once per process."""
    data = _load("kinds.json")["kinds"]

    def keys(values) -> tuple[str, ...]:
        return tuple(line_key(v) if v.strip() else v for v in values)

    return tuple(
        KindCues(name, keys(cues.get("headline_starts", ())), tuple(v.lower() for v in cues.get("headline_has", ())),
                 frozenset(keys(cues.get("labels", ()))), keys(cues.get("opening", ())))
        for name, cues in data.items()
    )


@cache
def label_lines() -> frozenset[str]:
    """line_key of every line that stands alone as a label, not a headline: kind labels,
    issuer names and press-office lines ("FACT SHEET", "THE WHITE HOUSE", "DHS Press Office")."""
    return frozenset({*issuers().by_name, *issuers().offices, *(label for kind in kinds() for label in kind.labels)})
