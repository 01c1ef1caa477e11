"""A search's releases as CSV and JSON Lines rows, and the file name of an export.

Plain functions over `Hit`s: the routes in webapp.feeds stream what these yield. Rows
are produced a chunk at a time, so memory stays flat whatever the number of releases.
"""

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator

from webapp.params import FACETS, SearchParams
from webapp.results import Hit

COLUMNS = ("id", "title", "date", "issuer", "kind", "language", "officials", "countries", "url", "path")
MULTI_SEPARATOR = "; "  # multi-valued cells in CSV
ROWS_PER_CHUNK = 200  # rows written to the network at once
BOM = "\ufeff"  # tells spreadsheet programs the CSV is UTF-8 (Excel reads it as ANSI otherwise)
# A cell starting with one of these is run as a formula by Excel, LibreOffice or Google Sheets
# (tab and carriage return too, through their import heuristics): it gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILENAME_CHARS = 60  # of the part made from the search


def export_row(hit: Hit, url: str | None) -> dict:
    """One release's export fields, in column order; `url` is its original address when it
    is a web address (the caller checks), else None. The date is written to the precision
    it is known ("2011", "2011-07", "2011-07-12"), not padded to a day."""
    return {
        "id": hit.id,
        "title": hit.title,
        "date": _known_part(hit.date, hit.date_precision),
        "issuer": hit.issuer,
        "kind": hit.kind,
        "language": hit.language,
        "officials": list(hit.officials),
        "countries": list(hit.countries),
        "url": url,
        "path": hit.path,
    }


def _known_part(date: str | None, precision: str | None) -> str | None:
    if not date:
        return None
    return {"year": date[:4], "month": date[:7]}.get(precision or "day", date)


def csv_cell(value) -> str:
    """A value as a CSV cell: lists joined with "; ", None empty, and a value a spreadsheet
    would run as a formula neutralised with a leading apostrophe."""
    if value is None:
        return ""
    text = MULTI_SEPARATOR.join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """The CSV text of `rows` (a BOM, a header, then the rows, CRLF line ends), a chunk of
    ROWS_PER_CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(row[column]) for column in COLUMNS])
        if n % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def jsonl_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """One JSON object per line (UTF-8, not \\u-escaped), ROWS_PER_CHUNK lines at a time."""
    lines = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def export_filename(params: SearchParams, extension: str) -> str:
    """A file name made from the search: "releases-border-security-panama.csv". Only ASCII
    letters, digits and dashes (accents folded, the rest dropped), so it needs no quoting
    in Content-Disposition and is valid on every file system."""
    parts = [params.q, *(v for facet in FACETS for v in params.selected(facet)), params.date_from, params.date_to]
    words = " ".join(p for p in parts if p)
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_words).strip("-")
    if len(slug) > FILENAME_CHARS:
        slug = slug[:FILENAME_CHARS].rsplit("-", 1)[0]
    return f"releases-{slug}.{extension}" if slug else f"releases.{extension}"
