"""The facts of a release, read from its normalized text: title, date, officials, countries,
issuer and URL.

Each extract_* function is pure and returns what it found together with where it found it
(a provenance label such as "dateline" or "html <h1>"); parse_release decides what a
sidecar overrides. Officials and countries come with the character spans that name them.
"""

import datetime
import re
from dataclasses import dataclass

from indexer import gazetteer
from indexer.gazetteer import fold, person_key

Span = tuple[int, int]

TITLE_MAX = 120  # a title made from the first sentence is cut near here, at a word boundary

# --- dates -------------------------------------------------------------------------------

_MONTHS = {
    name: n
    for n, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december" \
         r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_WRITTEN_DATE = rf"(?i:{_WEEKDAY}(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}))"
_MONTH_DAY_YEAR = re.compile(rf"(?i:{_WEEKDAY}({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}))")
_DAY_MONTH_YEAR = re.compile(rf"(?i:{_WEEKDAY}(\d{{1,2}})\s+({_MONTH}),?\s+(\d{{4}}))")
_MONTH_YEAR = re.compile(rf"(?i:({_MONTH}),?\s+(\d{{4}}))")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T\s])")
_US_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YEAR_ONLY = re.compile(r"(\d{4})")
# A dateline opens the body: a place of a few words, a date, a dash ("WASHINGTON, March 3, 2010 —").
_PLACE_WORD = r"[^\W\d_](?:[^\W\d_]|[.'’-])*"
_DATELINE = re.compile(
    rf"[A-ZÀ-Þ](?:[^\W\d_]|[.'’-])*(?:,?[ \t]+{_PLACE_WORD}){{0,5}},?[ \t]+\(?(?P<date>{_WRITTEN_DATE})\)?[ \t]*(?:—|–|--|-|:)"
)
_DATE_LINE = re.compile(rf"\(?(?P<date>{_WRITTEN_DATE})\)?")
_DATELINE_LINES = 3  # the dateline is on one of the body's first lines, or there is none
_FILE_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)([-_./])(\d\d)\2(\d\d)(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d\d)()(\d\d)(\d\d)(?!\d)"),
)
_HTML_DATE_META = ("article:published_time", "dc.date", "dcterms.date", "dc.date.issued", "date",
                   "datepublished", "publish-date", "pubdate")


def parse_date_text(text: str) -> tuple[str, str] | None:
    """A date written on its own (meta content, "Release Date:" value) -> (ISO date, precision)."""
    text = text.strip()
    if m := _ISO_DATE.match(text):
        return _iso(m[1], m[2], m[3])
    if m := _MONTH_DAY_YEAR.match(text):
        return _iso(m[3], _MONTHS[m[1].rstrip(".").lower()], m[2])
    if m := _DAY_MONTH_YEAR.match(text):
        return _iso(m[3], _MONTHS[m[2].rstrip(".").lower()], m[1])
    if m := _US_NUMERIC_DATE.match(text):
        return _iso(m[3], m[1], m[2])
    if m := _MONTH_YEAR.fullmatch(text):
        return _iso(m[2], _MONTHS[m[1].rstrip(".").lower()], None)
    if m := _YEAR_ONLY.fullmatch(text):
        return _iso(m[1], None, None)
    return None


def _iso(year, month, day) -> tuple[str, str] | None:
    """('2011', 7, '12') -> ('2011-07-12', 'day'); None when no such day exists."""
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    precision = "day" if day else "month" if month else "year"
    return date.isoformat(), precision


