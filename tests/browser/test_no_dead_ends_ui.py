"""No dead ends, in a real browser: partial results say what they lack, and a misspelt
query is corrected by a click."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def search(page, words: str) -> None:
    page.goto("/")
    box = page.get_by_label("Search press releases")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))


def test_a_query_no_release_fully_matches_shows_partial_results_with_their_missing_words(page):
    search(page, "napolitano calderon zzyzx")
    expect(page.locator(".notices")).to_contain_text("No release has all 3 words; these match most of them.")
    first = page.locator(".result").first
    expect(first.locator(".missing")).to_have_text("Missing: zzyzx")
    expect(first.locator(".missing s")).to_have_text("zzyzx")


def test_did_you_mean_corrects_a_query_with_two_typos(page):
    search(page, "Hondruas bordr security")
    suggestion = page.locator(".suggestion a")
    expect(suggestion).to_have_text("Honduras border security")
    suggestion.click()
    page.wait_for_url(re.compile(r"q=Honduras\+border\+security"))
    expect(page.locator(".results-summary")).to_contain_text("honduras AND border AND security")
    expect(page.locator(".result").first.locator(".missing")).to_have_count(0)  # it has all three words


def test_a_query_that_finds_nothing_is_corrected_and_can_be_searched_as_typed(page):
    search(page, "secrity cooperaton")
    expect(page.locator(".notices")).to_contain_text("showing results for “security cooperation” instead")
    page.get_by_role("link", name="secrity cooperaton").click()
    page.wait_for_url(re.compile(r"verbatim=1"))
    expect(page.locator(".results-summary")).to_have_text(re.compile(r"^\s*No releases match secrity AND cooperaton\s*$"))
