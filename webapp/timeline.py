"""The search page's timeline: one bar per year (or month) of the result set, each a link
that narrows the search to its period, and the years a range can be chosen from.

Pure data from a ResultPage's `timeline` (webapp.search.timeline: every period from the
first to the last, empty ones included); the page draws it without JavaScript.
"""

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from webapp.params import SearchParams

LABELS_PRINTED = 6  # periods printed under the bars at most (every bar is labelled for screen readers)
HEIGHT_STEP = 5  # percent: heights are CSS classes (h-0 ... h-100; the CSP allows no inline style)


@dataclass
class Bar:
    period: str  # "2011" or "2011-07"
    label: str  # "2011", "Jul 2011"
    count: int
    height: int  # percent of the tallest bar, a multiple of HEIGHT_STEP; a non-empty bar has one step at least
    url: str | None  # the search narrowed to this period; None for an empty one
    printed: bool  # its label is printed under the axis (the others are read out, and shown on hover)


@dataclass
class Timeline:
    unit: str  # "year" or "month"
    bars: list[Bar]
    years: list[str]  # the years a range of years can be chosen from


def timeline_of(periods: list[tuple[str, int]], params: SearchParams, url_of: Callable[[SearchParams], str]) -> Timeline | None:
    """The drawn timeline of `periods`, with each bar's link (`url_of` makes a search's
    URL); None when no matching release has a date."""
    if not periods:
        return None
    unit = "month" if "-" in periods[0][0] else "year"
    tallest = max(count for _, count in periods)
    step = math.ceil(len(periods) / LABELS_PRINTED)
    last = len(periods) - 1
    bars = [
        Bar(
            period=period,
            label=period_label(period),
            count=count,
            height=bar_height(count, tallest),
            url=url_of(narrowed(params, period)) if count else None,
            # Every step-th, and the last (the one before it stays unprinted if too close).
            printed=n == last or (n % step == 0 and last - n >= step),
        )
        for n, (period, count) in enumerate(periods)
    ]
    return Timeline(unit, bars, list(dict.fromkeys(period[:4] for period, _ in periods)))


def bar_height(count: int, tallest: int) -> int:
    """A bar's size in percent of the tallest, a multiple of HEIGHT_STEP (a CSS class
    each: no inline style under the content security policy); one step at least when not empty."""
    return max(1, round(100 * count / tallest / HEIGHT_STEP)) * HEIGHT_STEP if count else 0


def period_label(period: str) -> str:
    """"2011" as it is; "2011-07" as "Jul 2011"."""
    if "-" not in period:
        return period
    year, month = period.split("-")
    return f"{calendar.month_abbr[int(month)]} {year}"


def narrowed(params: SearchParams, period: str) -> SearchParams:
    """The search kept to one period: a year becomes the only chosen year; a month is a
    date range, within any range already set."""
    if "-" not in period:
        return replace(params, year=(period,), page=1)
    year, month = map(int, period.split("-"))
    first = f"{period}-01"
    last = f"{period}-{calendar.monthrange(year, month)[1]:02d}"
    date_from = max(first, params.date_from) if params.date_from else first
    date_to = min(last, params.date_to) if params.date_to else last
    return replace(params, date_from=date_from, date_to=date_to, page=1)
