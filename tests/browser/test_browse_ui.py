"""Officials' and countries' pages, long facets and suggestions while typing, in a real
Chromium: with the script (filter box, typeahead by keyboard) and without it."""

import re
import urllib.request

import pytest
from playwright.sync_api import Error, expect

from tests.webapp.conftest import R2009

pytestmark = pytest.mark.browser

MISSING = "/official/Janet%20Napolitan"
# What Chromium logs for a page answered 404 on purpose; any other console error fails.
EXPECTED_404 = "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"


# Every kind of page this work added or changed.
PAGES = [
    "/official/Janet%20Napolitano",
    "/country/Panama",
    MISSING,  # 404 with close names
    "/facets/official?order=alpha",
    "/facets/country?q=border&order=count",
    "/search?q=border",
    f"/release/{R2009}",
]


@pytest.fixture(scope="module", autouse=True)
def warm(server):
    """Each gunicorn worker's first search compiles the gazetteer and the stemmer's tables
    (the engine's cold start, not what these tests are about): pay it before them."""
    answered = 0
    for _ in range(12):
        try:
            with urllib.request.urlopen(server + "/search?q=border", timeout=10) as response:
                answered = answered + 1 if response.status == 200 else 0
        except OSError:
            answered = 0
        if answered >= 4:
            break


@pytest.fixture
def tab(browser, server):
    """Open tabs with or without JavaScript, at a width; each fails its test if a page
    logs an error or throws (the 404 of a missing name aside)."""
    contexts, problems = [], []

    def open_tab(javascript: bool = True, width: int = 1280):
        context = browser.new_context(base_url=server, java_script_enabled=javascript, viewport={"width": width, "height": 900})
        contexts.append(context)
        new = context.new_page()
        new.on("console", lambda m: problems.append(m.text) if m.type == "error" and m.text != EXPECTED_404 else None)
        new.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        return new

    yield open_tab
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture
def no_script(tab):
    return tab(javascript=False)


def official_filter(page):
    return page.locator("section.facet").filter(has=page.get_by_role("heading", name="Official", exact=True))


def test_the_officials_filter_box_filters_the_list_as_one_types(page):
    page.goto("/search?q=border")
    section = official_filter(page)
    box = section.get_by_label("Filter this list")
    expect(box).to_be_visible()
    values = section.locator("a.facet-option .facet-value")
    expect(values).to_have_count(19)
    box.press_sequentially("nap")
    expect(section.locator("li:visible a.facet-option .facet-value")).to_have_text(["Janet Napolitano"])
    expect(section.locator("[role=status]")).to_have_text("1 value of 19")
    box.fill("")
    box.press_sequentially("calderon")  # accents folded: Felipe Calderón sits behind "show more"
    expect(section.locator("li:visible a.facet-option .facet-value")).to_have_text(["Felipe Calderón"])
    section.locator("li:visible a.facet-option").click()
    page.wait_for_url(re.compile(r"official=Felipe\+Calder%C3%B3n"))
    expect(page.locator("a.chip")).to_contain_text("Official: Felipe Calderón")


def test_the_filter_box_says_when_nothing_matches_and_restores_the_list_when_cleared(page):
    page.goto("/search?q=border")
    section = official_filter(page)
    box = section.get_by_label("Filter this list")
    box.fill("zzz")
    expect(section.locator("[role=status]")).to_have_text("No value matches")
    expect(section.locator("li:visible")).to_have_count(0)
    box.fill("")
    expect(section.locator("details.facet-more")).not_to_have_attribute("open", "")
    expect(section.locator(":scope > ul > li:visible")).to_have_count(8)


def test_a_suggestion_chosen_with_the_keyboard_opens_the_official_s_page(page):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search press releases")
    box.press_sequentially("napol")
    listbox = page.get_by_role("listbox")
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Janet Napolitano")
    expect(options.first).to_contain_text("official")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/official/Janet%20Napolitano")
    expect(page.locator("h1")).to_have_text("Janet Napolitano")


