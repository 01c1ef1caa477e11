"""The one record that flows from extraction to the index writer."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexer.namebook import ReleaseNames


@dataclass
class Release:
    """A press release as the index sees it: text plus the facts extracted from it."""

    id: str  # the file's path relative to the corpus folder (POSIX), stable across runs
    path: str  # same as id today; kept apart so ids could change without losing the path
    title: str
    date: str | None  # ISO "YYYY-MM-DD"; month or year precision pad with "-01"
    date_precision: str | None  # "day", "month", "year", or None when unknown
    officials: list[str]
    countries: list[str]
    issuer: str | None  # canonical: "DHS", "Department of State", "U.S. Embassy in Belize", ...
    body: str  # normalized text, boilerplate removed; what is searched and shown
    url: str | None
    content_hash: str
    kind: str | None = None  # "Readout", "Remarks", "Fact sheet", ...; None when unclear
    language: str = "en"  # ISO 639-1 code of the text's language
    # Where each fact came from, for the release page and for curators:
    # {"title": "sidecar", "date": "dateline", "issuer": "text", ...}
    provenance: dict[str, str] = field(default_factory=dict)
    # Character spans in `body` that justify each facet value:
    # {"official:Janet Napolitano": [[12, 27], ...], "country:Panama": [[...]]}
    mentions: dict[str, list[list[int]]] = field(default_factory=dict)
    # For the corpus-level pass (indexer.namebook): the officials the text names in full and
    # the title + surname mentions it leaves open, None when a sidecar lists the officials;
    # and where the body mentions each open surname, as (surname, start, end).
    names: "ReleaseNames | None" = None
    open_mentions: list[tuple[str, int, int]] = field(default_factory=list)
