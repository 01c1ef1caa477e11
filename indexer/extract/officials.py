"""People named with an official title, under one canonical name each, with their mentions."""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from indexer import gazetteer
from indexer.extract.spans import Span, mask
from indexer.gazetteer import fold, person_key

_OFFICIALS = gazetteer.officials()
_PARTICLES = ("de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "das", "dos", "di", "du", "bin", "ibn", "al", "y")
INITIAL = r"[A-Z]\."
# A capitalized word; an apostrophe or hyphen only inside it, and never the possessive "’s".
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ](?:[^\W_]|['’](?!s\b)(?=\w)|-(?=\w))*"
_NOT_NAME = gazetteer.literal_pattern(
    {*_OFFICIALS.not_name_words, *_OFFICIALS.office_words, *(w for t in _OFFICIALS.titles for w in t.split()),
     *(w[:1].upper() + w[1:] for t in _OFFICIALS.lowercase_titles for w in t.split())}
)
_SPACE = r"(?:[ \t]+\n?|\n)[ \t]*"  # between words: spaces, or one line break (a name wrapped over two lines)
_NAME_WORD = rf"(?:{INITIAL}|(?!(?:{_NOT_NAME})\b){_CAP_WORD})"
_NAME = rf"{_NAME_WORD}(?:{_SPACE}(?:(?:{'|'.join(_PARTICLES)}){_SPACE}){{0,2}}{_NAME_WORD}){{0,4}}"
# "of/for …" between a title and the name: an office ("Minister of Justice and Public Security
# Mauricio Landaverde", "secretario de Hacienda y Crédito Público José Antonio Meade") or a
# country right after "of" ("President of Honduras Juan Orlando Hernández"), "to" a country
# ("Ambassador to Honduras Lisa Kubiske"), another title joined by "and" ("Assistant Secretary
# for International Affairs and Special Representative for Border Affairs Alan Bersin").
# Only office words follow one another, so "Security Chad F. Wolf" keeps "Chad".
_OFFICE_WORD = rf"(?:{gazetteer.literal_pattern(_OFFICIALS.office_words)})(?!\w)"
_OFFICE = rf"{_OFFICE_WORD}(?:(?:,?[ \t]+(?:and|&|y|e))?[ \t]+{_OFFICE_WORD})*"
_COUNTRY = rf"(?:{gazetteer.literal_pattern(gazetteer.countries().names)})(?!\w)"
_POSSESSIVE_COUNTRY = rf"{_COUNTRY}['’]s"
_TITLE = gazetteer.literal_pattern(_OFFICIALS.titles)
_TITLES = rf"(?:{_TITLE}|{gazetteer.literal_pattern(_OFFICIALS.lowercase_titles)})"
_OF = r"(?:of|for|to|on|de|del|de[ \t]+la|de[ \t]+los|para)"
_COMPLEMENT = (
    rf"(?:[ \t]+{_OF}[ \t]+(?:(?:the|our|its|their|la|el|los|las)[ \t]+)?(?:{_POSSESSIVE_COUNTRY}[ \t]+)?"
    rf"(?:U\.S\.[ \t]+)?(?:{_OFFICE}|{_COUNTRY})"
    rf"|[ \t]+and[ \t]+(?:{_TITLE}))*"
)
_RANK = rf"(?:(?:{gazetteer.literal_pattern(_OFFICIALS.ranks)})[ \t]+)?"
_OFFICIAL = re.compile(
    rf"(?<![\w-])(?P<title>{_TITLES}){_COMPLEMENT},?{_SPACE}{_RANK}(?P<name>{_NAME})"
)
# A plural title before a list: "Secretaries Rice, Gutierrez, and Chertoff", "agregados del
# Departamento de Seguridad Nacional Edward Dolan y Edgar Ramírez".
_LIST_ITEM = rf"{_NAME_WORD}(?:[ \t]+(?:(?:{'|'.join(_PARTICLES[:-1])})[ \t]+){{0,2}}{_NAME_WORD}){{0,3}}"
_PLURAL = (
    rf"(?<![\w-])(?P<title>{gazetteer.literal_pattern(_OFFICIALS.plural_titles)}){_COMPLEMENT}[ \t]+"
    rf"(?P<names>{_LIST_ITEM}(?:,[ \t]+{_LIST_ITEM})*,?[ \t]+(?:and|y|&)[ \t]+{_LIST_ITEM})"
)
_LIST_SPLIT = re.compile(r",?[ \t]+(?:and|y|&)[ \t]+|,[ \t]+")
# A title after the name: "Ricardo Mejia, Undersecretary of Security", "Ronald Jackson,
# executive director of …", a speaker block's "Roberta S. Jacobson" / "Deputy Assistant Secretary, …".
_TITLE_AFTER = re.compile(
    rf"[,\n][ \t]*(?:(?:the|el|la)[ \t]+)?(?i:(?:acting|deputy|interim)[ \t]+)?"
    rf"(?i:{gazetteer.literal_pattern({*_OFFICIALS.titles, *_OFFICIALS.lowercase_titles})})"
    rf"(?=[ \t]+(?:of|for|de|del|to|at|in)\b|[ \t]*[,.;\n]|$)"
)
_NAME_BEFORE_TITLE = re.compile(rf"(?<![\w.’'-])(?:{_RANK})?(?P<name>{_NAME})\Z")
# A transcript's speaker label in capitals: "FOREIGN SECRETARY EBRARD:".
_SPEAKER = re.compile(r"(?:^|(?<=\n))(?P<title>[A-Z][A-Z.]+(?: [A-Z][A-Z.]+)*?) (?P<name>[A-Z][A-Z'’-]+):")
# Where a speaker label may end: a colon after two capitals. The colon first, so the scan
# looks for colons alone (a capital-first pattern was tried at every capital: 10x slower).
_SPEAKER_HINT = re.compile(r":(?<=[A-Z]{2}:)")
_SPEAKER_MAX = 60
_PLURALS = tuple(_OFFICIALS.plural_titles)
_UPPER_TITLES = frozenset(t.upper() for t in _OFFICIALS.titles)
_INITIAL_WORD = re.compile(rf"{INITIAL}")
# A name word (not a title) right before a surname makes it part of another name.
_NAME_BEFORE = re.compile(rf"(?<!\w)(?:(?!(?:{_NOT_NAME})\b){_CAP_WORD}|{INITIAL}|{'|'.join(_PARTICLES)})[ \t]+$")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_CUT_INITIAL = re.compile(r"[A-ZÀ-Þ]")  # "David Munguia P": a last word of one capital is a cut name


@dataclass
class Officials:
    """Officials named in a text: canonical names in order of first mention, and where."""

    names: list[str]
    mentions: dict[str, list[Span]]  # canonical name -> spans of the text naming them
    name_spans: list[Span]  # every span that names a person, known or not: never a country
    # Title + surname mentions neither the text nor officials.json resolves ("Minister Degenhart"),
    # as (title, surname, span): another release of the corpus may name the person in full.
    unresolved: list[tuple[str, str, Span]] = field(default_factory=list)
    titles: dict[str, list[str]] = field(default_factory=dict)  # canonical name -> titles it was written with


@dataclass
class _Person:
    name: str
    forms: set[tuple[str, ...]]  # folded, casefolded words of each way of writing the name
    written: set[str]  # full names as the text writes them (folded), to find untitled mentions
    surnames: set[str]  # surnames as written (folded), to find "said Nielsen"
    spans: list[Span]


def extract_officials(text: str) -> Officials:
    """People named with an official title, under one canonical name each, with all their mentions.

    A surname after a title ("Secretary Napolitano") is the person named in full elsewhere
    in the text, or else a known official from officials.json; "President Obama" and
    "President Barack Obama" are one person. Untitled full names and surnames of the people
    found ("said Nielsen") are mentions too.
    """
    full, short, name_spans = [], [], []
    for title, name, (start, end) in _titled_names(text):
        name_spans.append((start, end))
        words = [w for w in name.split() if not _INITIAL_WORD.fullmatch(w) and w not in _PARTICLES]
        (full if len(words) >= 2 else short).append((title, name, (start, end)))

    people: list[_Person] = []
    titles: dict[str, list[str]] = {}
    # Longest first, so "Tello Peón" finds "Jorge Tello Peón" and not the other way round.
    for title, name, span in sorted(full, key=lambda c: -len(c[1].split())):
        person = _same_person(people, name)
        if person is None:
            canonical = gazetteer.known_official(name) or gazetteer.known_official_by_surname(name, title) or name
            person = next((p for p in people if p.name == canonical), None) or _new_person(people, canonical)
        person.forms.add(_form(name))
        person.written.add(fold(name))
        person.spans.append(span)
        titles.setdefault(person.name, []).append(title)
    unresolved = []
    for title, name, span in short:
        person = _nearest_before(_by_suffix(people, name), span)
        if person is None:
            canonical = gazetteer.known_official_by_surname(name, title)
            if canonical is None:
                unresolved.append((title, name, span))
                continue  # a surname nobody in the text or the data has: not enough for a name
            person = next((p for p in people if p.name == canonical), None) or _new_person(people, canonical)
        person.surnames.add(fold(name))
        person.spans.append(span)
        titles.setdefault(person.name, []).append(title)
    _add_untitled_mentions(text, people)

    people.sort(key=lambda p: min(p.spans))
    mentions = {p.name: sorted(set(p.spans)) for p in people}
    all_spans = sorted({*name_spans, *(s for spans in mentions.values() for s in spans)})
    titles = {name: list(dict.fromkeys(found)) for name, found in titles.items()}
    return Officials([p.name for p in people], mentions, all_spans, unresolved, titles)


def _titled_names(text: str):
    """(title, name, span) of every name written with a title, before it, after it, as a
    plural title's list, or as a transcript's speaker label; names on one line, cut names trimmed."""
    covered = bytearray(len(text))  # 1 where a name found so far stands: one found again inside it is no other
    text_end = len(text.rstrip())
    truncated = not text[:text_end].endswith((".", "!", "?", '"', "”", ")"))

    def emit(title: str, start: int, end: int, *, headline_case: bool = False):
        name = text[start:end]
        if " " in name or "\n" in name:  # one word needs none of this (most mentions are a surname)
            if headline_case and _in_title_case_line(text, start, end) and not _name_stands(text, start, end):
                # In a Title Case headline a name runs on into the words after it
                # ("Secretary Nielsen Signs Historic Compact"): trust only the first word.
                end = start + len(name.split(" ")[0])
            start, end = _trim_cut_name(text, start, end, text_end, truncated)
            if "\n" in text[start:end]:
                first_line, _, rest = text[start:end].partition("\n")
                if rest.strip().isupper() or text[end:end + 1] == ":":
                    end = start + len(first_line.rstrip())
            name = " ".join(text[start:end].split())
        if _is_country(name):
            return  # "los Presidentes de Costa Rica, El Salvador, …": a country, not a person
        if end > start and covered.find(0, start, end) != -1:
            covered[start:end] = b"\x01" * (end - start)
            found.append((title, name, (start, end)))

    found: list[tuple[str, str, Span]] = []
    for m in _OFFICIAL.finditer(text):
        emit(m["title"], *m.span("name"), headline_case=True)
    for m in _plural().finditer(text) if any(p in text for p in _PLURALS) else ():
        title = _OFFICIALS.plural_titles[m["title"]]
        offset = m.start("names")
        position = 0
        for piece in _LIST_SPLIT.split(m["names"]):
            position = m["names"].index(piece, position)
            emit(title, offset + position, offset + position + len(piece))
            position += len(piece)
    for m in _TITLE_AFTER.finditer(text):
        window_start = max(0, m.start() - 80)
        before = _NAME_BEFORE_TITLE.search(text, window_start, m.start())
        if before is None:
            continue
        name = before["name"]
        if len([w for w in name.split() if not _INITIAL_WORD.fullmatch(w) and w not in _PARTICLES]) >= 2:
            emit(m.group().strip(" \t\n,").strip(), *before.span("name"))
    for hint in _SPEAKER_HINT.finditer(text):
        line_start = text.rfind("\n", 0, hint.start()) + 1
        m = _SPEAKER.match(text, line_start) if hint.end() - line_start <= _SPEAKER_MAX + 2 else None
        if m and m.end() == hint.end() and (m["title"] in _UPPER_TITLES or m["title"].split(" ", 1)[-1] in _UPPER_TITLES):
            emit(m["title"].title(), *m.span("name"))
    found.sort(key=lambda c: c[2])
    return [(title, _speaker_case(name), span) for title, name, span in found]


@lru_cache(maxsize=1)
def _plural() -> re.Pattern:
    """_PLURAL compiled the first time a text has a plural title (few do): 35 KB of
    pattern, 58 ms to compile, which a run adding a few releases without one skips."""
    return re.compile(_PLURAL)


_VERB_ENDING = re.compile(r"(?:s|ed)$")


def _name_stands(text: str, start: int, end: int) -> bool:
    """Whether a name in a Title Case headline is the whole name, not one running into the
    headline's verb: written so elsewhere in the text, known, or two or three words ended by a
    lower-case word, the last not a verb's ("Spokesperson Emily Horne on …", not "Johnson Travels to")."""
    name = " ".join(text[start:end].split())
    if text.count(name) > 1 or gazetteer.known_official(name):
        return True
    words = name.split()
    if any(_INITIAL_WORD.fullmatch(w) for w in words[1:-1]):
        return True  # "Antonio O. Garza": a middle initial is no headline's verb
    line_end = text.find("\n", end)
    following = text[end:line_end if line_end != -1 else len(text)].split()
    if len(words) > 3 or _VERB_ENDING.search(words[-1]) and (not following or following[0] not in _SPANISH_LINKS):
        return False
    if not following:  # the name ends the headline: "Remarks by Secretary Janet Napolitano"
        return not any(gazetteer.canonical_country(w) for w in words)
    if not following[0][0].islower():
        return False
    # Spanish headlines put a preposition after the name, never an English verb.
    return following[0] in _SPANISH_LINKS or not _VERB_ENDING.search(words[-1])


_SPANISH_LINKS = frozenset("en de del para sobre con y a al ante".split())


@lru_cache(maxsize=4096)
def _is_country(name: str) -> bool:
    return gazetteer.canonical_country(name) is not None


def _speaker_case(name: str) -> str:
    """'EBRARD' -> 'Ebrard': a speaker label's capitals are not the name's spelling."""
    return name.title() if name.isupper() and len(name) > 2 else name


def _trim_cut_name(text: str, start: int, end: int, text_end: int, truncated: bool) -> tuple[int, int]:
    """A name without a last word that is cut: by the end of a truncated text ("Felipe Cald"),
    or to one capital ("David Munguia P"), unless a particle comes before it ("Ramírez de la O").
    `text_end` is where the text's last word ends; `truncated`, whether it stops mid-sentence."""
    words = text[start:end].split()
    cut = truncated and end >= text_end
    if len(words) > 1 and (cut or (_CUT_INITIAL.fullmatch(words[-1]) and words[-2] not in _PARTICLES)):
        end = start + text[start:end].rstrip().rindex(words[-1])
        end = start + len(text[start:end].rstrip())
    return start, end


def _form(name: str) -> tuple[str, ...]:
    return tuple(w for w in fold(name).casefold().split() if not _INITIAL_WORD.fullmatch(w.upper()))


def _new_person(people: list[_Person], canonical: str) -> _Person:
    known = _OFFICIALS.by_name.get(canonical)
    surname = known.surname if known else canonical.split()[-1]
    person = _Person(canonical, {_form(canonical)}, {fold(canonical)}, {fold(surname)}, [])
    people.append(person)
    return person


def _same_person(people: list[_Person], name: str) -> _Person | None:
    """Someone already found under another full form: same first and last name, or a longer name ending alike."""
    key = person_key(name)
    return next((p for p in people if any(person_key(" ".join(f)) == key for f in p.forms)), None) or next(
        iter(_by_suffix(people, name)), None
    )


def _by_suffix(people: list[_Person], name: str) -> list[_Person]:
    """People one of whose names ends with `name`'s words ("Napolitano" -> Janet Napolitano)."""
    form = _form(name)
    if not form:
        return []
    return [p for p in people if any(len(f) >= len(form) and f[-len(form):] == form for f in p.forms)]


def _nearest_before(candidates: list[_Person], span: Span) -> _Person | None:
    """Of several people a surname fits, the one mentioned last before it (else the first)."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None  # no scan of the spans: 10,000 mentions were quadratic
    return max(candidates, key=lambda p: max((s for s, _ in p.spans if s < span[0]), default=-1))


def _add_untitled_mentions(text: str, people: list[_Person]) -> None:
    """Add spans where a found person is named without a title: full name, or a surname no one else has."""
    owners: dict[str, set[str]] = {}
    for person in people:
        for written in person.written | person.surnames:
            owners.setdefault(written, set()).add(person.name)
    if not owners:
        return
    by_name = {p.name: p for p in people}
    surnames = {s for p in people for s in p.surnames}
    taken = mask(text, (s for p in people for s in p.spans))
    folded = fold(text)
    for start, end in _standalone(folded, owners):
        written = folded[start:end]
        who = owners[written]
        if len(who) != 1 or taken.find(1, start, end) != -1:
            continue
        if written in surnames and _NAME_BEFORE.search(text, max(0, start - 40), start):
            continue  # part of someone else's name: "Ana Rosalinda García de Hernández"
        by_name[next(iter(who))].spans.append((start, end))


def _standalone(text: str, words) -> list[Span]:
    """Where any of `words` stands alone in `text` (no letter, digit, _ or - touching it):
    leftmost first, the longest at one position, none overlapping.

    What a regex alternation of the words finds, without compiling one per release
    (that compile was a sixth of all parsing time).
    """
    found = []
    for word in words:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not _joins(text, start - 1) and not _joins(text, end):
                found.append((start, -end))
            start = text.find(word, start + 1)
    spans, last = [], 0
    for start, negative_end in sorted(found):
        if start >= last:
            spans.append((start, -negative_end))
            last = -negative_end
    return spans


def _joins(text: str, index: int) -> bool:
    """Whether the character at `index` would make a word there part of a longer one."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] in "_-")


def _in_title_case_line(text: str, start: int, end: int) -> bool:
    """Whether the name at start..end sits in a short Title Case line and has more words after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end != -1 else len(text)]
    after = text[end: line_end if line_end != -1 else len(text)].strip()
    if len(line) > 200 or (after and after[0] in ",.;:)") or line.endswith((".", "!", "?", '"', "”")):
        return False  # a sentence, or the name ends where the line's words do
    words = _LONG_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def find_names(text: str, names: list[str]) -> dict[str, list[Span]]:
    """Spans naming each of `names` in `text`: the full name, or the surname where no other name has it."""
    people = [_Person(n, {_form(n)}, {fold(n)}, {fold(n.split()[-1])}, []) for n in dict.fromkeys(names) if n.split()]
    _add_untitled_mentions(text, people)
    return {p.name: sorted(p.spans) for p in people if p.spans}