def extract_date(
    body: str, *, html_meta: dict[str, str], release_date: str | None, relpath: str
) -> tuple[str | None, str | None, str | None]:
    """(ISO date, precision, source) of publication, or (None, None, None).

    Only places that state the release's own date count: HTML meta, a "Release Date:"
    line, a dateline opening the body, the file name. A date merely mentioned in the text
    (a quotation's date, "his March 2011 trip") never does.
    """
    for key in _HTML_DATE_META:
        found = parse_date_text(html_meta[key]) if key in html_meta else None
        if found:
            return *found, f"html meta {key}"
    found = parse_date_text(release_date) if release_date else None
    if found:
        return *found, "Release Date line"
    for line in [line for line in body.split("\n", 2 * _DATELINE_LINES) if line][:_DATELINE_LINES]:
        match = _DATELINE.match(line) or _DATE_LINE.fullmatch(line)
        found = parse_date_text(match["date"]) if match else None
        if found:
            return *found, "dateline"
    for pattern in _FILE_DATES:
        for m in pattern.finditer(relpath):
            found = _iso(m[1], m[3], m[4])
            if found:
                return *found, "file name"
    return None, None, None


# --- title -------------------------------------------------------------------------------

_DATELINE_PREFIX = re.compile(
    rf"[A-ZÀ-Þ](?:[^\W\d_]|[.'’-])*(?:,?[ \t]+{_PLACE_WORD}){{0,3}}(?:,?[ \t]+\(?{_WRITTEN_DATE}\)?)?[ \t]*(?:—|–|--)[ \t]*"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|U\.S|U\.K|U\.N|D\.C|Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Adm|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Tex|Calif|Fla|Ariz"
    r"|Ave|No|Inc|Co|Corp|Ltd|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|a\.m|p\.m|vs|etc)$"
)
_HEADLINE_MAX = 200
_SITE_SEPARATORS = (" | ", " :: ")


def find_headline(body: str) -> str | None:
    """The body's first line when it reads as a headline: short, no final period, text after it."""
    first, _, rest = body.partition("\n")
    words = first.split()
    if not first or not rest.strip() or not 3 <= len(words) <= 30 or len(first) > _HEADLINE_MAX:
        return None
    if not first[0].isupper() and not first[0].isdigit():
        return None  # quotations, bullets
    if first.rstrip("\"”’'").endswith((".", ",", ";", ":", "—", "–", "-")) or _DATELINE_PREFIX.match(first):
        return None
    return first


def extract_title(
    body: str, *, html_h1: str | None, html_title: str | None, html_meta: dict[str, str]
) -> tuple[str, str]:
    """(title, source): the page's <h1>, og:title or <title>, else a headline line, else the first sentence."""
    if html_h1:
        return html_h1, "html <h1>"
    if html_meta.get("og:title"):
        return html_meta["og:title"], "html meta og:title"
    if html_title:
        return _without_site_name(html_title, html_meta.get("og:site_name")), "html <title>"
    headline = find_headline(body)
    if headline:
        return headline, "headline line"
    return _shorten(first_sentence(body)), "first sentence"


def _without_site_name(title: str, site_name: str | None) -> str:
    """'Readout of … | Homeland Security' -> 'Readout of …'."""
    for separator in _SITE_SEPARATORS:
        head = title.split(separator)[0].strip()
        if head and head != title:
            return head
    if site_name:
        for separator in (" - ", " – ", " — "):
            if title.endswith(separator + site_name) and len(title) > len(separator + site_name):
                return title[: -len(separator + site_name)].strip()
    return title


def first_sentence(body: str) -> str:
    """The body's first sentence without its dateline ("WASHINGTON—"); abbreviations don't end it."""
    line = body.lstrip().split("\n", 1)[0]
    dateline = _DATELINE_PREFIX.match(line)
    if dateline and line[dateline.end():].strip():
        line = line[dateline.end():]
    for m in _SENTENCE_END.finditer(line, 0, 4 * TITLE_MAX):
        if not _ABBREVIATION.search(line[max(0, m.start() - 12): m.start()]):
            return line[: m.end()]
    return line


