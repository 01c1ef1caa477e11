"""The timeline, feeds, exports, citations and filters on a phone, in a real Chromium,
with JavaScript and without it."""

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.webapp.conftest import R2011

pytestmark = pytest.mark.browser


@pytest.fixture
def no_script(browser, server):
    """A tab with JavaScript off; the test fails if the page logs an error."""
    context = browser.new_context(base_url=server, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    problems = []
    tab.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield tab
    context.close()
    assert problems == []


def result_count(page) -> int:
    return page.locator(".result").count()


def test_a_timeline_bar_narrows_the_search_to_its_year(page):
    page.goto("/search?q=border+security")
    bars = page.locator(".timeline-bars li")
    expect(bars).to_have_count(11)  # 2009 to 2019, the empty years as gaps
    expect(page.locator("a.timeline-bar")).to_have_count(4)
    page.get_by_role("link", name="2019: 2 releases").click()
    page.wait_for_url(re.compile(r"/search\?q=border\+security&year=2019$"))
    expect(page.locator(".result")).to_have_count(2)
    expect(page.locator("a.chip")).to_have_text(re.compile(r"^Year: 2019"))
    # Two releases within a year: now a bar per month; March narrows to one day range.
    expect(page.locator(".timeline figcaption")).to_contain_text("Releases per month")
    page.get_by_role("link", name="Mar 2019: 1 release").click()
    page.wait_for_url(re.compile(r"from=2019-03-01&to=2019-03-31"))
    expect(page.locator(".result")).to_have_count(1)
    expect(page.locator(".result-title")).to_contain_text("Regional Compact")


def test_the_range_form_sets_a_range_of_years(page):
    page.goto("/search?q=border+security")
    page.get_by_label("Years from").select_option("2011")
    page.get_by_label("to", exact=True).select_option("2012")
    page.get_by_role("button", name="Show these years").click()
    page.wait_for_url(re.compile(r"from=2011-01-01&to=2012-12-31"))
    expect(page.locator(".result")).to_have_count(2)
    expect(page.locator("a.chip")).to_contain_text("Date: from 2011-01-01 to 2012-12-31")


@pytest.mark.parametrize(
    "path",
    ["/search?q=border+security&country=Panama&year=2009..2019", "/search?q=security&year=2019", f"/release/{R2011}?q=border"],
)
def test_390_px_wide_nothing_scrolls_sideways(page, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in (".timeline", ".timeline-range", ".follow", ".cite"):
        for box in [el.bounding_box() for el in page.locator(selector).all()]:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector


def test_390_px_wide_the_filters_are_one_tap_from_the_top_of_the_results(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search?q=border+security&country=Panama")
    button = page.get_by_role("link", name="Filters (1 applied)")
    expect(button).to_be_in_viewport()  # beside the result count, before any result
    assert button.bounding_box()["height"] >= 40  # a finger-sized target
    expect(page.get_by_role("heading", name="Filter", exact=True)).not_to_be_in_viewport()
    button.click()
    expect(page.get_by_role("heading", name="Filter", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Country", exact=True)).to_be_in_viewport()
    page.get_by_role("link", name="Back to the results").click()
    expect(page.locator(".results-summary")).to_be_in_viewport()


def test_on_a_wide_screen_the_filters_need_no_jump(page):
    page.goto("/search?q=border")
    expect(page.locator(".to-filters")).to_be_hidden()
    expect(page.locator(".to-results")).to_be_hidden()
    expect(page.get_by_role("heading", name="Filter", exact=True)).to_be_in_viewport()


def test_without_javascript_the_timeline_feed_and_exports_work(no_script):
    page = no_script
    page.goto("/search?q=border+security")
    page.get_by_role("link", name="2011: 1 release").click()
    page.wait_for_url(re.compile(r"year=2011"))
    expect(page.locator(".result")).to_have_count(1)

    page.goto("/search?q=border+security")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename == "releases-border-security.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5 and rows[0]["title"] == "U.S. and Panama Sign a Letter of Intent to Increase Security Cooperation"
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON Lines").click()
    assert download.value.suggested_filename == "releases-border-security.jsonl"

    feed = page.get_by_role("link", name="Follow this search")
    response = page.request.get(feed.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.text().count("<entry>") == 5


def test_without_javascript_a_release_can_be_cited(no_script):
    page = no_script
    page.goto(f"/release/{R2011}")
    expect(page.locator(".citation")).to_contain_text("“Readout of Secretary Napolitano's Multilateral Meeting")
    with page.expect_download() as download:
        page.get_by_role("link", name="BibTeX (.bib)").click()
    assert download.value.suggested_filename == "000_690fb21f9058b593.bib"
    with open(download.value.path(), encoding="utf-8") as f:
        assert f.read().startswith("@misc{release:000_690fb21f9058b593.txt,\n")
    with page.expect_download() as download:
        page.get_by_role("link", name="plain text (.txt)").click()
    with open(download.value.path(), encoding="utf-8") as f:
        assert f.read() == " ".join(page.locator(".citation").inner_text().split()) + "\n"
