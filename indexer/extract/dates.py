"""The publication date of a release: where the page states it, never a date merely mentioned.

Where a page states its date: HTML meta, a "Release Date:" label, a date line among the
lines that open the release (the press-office header, under the headline, under a place
line: "Washington, DC" / "March 12, 2014"), or a dateline opening one of its first
paragraphs ("WASHINGTON, March 3, 2010 —", "Quito, abril 8 de 2021."). English and Spanish,
weekdays written out or abbreviated, numeric US dates; month precision where a line gives
only the month. A date inside the text (a meeting, a quotation, "On Monday, September 26,
2022, …") is an event, not the publication date, and is never taken.
"""

import datetime
import re

from indexer.gazetteer import fold

_MONTHS = {
    name: n
    for n, names in enumerate(
        [("january", "jan", "enero", "ene"), ("february", "feb", "febrero"), ("march", "mar", "marzo"),
         ("april", "apr", "abril", "abr"), ("may", "mayo"), ("june", "jun", "junio"), ("july", "jul", "julio"),
         ("august", "aug", "agosto", "ago"), ("september", "sep", "sept", "septiembre", "setiembre"),
         ("october", "oct", "octubre"), ("november", "nov", "noviembre"), ("december", "dec", "diciembre", "dic")],
        start=1,
    )
    for name in names
}
_EN_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december" \
            r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_ES_MONTH = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
_EN_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\.?"
_ES_WEEKDAY = r"(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)"
_DAY = r"\d{1,2}(?:st|nd|rd|th|º|°)?"
_YEAR = r"(?:19|20)\d\d"
# Every day-precision form, over folded text (accents off, so "miércoles" is "miercoles").
_DATE_FORMS = {
    "en_mdy": rf"(?:{_EN_WEEKDAY},?\s+)?(?P<m1>{_EN_MONTH})\s+(?P<d1>{_DAY}),?\s+(?P<y1>{_YEAR})",
    "en_dmy": rf"(?:{_EN_WEEKDAY},?\s+)?(?P<d2>{_DAY})\s+(?P<m2>{_EN_MONTH}),?\s+(?P<y2>{_YEAR})",
    "numeric": rf"(?:{_EN_WEEKDAY},?\s+)?(?P<m3>\d{{1,2}})/(?P<d3>\d{{1,2}})/(?P<y3>{_YEAR})",
    "es_dmy": rf"(?:{_ES_WEEKDAY},?\s+)?(?P<d4>{_DAY})\s+de\s+(?P<m4>{_ES_MONTH})(?:,|\s+de|\s+del)?\s+(?P<y4>{_YEAR})",
    "es_mdy": rf"(?P<m5>{_ES_MONTH})\s+(?P<d5>{_DAY})(?:,|\s+de|\s+del)?\s+(?P<y5>{_YEAR})",
}
_MONTH_FORMS = {
    "en_my": rf"(?P<m6>{_EN_MONTH}),?\s+(?P<y6>{_YEAR})",
    "es_my": rf"(?P<m7>{_ES_MONTH})(?:,|\s+de|\s+del)?\s+(?P<y7>{_YEAR})",
}
_DATE = re.compile(rf"(?i)(?<![\w/])(?:{'|'.join(_DATE_FORMS.values())})(?![\w/])")
_MONTH_ONLY = re.compile(rf"(?i)(?<![\w/])(?:{'|'.join(_MONTH_FORMS.values())})(?![\w/])")
_GROUPS = [(f"m{i}", f"d{i}", f"y{i}") for i in range(1, 6)] + [(f"m{i}", None, f"y{i}") for i in (6, 7)]
# A written date as one regex, without groups, for other patterns to embed (English forms).
WRITTEN_DATE = rf"(?i:(?:{_EN_WEEKDAY},?\s+)?(?:{_EN_MONTH}\s+{_DAY},?\s+\d{{4}}|\d{{1,2}}\s+{_EN_MONTH},?\s+\d{{4}}))"
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T\s])")
_YEAR_ONLY = re.compile(r"(\d{4})")

# A dateline opens a paragraph: a place of a few words, its date (a time may follow), then a
# dash or colon ("WASHINGTON, March 3, 2010 —", "Mexico City, January 20, 2007, 1:00am CST --")
# or, as Spanish releases write it, a period ("Quito, abril 8 de 2021.").
PLACE_WORD = r"[^\W\d_](?:[^\W\d_]|[.'’-])*"
# Not a place: "On Monday, …", "Since …", "El lunes 3 de mayo de 2015, …" (but "El Paso", "La Paz" are).
_NOT_PLACE = (r"(?!(?:on|in|at|by|since|from|until|as of|en|desde|hasta)\b)"
              r"(?!(?:el|la|los|las)\s+(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|dia|pasado|proximo)\b)")
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)(?:\s+[A-Z]{2,4}\b)?)?"
_DATELINE = re.compile(
    rf"(?i){_NOT_PLACE}{PLACE_WORD}(?:,?[ \t]+{PLACE_WORD}){{0,5}},?[ \t]+\(?(?P<date>{_DATE.pattern[4:]})\)?"
    rf"{_TIME}[ \t]*(?:—|–|--|-|:|\.(?=\s|$))"
)
_DATELINE_PARAGRAPHS = 3  # a dateline opens one of the first paragraphs, or there is none
_OPENING_LINES = 25  # non-blank lines searched for a date line, at most
_DATE_LINE_WORDS = 12  # a date line is short: a date, maybe a place, a weekday, a label
_PARAGRAPH_WORDS = 12  # a line of this many words ending a sentence is text, no longer the header
_HEADLINE_WORDS = 45
# Lines that date something else than the publication.
_OTHER_DATE = re.compile(r"(?i)\s*(?:updated|last updated|modified|last modified|updated date|previous releases"
                         r"|actualizad[oa]|event|when|fecha del evento)\b")
