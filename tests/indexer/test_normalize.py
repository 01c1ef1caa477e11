"""Normalization: HTML to text, Unicode and whitespace, press-office boilerplate, on the seed releases."""

from indexer.normalize import html_to_text, join_paragraphs, normalize, strip_boilerplate, tidy_lines
from tests.conftest import CORPUS


def seed(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def test_dhs_header_and_footer_go_and_the_office_is_remembered():
    text = seed("000_690fb21f9058b593.txt")
    page = normalize(text, is_html=False)
    # The file writes one paragraph per line between its header and "###".
    assert page.body == "\n\n".join(text.splitlines()[3:-1])
    assert page.body.startswith("WASHINGTON—Secretary of Homeland Security Janet Napolitano today joined")
    assert page.issuer_lines == ["Office of the Press Secretary"]
    assert page.release_date is None
    assert (page.html_title, page.html_h1, page.html_meta) == (None, None, {})


def test_white_house_archive_page_keeps_paragraphs_and_names_its_office():
    page = normalize(seed("001_26145a666600c224.txt"), is_html=False)
    assert page.issuer_lines == ["The White House", "Office of the Vice President"]
    paragraphs = page.body.split("\n\n")
    assert paragraphs[0] == "FACT SHEET: The Central American Citizen Security Partnership"
    assert paragraphs[1].startswith("“As the nations of Central America develop a new regional security strategy")
    assert paragraphs[1].endswith("well-spent.” President Barack Obama, Santiago, Chile, March21, 2011")
    assert paragraphs[5] == "The Vice President highlighted how the United States supports the Partnership through multiple investments, including:"
    assert paragraphs[6].split("\n")[0] == (
        "• Billions of dollars to reduce the demand for illegal drugs in the United States through education, "
        "treatment, and prevention;"
    )
    assert len(paragraphs) == 14
    for gone in ("historical material", "Search form", "For Immediate Release", "The White House\n", "\xa0", "  "):
        assert gone not in page.body
    assert all(line == line.strip() for line in page.body.split("\n"))


def test_stray_pipe_goes_and_list_items_stay_together():
    page = normalize(seed("002_49c803ce4194f931.txt"), is_html=False)
    assert page.issuer_lines == []
    assert page.body.endswith("rather than using smugglers to make the dangerous journey north.")
    assert (
        "The Security Cooperation Letter of Intent reflects the commitment of both countries to:\n\n"
        "- Strengthen cybersecurity cooperation and policy planning;\n"
        "- Enhance customs processes and efficiencies to better facilitate trade;\n"
        "- Support border security and law enforcement efforts to combat transnational crime and impede irregular migration flows; and\n"
        "- Work collaboratively on a strategic regional approach to migration management.\n\n"
        "Panama is a crucial partner"
    ) in page.body


def test_release_date_line_is_read_and_removed():
    lines, issuer_lines, release_date = strip_boilerplate(
        ["For Immediate Release", "ICE Office of Public Affairs", "Contact: 202-732-4242", "",
         "Secretary Napolitano Meets with Salvadoran Officials", "Release Date: September 13, 2009", "",
         "San Salvador— Secretary of Homeland Security Janet Napolitano traveled to San Salvador.", "###"]
    )
    assert lines == ["", "Secretary Napolitano Meets with Salvadoran Officials", "",
                     "San Salvador— Secretary of Homeland Security Janet Napolitano traveled to San Salvador."]
    assert issuer_lines == ["ICE Office of Public Affairs"]
    assert release_date == "September 13, 2009"


def test_headlines_that_start_like_an_office_are_not_taken_for_the_issuer():
    lines = ["Department of State Designates Three Cartel Leaders",
             "Office of Foreign Assets Control Sanctions Cartel Members", "WASHINGTON — Today the Department…"]
    assert strip_boilerplate(lines) == (lines, [], None)


def test_tidy_lines_composes_accents_and_collapses_spaces():
    decomposed = "Minister  of Public\u00a0Security\tRolando Mirones of Panama\u0301 \u200b\r\n  next line  \f"
    assert tidy_lines(decomposed) == ["Minister of Public Security Rolando Mirones of Panamá", "next line", ""]


def test_one_paragraph_per_line_unless_blank_lines_separate_them():
    assert join_paragraphs(["First paragraph.", "Second paragraph.", "- item one;", "- item two."]) == (
        "First paragraph.\n\nSecond paragraph.\n\n- item one;\n- item two."
    )
    assert join_paragraphs(["", "Hard-wrapped first", "paragraph.", "", "", "Second."]) == (
        "Hard-wrapped first\nparagraph.\n\nSecond."
    )


PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Secretary Napolitano Visits Panamá | Homeland Security</title>
<meta property="article:published_time" content="2011-07-12T10:30:00-05:00">
<meta property="og:url" content="https://www.dhs.gov/news/2011/07/12/visit">
<link rel="canonical" href="https://www.dhs.gov/news/visit">
<script>window.dataLayer = window.dataLayer || [];</script>
<style>body { font-family: sans-serif; }</style>
</head><body>
<header><h1>Homeland Security</h1><form action="/search"><input name="q"></form></header>
<nav><ul><li><a href="/news">News</a></li><li><a href="/about">About</a></li></ul></nav>
<main>
<h1>Secretary  Napolitano Visits
  Panamá</h1>
<p class="meta">For Immediate Release<br>Office of the Press Secretary<br>Contact: 202-282-8010</p>
<p>PANAMA CITY, July 12, 2011 — Secretary of Homeland Security Janet Napolitano met
   Panamanian Minister of Public Security José Raúl Mulino.</p>
<!-- editor's note: check the minister's name -->
<ul><li>Border security;</li><li>Aviation security.</li></ul>
</main>
<aside>Related: Chad</aside><noscript>Enable JavaScript</noscript>
<footer><p>Page last reviewed: July 12, 2011</p><p><a href="/privacy">Privacy Policy</a> | <a href="/foia">FOIA</a></p></footer>
</body></html>
"""


def test_html_page_becomes_its_article_text():
    page = normalize(PAGE, is_html=True)
    assert page.body == (
        "Secretary Napolitano Visits Panamá\n\n"
        "PANAMA CITY, July 12, 2011 — Secretary of Homeland Security Janet Napolitano met Panamanian Minister of "
        "Public Security José Raúl Mulino.\n\n"
        "• Border security;\n• Aviation security."
    )
    for furniture in ("dataLayer", "font-family", "News", "About", "Chad", "Enable JavaScript", "Privacy", "editor"):
        assert furniture not in page.body
    assert page.issuer_lines == ["Office of the Press Secretary"]
    assert page.html_title == "Secretary Napolitano Visits Panamá | Homeland Security"
    assert page.html_h1 == "Secretary Napolitano Visits Panamá"  # the article's, not the site header's
    assert page.html_meta == {
        "article:published_time": "2011-07-12T10:30:00-05:00",
        "og:url": "https://www.dhs.gov/news/2011/07/12/visit",
        "canonical": "https://www.dhs.gov/news/visit",
    }


def test_html_without_main_takes_the_first_h1_outside_page_furniture():
    page = html_to_text("<header><h1>Site</h1></header><div><h1>Release</h1><p>Text<br>more</p><table>"
                        "<tr><td>a</td><td>b</td></tr></table></div>")
    assert (page.h1, page.title, page.meta) == ("Release", None, {})
    assert page.text.strip() == "Release\n\nText\nmore\n\na b"


def test_a_txt_file_holding_a_web_page_is_read_as_html():
    page = normalize("<html><body><script>var x;</script><p>Panama</p></body></html>", is_html=False)
    assert page.body == "Panama"


def test_unclosed_head_keeps_the_body_text():
    page = html_to_text(
        "<html><head><title>Unclosed</title><body><h1>Unclosed<p>Paragraph about border security "
        "<b>bold <i>never closed <div><table><tr><td>cell text"
    )
    assert page.text.split() == "Unclosed Paragraph about border security bold never closed cell text".split()


def test_an_unclosed_title_ends_where_its_text_does_and_the_page_stays():
    # The parser reads a title's text up to its end tag: never closed, it held the page.
    page = html_to_text("<html><head><title>Unclosed title<body><h1>Heading</h1><p>Paragraph.</p>")
    assert page.title == "Unclosed title"
    assert page.text.split() == ["Heading", "Paragraph."]
    page = html_to_text("<body><h1>Heading</h1><textarea>Comment<p>Paragraph.</p><plaintext>Plain <b>bold</b>")
    assert page.text.split() == ["Heading", "Comment", "Paragraph.", "Plain", "bold"]


def test_a_page_nested_deeper_than_the_parser_goes_keeps_its_text_without_its_code():
    # libxml2 stops at 2,048 open elements; the page is then read flat, every word kept.
    page = html_to_text("<body><h1>Heading</h1>" + "<div>" * 3_000 + "<p>Deep &amp; nested.</p><script>var x;</script>"
                        + "</div>" * 3_000 + "<p>After.</p></body>")
    assert page.text.split() == ["Heading", "Deep", "&", "nested.", "After."]
    assert "\n\nDeep & nested.\n\n" in page.text


def test_markup_inside_a_title_is_read_as_markup():
    page = html_to_text("<title>Pan<i>amá</i> &amp; <div>Chile</div></title><p>Text.</p>")
    assert page.title == "Panamá & Chile"


def test_comments_and_an_unclosed_script_are_never_text():
    page = html_to_text("<p>Border<!-- a note --> security</p><script>var secret = 1;")
    assert page.text.split() == ["Border", "security"]


def test_inline_tags_inside_a_heading_join_without_spaces():
    page = html_to_text("<html><body><main><h1>Pan<span>amá</span> talks</h1><p>Text.</p></main></body></html>")
    assert page.h1 == "Panamá talks"
