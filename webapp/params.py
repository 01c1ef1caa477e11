"""A search request as plain data: parsed from GET parameters, turned back into URLs.

Every state of the search page is a GET URL, so each facet value, chip and page link
is built here from the current parameters rather than by JavaScript.
"""

import datetime
import re
from dataclasses import dataclass, replace

MAX_QUERY_CHARS = 500
MAX_PAGE = 1000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
SORTS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first"}
# facet name (its GET parameter) -> label; the order is the order shown on the page
FACETS = {"country": "Country", "official": "Official", "year": "Year", "issuer": "Issued by", "kind": "Kind",
          "language": "Language"}
MAX_FACET_VALUES = 20  # values of one facet chosen at once
NO_DATE = "none"  # the year facet's value for releases with no known date
# A year range among the year facet's values: "2007..2011", or open at one end ("2007..", "..2011").
YEAR_RANGE = re.compile(r"([0-9]{4})?\.\.([0-9]{4})?")


class ParamError(ValueError):
    """A parameter a person or client got wrong; the message says how to fix it."""


@dataclass(frozen=True)
class SearchParams:
    """One search: query, filters, sort and page. Immutable so it can key a cache."""

    q: str = ""
    country: tuple[str, ...] = ()
    official: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    date_from: str | None = None  # "YYYY-MM-DD", inclusive
    date_to: str | None = None  # "YYYY-MM-DD", inclusive
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    undated: bool = False  # with a date range: also the releases with no known date
    verbatim: bool = False  # search the words as typed, never a spelling correction of them

    def selected(self, facet: str) -> tuple[str, ...]:
        return getattr(self, facet)

    @property
    def has_filters(self) -> bool:
        return any(self.selected(f) for f in FACETS) or bool(self.date_from or self.date_to)

    def toggled(self, facet: str, value: str) -> "SearchParams":
        """The same search with one facet value added or removed, back on page 1."""
        return replace(self, page=1, **{facet: self.toggled_values(facet, value)})

    def toggled_values(self, facet: str, value: str) -> tuple[str, ...]:
        """A facet's selected values with `value` added, or removed if it was there."""
        values = self.selected(facet)
        return tuple(v for v in values if v != value) if value in values else (*values, value)

    def without_dates(self) -> "SearchParams":
        return replace(self, date_from=None, date_to=None, undated=False, page=1)

    def with_undated(self) -> "SearchParams":
        """The same search with the releases of unknown date kept under a date range."""
        return replace(self, undated=True, page=1)

    def cleared(self) -> "SearchParams":
        """The same words with every filter removed."""
        return SearchParams(q=self.q, sort=self.sort, per_page=self.per_page)

    def at_page(self, page: int) -> "SearchParams":
        return replace(self, page=page)

    def sorted_by(self, sort: str) -> "SearchParams":
        return replace(self, sort=sort, page=1)

    def with_query(self, q: str) -> "SearchParams":
        return replace(self, q=q, page=1, verbatim=False)

    def as_typed(self) -> "SearchParams":
        """The same search, its words taken as typed even if they find nothing."""
        return replace(self, verbatim=True, page=1)

    def query_args(self) -> list[tuple[str, str]]:
        """GET parameters for this state, leaving out defaults so URLs stay short."""
        args: list[tuple[str, str]] = []
        if self.q:
            args.append(("q", self.q))
        for facet in FACETS:
            args.extend((facet, v) for v in self.selected(facet))
        if self.date_from:
            args.append(("from", self.date_from))
        if self.date_to:
            args.append(("to", self.date_to))
        if self.undated and (self.date_from or self.date_to):
            args.append(("undated", "1"))
        if self.sort != "relevance":
            args.append(("sort", self.sort))
        if self.verbatim:
            args.append(("verbatim", "1"))
        if self.page != 1:
            args.append(("page", str(self.page)))
        if self.per_page != DEFAULT_PER_PAGE:
            args.append(("per_page", str(self.per_page)))
        return args


def parse_params(args) -> tuple[SearchParams, list[str]]:
    """Read a request's MultiDict into SearchParams, plus notices about what was adjusted.

    Raises ParamError for values that cannot be read (a page that is not a number, a date
    that is not a date); an over-long query is cut, with a notice, rather than refused.
    """
    notices = []
    q = " ".join(args.get("q", "").split())
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        notices.append(f"Your query was longer than {MAX_QUERY_CHARS} characters; only its start was searched.")
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise ParamError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    params = SearchParams(
        q=q,
        country=_values(args, "country"),
        official=_values(args, "official"),
        year=_years(args),
        issuer=_values(args, "issuer"),
        kind=_values(args, "kind"),
        language=_values(args, "language"),
        date_from=_date(args, "from"),
        date_to=_date(args, "to"),
        sort=sort,
        page=_bounded_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_bounded_int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        undated=_flag(args, "undated"),
        verbatim=_flag(args, "verbatim"),
    )
    if params.date_from and params.date_to and params.date_from > params.date_to:
        raise ParamError(f"'from' ({params.date_from}) is after 'to' ({params.date_to})")
    return params, notices


def _values(args, name: str) -> tuple[str, ...]:
    """Repeated parameter values, stripped, empty ones and duplicates dropped, order kept.

    At most MAX_FACET_VALUES: each value is a link on the page that repeats all the
    others, so a long list would make the page grow with its square.
    """
    raw = args.getlist(name)
    if len(raw) > MAX_FACET_VALUES:
        raise ParamError(
            f"at most {MAX_FACET_VALUES} values of '{name}' can be chosen at once, not {len(raw):,}; "
            "choose fewer, or search without that filter"
        )
    seen: dict[str, None] = {}
    for value in raw:
        value = " ".join(value.split())[:200]
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def _years(args) -> tuple[str, ...]:
    """Years, year ranges and 'none', as one facet: a release passes if it is in any of them."""
    return tuple(dict.fromkeys(_year(value) for value in _values(args, "year")))


def _year(value: str) -> str:
    if value == NO_DATE or (len(value) == 4 and value.isascii() and value.isdigit()):
        return value
    bounds = year_range(value)
    if bounds is None:
        raise ParamError(
            f"year must be four digits, like 2011, or a range of years, like 2007..2011 (either end may be "
            f"left open: 2007..), or '{NO_DATE}' for no known date; not {value[:40]!r}"
        )
    low, high = bounds
    if low is not None and high is not None and low > high:
        raise ParamError(f"the year range {value} runs backwards: write the earlier year first, as in {high}..{low}")
    return str(low) if low == high else value  # 2011..2011 is the year 2011


def year_range(value: str) -> tuple[int | None, int | None] | None:
    """A year range's first and last years ("2007..2011" -> (2007, 2011), an open end is
    None); None when `value` is not a range."""
    match = YEAR_RANGE.fullmatch(value)
    if match is None or not any(match.groups()):
        return None
    return tuple(int(year) if year else None for year in match.groups())


def _date(args, name: str) -> str | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ParamError(f"'{name}' must be a date written YYYY-MM-DD, not {value[:40]!r}") from None


def _flag(args, name: str) -> bool:
    return args.get(name, "").strip().lower() in ("1", "true", "on", "yes")


def _bounded_int(args, name: str, default: int, low: int, high: int) -> int:
    value = args.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):  # "²".isdigit() is True, int("²") fails
        raise ParamError(f"'{name}' must be a whole number from {low} to {high}, not {value[:40]!r}")
    number = int(value)
    if not low <= number <= high:
        raise ParamError(f"'{name}' must be from {low} to {high}, not {number}")
    return number