_FILE_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)([-_./])(\d\d)\2(\d\d)(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d\d)()(\d\d)(\d\d)(?!\d)"),
)
_HTML_DATE_META = ("article:published_time", "dc.date", "dcterms.date", "dc.date.issued", "date",
                   "datepublished", "publish-date", "pubdate")


def parse_date_text(text: str) -> tuple[str, str] | None:
    """A date written on its own (meta content, "Release Date:" value) -> (ISO date, precision)."""
    text = fold(text.strip())
    if m := _ISO_DATE.match(text):
        return _iso(m[1], m[2], m[3])
    if m := _DATE.match(text):
        return _from_match(m)
    if (m := _MONTH_ONLY.fullmatch(text.rstrip("."))) is not None:
        return _from_match(m)
    if m := _YEAR_ONLY.fullmatch(text):
        return _iso(m[1], None, None)
    return None


def find_date(line: str) -> tuple[int, int, tuple[str, str]] | None:
    """The first real day-precision date written in `line`: (start, end, (ISO date, 'day'))."""
    for m in _DATE.finditer(fold(line)):
        found = _from_match(m)
        if found:
            return m.start(), m.end(), found
    return None


def _dates_the_line(line: str, start: int, end: int) -> bool:
    """Whether a date at start..end is what `line` states, not a date inside a phrase:
    nothing but a time after it, or only a short label or place before it."""
    after = line[end:]
    return _AFTER_DATE.fullmatch(after) is not None or start * 3 <= len(line.rstrip())


_AFTER_DATE = re.compile(r"(?i)[\s.,;|–—-]*(?:(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)\s*[a-z]{0,4})?[\s.–—-]*")


def is_date_line(line: str) -> bool:
    """Whether `line` is mostly a date ("Friday, June 5, 2009", "4 de mayo, 2013", "March 2014")."""
    text = fold(line)
    m = _DATE.search(text) or _MONTH_ONLY.search(text)
    return m is not None and (m.end() - m.start()) * 2 >= len(text.strip(" .|–—-"))


def _from_match(m: re.Match) -> tuple[str, str] | None:
    for month, day, year in _GROUPS:
        if month in m.re.groupindex and m.group(month) is not None:
            name = m.group(month).rstrip(".").lower()
            number = int(name) if name.isdigit() else _MONTHS[name]
            return _iso(m.group(year), number, re.match(r"\d+", m.group(day))[0] if day else None)
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

    Only places that state the release's own date count, in this order: HTML meta, a
    "Release Date:" line, a date line among the lines that open the text (before its first
    paragraph), a dateline opening one of its first paragraphs, the file name. A date
    merely mentioned in the text (a quotation's date, "his March 2011 trip") never does.
    """
    for key in _HTML_DATE_META:
        found = parse_date_text(html_meta[key]) if key in html_meta else None
        if found:
            return *found, f"html meta {key}"
    found = parse_date_text(release_date) if release_date else None
    if found:
        return *found, "Release Date line"
    found = _opening_date(body)
    if found:
        return found
    for pattern in _FILE_DATES:
        for m in pattern.finditer(relpath):
            found = _iso(m[1], m[3], m[4])
            if found:
                return *found, "file name"
    return None, None, None


def _opening_date(body: str) -> tuple[str, str, str] | None:
    """A dateline opening one of the first paragraphs, or a date line before the first paragraph."""
    paragraphs = 0
    for line in [line for line in body.split("\n", 4 * _OPENING_LINES) if line.strip()][:_OPENING_LINES]:
        folded = fold(line)
        m = _DATELINE.match(folded)
        found = parse_date_text(m["date"]) if m else None
        if found:
            return *found, "dateline"
        words = len(line.split())
        # Long lines with no final period are headlines: text ends its sentences.
        is_paragraph = words > _HEADLINE_WORDS or (words >= _PARAGRAPH_WORDS and _ends_sentence(line))
        if paragraphs == 0 and words <= _DATE_LINE_WORDS and not is_paragraph and not _OTHER_DATE.match(folded):
            dated = find_date(line)
            if dated and _dates_the_line(line, dated[0], dated[1]):
                return *dated[2], "date line"
            month_only = _MONTH_ONLY.search(folded) if dated is None and is_date_line(line) else None
            month = parse_date_text(month_only.group()) if month_only else None
            if month:
                return *month, "date line"
        if is_paragraph:
            paragraphs += 1
            if paragraphs >= _DATELINE_PARAGRAPHS:
                return None
    return None


_ABBREVIATION_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


def _ends_sentence(line: str) -> bool:
    """Whether `line` ends a sentence: a final period, not one of an abbreviation ("D.F.", "U.S.")."""
    end = line.rstrip("\"”’' ")
    return end.endswith(("!", "?", ":")) or (end.endswith(".") and not _ABBREVIATION_END.search(end))
