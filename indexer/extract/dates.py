"""The publication date of a release: where the page states it, never a date merely mentioned."""

import datetime
import re

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
WRITTEN_DATE = rf"(?i:{_WEEKDAY}(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}))"
_MONTH_DAY_YEAR = re.compile(rf"(?i:{_WEEKDAY}({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}))")
_DAY_MONTH_YEAR = re.compile(rf"(?i:{_WEEKDAY}(\d{{1,2}})\s+({_MONTH}),?\s+(\d{{4}}))")
_MONTH_YEAR = re.compile(rf"(?i:({_MONTH}),?\s+(\d{{4}}))")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?=$|[T\s])")
_US_NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YEAR_ONLY = re.compile(r"(\d{4})")
# A dateline opens the body: a place of a few words, a date, a dash ("WASHINGTON, March 3, 2010 —").
PLACE_WORD = r"[^\W\d_](?:[^\W\d_]|[.'’-])*"
_DATELINE = re.compile(
    rf"[A-ZÀ-Þ](?:[^\W\d_]|[.'’-])*(?:,?[ \t]+{PLACE_WORD}){{0,5}},?[ \t]+\(?(?P<date>{WRITTEN_DATE})\)?[ \t]*(?:—|–|--|-|:)"
)
_DATE_LINE = re.compile(rf"\(?(?P<date>{WRITTEN_DATE})\)?")
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
