"""The search page's timeline: a bar per year or month, each narrowing the search, and a
range of years to choose."""

from urllib.parse import parse_qsl, urlsplit

from tests.webapp.conftest import R2011, R2012, R2019_DEC, R2019_MARCH
from webapp.params import SearchParams
from webapp.timeline import narrowed, timeline_of


def bars(page) -> list[tuple[str, str | None]]:
    """Each bar's name ("2011: 1 release") with its link, in order; its text says the same
    to readers that ignore ARIA."""
    out = []
    for item in page.soup.select(".timeline-bars li"):
        bar = item.select_one(".timeline-bar")
        assert " ".join(bar.get_text("").split()) == bar["aria-label"]
        out.append((bar["aria-label"], bar.get("href")))
    return out


def test_a_bar_per_year_with_the_empty_years_as_gaps(get):
    page = get("/search?q=border+security")
    assert page.text(".timeline figcaption") == "Releases per year : select a bar to see only that year"
    assert bars(page) == [
        ("2009: 1 release", "/search?q=border+security&year=2009"),
        ("2010: no releases", None),
        ("2011: 1 release", "/search?q=border+security&year=2011"),
        ("2012: 1 release", "/search?q=border+security&year=2012"),
        *[(f"{year}: no releases", None) for year in range(2013, 2019)],
        ("2019: 2 releases", "/search?q=border+security&year=2019"),
    ]
    heights = [fill["class"] for fill in page.soup.select(".timeline-bars .timeline-fill")]
    assert heights == [["timeline-fill", f"h-{h}"] for h in (50, 0, 50, 50, 0, 0, 0, 0, 0, 0, 100)]
    # Six labels at most are printed under the axis; the rest are for screen readers only.
    printed = [el.get_text() for el in page.soup.select(".timeline-label:not(.visually-hidden)")]
    assert printed == ["2009", "2011", "2013", "2015", "2017", "2019"]


def test_a_bar_narrows_the_search_to_its_year(get):
    page = get("/search?q=border+security")
    narrowed_page = get(dict(bars(page))["2019: 2 releases"])
    assert narrowed_page.result_ids == [R2019_DEC, R2019_MARCH]
    assert narrowed_page.chips == [("Year: 2019", "/search?q=border+security")]


def test_a_bar_per_month_when_the_results_span_under_two_years(get):
    page = get("/search?q=security&year=2019")
    assert page.text(".timeline figcaption") == "Releases per month : select a bar to see only that month"
    read = bars(page)
    assert [label for label, _ in read] == [
        "Mar 2019: 1 release", "Apr 2019: no releases", "May 2019: no releases", "Jun 2019: no releases",
        "Jul 2019: no releases", "Aug 2019: no releases", "Sep 2019: no releases", "Oct 2019: no releases",
        "Nov 2019: no releases", "Dec 2019: 1 release",
    ]
    march = read[0][1]
    assert dict(parse_qsl(urlsplit(march).query)) == {"q": "security", "year": "2019", "from": "2019-03-01", "to": "2019-03-31"}
    assert get(march).result_ids == [R2019_MARCH]
    assert get(read[-1][1]).result_ids == [R2019_DEC]
    assert page.soup.select(".timeline-range") == []  # one year: no range to choose


def test_no_timeline_without_a_dated_result(get, write_release, own_client):
    assert get("/search?q=border&country=Atlantis").soup.select(".timeline") == []
    write_release("undated.txt", "Border talks.\n", {"title": "Undated"})
    assert get("/search?q=border", via=own_client()).soup.select(".timeline") == []


def test_a_month_narrows_within_a_range_already_set():
    within = SearchParams(q="x", date_from="2019-03-10", date_to="2019-12-31", page=4)
    assert narrowed(within, "2019-03") == SearchParams(q="x", date_from="2019-03-10", date_to="2019-03-31")
    assert narrowed(SearchParams(), "2020-02") == SearchParams(date_from="2020-02-01", date_to="2020-02-29")
    assert narrowed(SearchParams(year=("2009..2011", "none")), "2010") == SearchParams(year=("2010",))


def test_heights_are_steps_of_five_percent_with_a_step_for_any_release():
    timeline = timeline_of([("2000", 1000), ("2001", 1), ("2002", 0), ("2003", 512), ("2004", 974)], SearchParams(), str)
    assert [b.height for b in timeline.bars] == [100, 5, 0, 50, 95]


def test_printed_labels_are_spread_and_include_the_last():
    def printed(n):
        timeline = timeline_of([(str(2000 + i), 1) for i in range(n)], SearchParams(), lambda p: "")
        return [b.period for b in timeline.bars if b.printed]

    assert printed(1) == ["2000"]
    assert printed(6) == ["2000", "2001", "2002", "2003", "2004", "2005"]
    assert printed(12) == ["2000", "2002", "2004", "2006", "2008", "2011"]  # 2010 is too close to 2011
    assert printed(37) == ["2000", "2007", "2014", "2021", "2028", "2036"]


def test_the_range_form_offers_the_timelines_years(get):
    page = get("/search?q=border+security&sort=oldest")
    form = page.soup.select_one("form.timeline-range")
    assert [(o["value"], o.has_attr("selected")) for o in form.select("select[name=from] option")][:2] == [
        ("2009-01-01", True), ("2010-01-01", False),
    ]
    assert [(o["value"], o.has_attr("selected")) for o in form.select("select[name=to] option")][-2:] == [
        ("2018-12-31", False), ("2019-12-31", True),
    ]
    assert [(i["name"], i["value"]) for i in form.select("input[type=hidden]")] == [("q", "border security"), ("sort", "oldest")]
    chosen = get("/search?q=border+security&sort=oldest&from=2011-01-01&to=2012-12-31")
    assert chosen.result_ids == [R2011, R2012]
    assert chosen.text(".timeline figcaption").startswith("Releases per month")  # 2011-07 to 2012-03
    form = chosen.soup.select_one("form.timeline-range")
    assert form.select_one("select[name=from] option[selected]")["value"] == "2011-01-01"
    assert form.select_one("select[name=to] option[selected]")["value"] == "2012-12-31"


def test_the_range_form_replaces_the_chosen_years(get):
    page = get("/search?q=security&year=2009&year=2019&sort=oldest")
    form = page.soup.select_one("form.timeline-range")
    assert [o["value"] for o in form.select("select[name=from] option")] == [f"{y}-01-01" for y in range(2009, 2020)]
    assert [(i["name"], i["value"]) for i in form.select("input[type=hidden]")] == [("q", "security"), ("sort", "oldest")]
    assert get("/search?q=security&sort=oldest&from=2011-01-01&to=2015-12-31").result_ids == [R2011, R2012]