def test_a_title_phrase_chosen_with_the_keyboard_searches_it_keeping_the_filters(page):
    page.goto("/search?country=Panama")
    box = page.get_by_role("combobox", name="Search press releases")
    box.press_sequentially("central am")
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options.first).to_contain_text("central american")
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=%22central\+american%22&country=Panama$"))
    expect(box).to_have_value('"central american"')
    expect(page.locator(".results-summary")).to_contain_text('"central american"')
    expect(page.locator("a.chip")).to_have_text(re.compile("Country: Panama"))


def test_escape_closes_the_list_and_enter_then_searches_what_was_typed(page):
    page.goto("/")
    box = page.get_by_role("combobox", name="Search press releases")
    box.press_sequentially("secur")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("secur")
    box.press("Enter")
    page.wait_for_url("**/search?q=secur")


def test_typing_sends_few_requests_and_a_late_answer_is_never_shown(page):
    """Typing a word sends a request once typing pauses, not one per key; the answer to
    an earlier prefix that arrives after a later one is dropped."""
    asked, held = [], []
    page.on("request", lambda request: asked.append(request.url) if "/api/suggest" in request.url else None)
    page.route("**/api/suggest*", lambda route: held.append(route) if "q=pan" in route.request.url else route.continue_())
    page.goto("/")
    box = page.get_by_role("combobox", name="Search press releases")
    box.press_sequentially("napolitano", delay=20)
    expect(page.get_by_role("option").first).to_contain_text("Janet Napolitano")
    assert 1 <= len(asked) <= 3, asked  # ten keys; a loaded machine may pause between two
    box.fill("")
    box.press_sequentially("pan", delay=20)
    page.wait_for_timeout(400)  # "pan" was asked; its answer is held back
    assert held, asked
    box.fill("")
    box.press_sequentially("mex", delay=20)
    expect(page.get_by_role("option").first).to_contain_text("Mexico")
    for route in held:  # now the answer for "pan" arrives, late
        try:
            route.continue_()
        except Error:
            pass  # the page had already cancelled it
    page.wait_for_timeout(500)
    expect(page.get_by_role("option").first).to_contain_text("Mexico")
    expect(page.get_by_role("option").filter(has_text="Panama")).to_have_count(0)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_works_without_javascript(no_script, path):
    response = no_script.goto(path)
    assert response.status == (404 if path == MISSING else 200)
    expect(no_script.locator("h1")).to_be_visible()
    for box in no_script.locator("[data-facet-filter]").all():
        expect(box).to_be_hidden()  # the filter box needs the script; the page of every value does not
    expect(no_script.locator("[role=listbox]")).to_have_count(0)


def test_without_javascript_the_all_values_page_and_the_search_box_work(no_script):
    no_script.goto("/search?q=border")
    no_script.get_by_role("link", name="A to Z").click()
    no_script.wait_for_url(re.compile(r"/facets/official\?q=border&order=alpha$"))
    no_script.locator("a.facet-option", has_text="Janet Napolitano").click()
    no_script.wait_for_url(re.compile(r"/search\?q=border&official=Janet\+Napolitano$"))
    expect(no_script.locator(".result")).to_have_count(2)
    box = no_script.get_by_label("Search press releases")
    expect(box).not_to_have_attribute("role", "combobox")
    box.fill("panama")
    box.press("Enter")
    no_script.wait_for_url(re.compile(r"/search\?q=panama&official=Janet\+Napolitano$"))
    no_script.get_by_role("link", name="Page of Janet Napolitano").first.click()
    no_script.wait_for_url("**/official/Janet%20Napolitano")
    no_script.get_by_role("link", name="Barack Obama").click()
    expect(no_script.locator("h1")).to_have_text("Barack Obama")


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no script"])
@pytest.mark.parametrize("path", PAGES)
def test_usable_390_px_wide_without_horizontal_scroll(tab, path, javascript):
    page = tab(javascript=javascript, width=390)
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_suggestion_list_fits_390_px(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.get_by_role("combobox", name="Search press releases").press_sequentially("sec")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
