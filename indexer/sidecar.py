"""Sidecar metadata: `NAME.meta.json` beside a release overrides what extraction found.

This is how a curator fixes a wrong title or date without editing the release.
"""

import datetime
import json
import re

from indexer.sources import SourceError, valid_text

FIELDS = {
    "title": "the release's headline",
    "date": "publication date: YYYY-MM-DD, YYYY-MM or YYYY",
    "url": "address of the original release",
    "issuer": "the office that issued it, e.g. 'DHS Office of the Press Secretary'",
    "officials": "list of full names, e.g. ['Janet Napolitano']",
    "countries": "list of English short names, e.g. ['Panama']",
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# A curator lists a release's few officials and countries; 20,000 names took 35 s to look
# for in the text of one release. Past these bounds a sidecar is refused as a whole.
MAX_VALUES = 100  # per list field
MAX_CHARS = 2_000  # per string


def parse_sidecar(data: bytes) -> dict:
    """Validate a sidecar's bytes and return its known fields, normalized.

    Raises SourceError with a sentence a curator can act on.
    """
    try:
        meta = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"sidecar is not valid JSON: {exc}") from exc
    except RecursionError:
        raise SourceError("sidecar is nested too deeply to read (JSON arrays or objects inside each other)") from None
    if not isinstance(meta, dict):
        raise SourceError("sidecar must be a JSON object")
    unknown = sorted(set(meta) - set(FIELDS))
    if unknown:
        raise SourceError(f"sidecar has unknown fields {unknown}; known: {sorted(FIELDS)}")
    clean: dict = {}
    for key in ("title", "url", "issuer"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise SourceError(f"sidecar field '{key}' must be a non-empty string")
        clean[key] = _bounded(key, value)
    for key in ("officials", "countries"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SourceError(f"sidecar field '{key}' must be a list of non-empty strings")
        if len(value) > MAX_VALUES:
            raise SourceError(f"sidecar field '{key}' lists {len(value):,} values; at most {MAX_VALUES} are allowed")
        clean[key] = [_bounded(key, v) for v in value]
    if meta.get("date") is not None:
        clean["date"], clean["date_precision"] = parse_sidecar_date(meta["date"])
    return clean


def _bounded(key: str, value: str) -> str:
    """A string field's value, stripped and valid Unicode, or SourceError if too long."""
    if len(value) > MAX_CHARS:
        raise SourceError(f"sidecar field '{key}' holds {len(value):,} characters; at most {MAX_CHARS:,} are allowed")
    return valid_text(value.strip())


def parse_sidecar_date(value) -> tuple[str, str]:
    """'2011-07-12' -> ('2011-07-12', 'day'); '2011-07' -> ('2011-07-01', 'month')."""
    match = _DATE.match(value) if isinstance(value, str) else None
    if not match:
        raise SourceError(f"sidecar date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise SourceError(f"sidecar date {value!r} is not a real date: {exc}") from exc
    precision = "day" if day else "month" if month else "year"
    return f"{year}-{month or '01'}-{day or '01'}", precision
