"""The search page in a real browser: type, filter, undo a filter, open a release, use it on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.webapp.conftest import R2011

pytestmark = pytest.mark.browser


def facet_option(page, value: str):
    return page.locator("#filters a.facet-option").filter(
        has=page.locator(".facet-value", has_text=re.compile(f"^{re.escape(value)}$"))
    )


def facet_counts(page, facet: str) -> dict[str, int]:
    section = page.locator("section.facet").filter(has=page.get_by_role("heading", name=facet, exact=True))
    values = section.locator(".facet-value").all_inner_texts()
    counts = section.locator(".facet-count").all_inner_texts()
    return dict(zip(values, map(int, counts)))


def test_typed_query_shows_results_with_highlighted_snippets(page):
    page.goto("/")
    box = page.get_by_label("Search press releases")
    box.fill("border security")
    box.press("Enter")
    page.wait_for_url("**/search?q=border+security")
    expect(page.locator(".results-summary")).to_have_text("5 releases match border AND security")
    expect(page.locator(".result")).to_have_count(5)
    expect(box).to_have_value("border security")
    marked = {word.lower() for word in page.locator(".snippet mark").all_inner_texts()}
    assert {"border", "security"} <= marked <= {"border", "borders", "security", "secure"}


def test_country_facet_narrows_the_results_and_its_chip_undoes_it(page):
    page.goto("/search?q=border+security")
    assert facet_counts(page, "Year") == {"2019": 2, "2012": 1, "2011": 1, "2009": 1}

    facet_option(page, "Panama").click()
    page.wait_for_url("**/search?q=border+security&country=Panama")
    expect(page.locator(".result")).to_have_count(3)
    for countries in page.locator(".result-facets div").filter(has_text="Countries").all_inner_texts():
        assert "Panama" in countries
    assert facet_counts(page, "Year") == {"2019": 1, "2012": 1, "2011": 1}
    expect(facet_option(page, "Panama")).to_have_class(re.compile(r"\bis-selected\b"))
    chip = page.locator("a.chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Country: Panama")

    chip.click()
    page.wait_for_url(re.compile(r"/search\?q=border\+security$"))
    expect(page.locator(".result")).to_have_count(5)
    expect(page.locator("a.chip")).to_have_count(0)
    assert facet_counts(page, "Year") == {"2019": 2, "2012": 1, "2011": 1, "2009": 1}


def test_result_opens_its_release_page_with_marked_words_and_mentions(page):
    page.goto("/search?q=calderon")
    link = page.locator(".result-title a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/release/.+\?q=calderon$"))
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".release-text .body mark")).to_have_text(["Calderón"])

    page.locator(".mention-count a").first.click()
    expect(page.locator(":target")).to_have_class("mention mention-official")
    expect(page.locator(":target")).to_be_in_viewport()


def test_keyboard_focus_is_visible(page):
    page.goto("/search?q=border")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


@pytest.mark.parametrize(
    "path", ["/", "/search?q=border+security&country=Panama&year=2011", f"/release/{R2011}?q=border", "/about"]
)
def test_usable_360_px_wide(page, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    search = page.get_by_role("button", name="Search", exact=True).bounding_box()
    assert search["x"] + search["width"] <= 360