def _shorten(text: str) -> str:
    """`text`, or its first ~TITLE_MAX characters cut at a word with "…"."""
    if len(text) <= TITLE_MAX:
        return text
    cut = text[:TITLE_MAX]
    if " " in cut[TITLE_MAX // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-(") + "…"


def same_line_text(a: str, b: str) -> bool:
    """Whether two headlines say the same, ignoring case, spacing and closing punctuation."""
    def norm(s: str) -> str:
        return " ".join(fold(s).casefold().split()).rstrip(".:;,!?\"”’' ")
    return norm(a) == norm(b)


# --- issuer and URL ----------------------------------------------------------------------


def extract_issuer(issuer_lines: list[str]) -> tuple[str | None, str | None]:
    """(issuer, source) from the office lines the text opens with, e.g. 'The White House, Office of the Vice President'."""
    return (", ".join(issuer_lines), "text") if issuer_lines else (None, None)


def extract_url(html_meta: dict[str, str]) -> tuple[str | None, str | None]:
    """(url, source) of the original page, from og:url or the canonical link."""
    for key, source in (("og:url", "html meta og:url"), ("canonical", "html link canonical")):
        if html_meta.get(key, "").startswith(("http://", "https://")):
            return html_meta[key], source
    return None, None


# --- officials ---------------------------------------------------------------------------

_OFFICIALS = gazetteer.officials()
_PARTICLES = ("de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "das", "dos", "di", "du", "bin", "ibn", "al", "y")
_INITIAL = r"[A-Z]\."
# A capitalized word; an apostrophe or hyphen only inside it, and never the possessive "’s".
_CAP_WORD = r"[A-ZÀ-ÖØ-Þ](?:[^\W_]|['’](?!s\b)(?=\w)|-(?=\w))*"
_NOT_NAME = gazetteer.literal_pattern(
    {*_OFFICIALS.not_name_words, *_OFFICIALS.office_words, *(w for t in _OFFICIALS.titles for w in t.split())}
)
_NAME_WORD = rf"(?:{_INITIAL}|(?!(?:{_NOT_NAME})\b){_CAP_WORD})"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:(?:{'|'.join(_PARTICLES)})[ \t]+){{0,2}}{_NAME_WORD}){{0,4}}"
# "of/for …" between a title and the name: an office ("Minister of Justice and Public Security
# Mauricio Landaverde") or a country right after "of" ("President of Honduras Juan Orlando
# Hernández"). Only office words follow one another, so "Security Chad F. Wolf" keeps "Chad".
_OFFICE_WORD = rf"(?:{gazetteer.literal_pattern(_OFFICIALS.office_words)})(?!\w)"
_OFFICE = rf"{_OFFICE_WORD}(?:(?:,?[ \t]+(?:and|&))?[ \t]+{_OFFICE_WORD})*"
_COUNTRY = rf"(?:{gazetteer.literal_pattern(gazetteer.countries().names)})(?!\w)"
_COMPLEMENT = rf"(?:[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?(?:{_OFFICE}|{_COUNTRY}))*"
_OFFICIAL = re.compile(
    rf"(?<![\w-])(?P<title>{gazetteer.literal_pattern(_OFFICIALS.titles)}){_COMPLEMENT}[ \t]+(?P<name>{_NAME})"
)
_INITIAL_WORD = re.compile(rf"{_INITIAL}")
# A name word (not a title) right before a surname makes it part of another name.
_NAME_BEFORE = re.compile(rf"(?<!\w)(?:(?!(?:{_NOT_NAME})\b){_CAP_WORD}|{_INITIAL}|{'|'.join(_PARTICLES)})[ \t]+$")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass
class Officials:
    """Officials named in a text: canonical names in order of first mention, and where."""

    names: list[str]
    mentions: dict[str, list[Span]]  # canonical name -> spans of the text naming them
    name_spans: list[Span]  # every span that names a person, known or not: never a country


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
    for m in _OFFICIAL.finditer(text):
        start, end = m.span("name")
        name_spans.append((start, end))
        name = m["name"]
        if " " in name and _in_title_case_line(text, start, end):
            # In a Title Case headline a name runs on into the words after it
            # ("Secretary Nielsen Signs Historic Compact"): trust only the first word.
            name = name.split(" ")[0]
            end = start + len(name)
        words = [w for w in name.split() if not _INITIAL_WORD.fullmatch(w) and w not in _PARTICLES]
        (full if len(words) >= 2 else short).append((m["title"], name, (start, end)))

    people: list[_Person] = []
    # Longest first, so "Tello Peón" finds "Jorge Tello Peón" and not the other way round.
    for title, name, span in sorted(full, key=lambda c: -len(c[1].split())):
        person = _same_person(people, name)
        if person is None:
            canonical = gazetteer.known_official(name) or gazetteer.known_official_by_surname(name, title) or name
            person = next((p for p in people if p.name == canonical), None) or _new_person(people, canonical)
        person.forms.add(_form(name))
        person.written.add(fold(name))
        person.spans.append(span)
    for title, name, span in short:
        person = _nearest_before(_by_suffix(people, name), span)
        if person is None:
            canonical = gazetteer.known_official_by_surname(name, title)
            if canonical is None:
                continue  # a surname nobody in the text or the data has: not enough for a name
            person = next((p for p in people if p.name == canonical), None) or _new_person(people, canonical)
        person.surnames.add(fold(name))
        person.spans.append(span)
    _add_untitled_mentions(text, people)

    people.sort(key=lambda p: min(p.spans))
    mentions = {p.name: sorted(set(p.spans)) for p in people}
    all_spans = sorted({*name_spans, *(s for spans in mentions.values() for s in spans)})
    return Officials([p.name for p in people], mentions, all_spans)


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
    taken = _mask(text, (s for p in people for s in p.spans))
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
    if len(line) > 200 or not after or after[0] in ",.;:)" or line.endswith((".", "!", "?", '"', "”")):
        return False  # a sentence, or the name ends where the line's words do
    words = _LONG_WORD.findall(line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def find_names(text: str, names: list[str]) -> dict[str, list[Span]]:
    """Spans naming each of `names` in `text`: the full name, or the surname where no other name has it."""
    people = [_Person(n, {_form(n)}, {fold(n)}, {fold(n.split()[-1])}, []) for n in dict.fromkeys(names) if n.split()]
    _add_untitled_mentions(text, people)
    return {p.name: sorted(p.spans) for p in people if p.spans}


# --- countries ---------------------------------------------------------------------------

_PERSON_AFTER = re.compile(rf"[ \t]+{_INITIAL}[ \t]+[A-Z]")  # "Chad F. Wolf": a first name, not a country


def extract_countries(text: str, not_in: list[Span] = ()) -> dict[str, list[Span]]:
    """Countries named in `text`, by canonical name in alphabetical order, with the spans naming them.

    Names, demonyms, local spellings and regional groups all count; a name inside a
    person's name (`not_in`, or followed by a middle initial) does not.
    """
    data = gazetteer.countries()
    taken = _mask(text, not_in)
    found: dict[str, list[Span]] = {}
    folded = fold(text)
    for m in data.pattern.finditer(folded):
        if m["name"] is None or taken.find(1, *m.span()) != -1 or _PERSON_AFTER.match(folded, m.end()):
            continue
        for country in data.targets[m["name"]]:
            found.setdefault(country, []).append(m.span())
    return {country: found[country] for country in sorted(found, key=country_sort_key)}


def country_sort_key(name: str) -> str:
    """Alphabetical as a reader expects: 'Côte d'Ivoire' among the C's."""
    return fold(name).casefold()


def _mask(text: str, spans) -> bytearray:
    """One byte per character of `text`, 1 inside any of `spans`: overlap tests in one call."""
    mask = bytearray(len(text))
    for start, end in spans:
        mask[start:end] = b"\x01" * (end - start)
    return mask
