"""Rules for real pages: chrome removed, the headline found past labels, the page's date found;
each pinned with a small text written for the test."""

import pytest

from indexer.extract.dates import extract_date, parse_date_text
from indexer.extract.titles import extract_title, locate_headline, text_after_title
from indexer.normalize import html_to_text, join_paragraphs, normalize, strip_chrome
from indexer.parse import parse_release

BANNER = """U.S. flag

An official website of the United States government
Here's how you know

Official websites use .gov
A .gov website belongs to an official government organization in the United States.

Secure .gov websites use HTTPS
A lock () or https:// means you've safely connected to the .gov website. Share sensitive information only on official, secure websites.

Breadcrumb

  1. Home
  2. News
  3. Readout of the Harbor Meeting

Archived Content

In an effort to keep DHS.gov current, the archive contains outdated information that may not reflect current policy or programs.
"""


def parse(text: str, name: str = "x.txt"):
    return parse_release(name, text, is_html=name.endswith(".html"), sidecar=None, content_hash="h")


def title_of(text: str) -> tuple[str, str]:
    return extract_title(normalize(text, is_html=False).body, html_h1=None, html_title=None, html_meta={})


# --- chrome ------------------------------------------------------------------------------


def test_gov_banner_breadcrumb_and_archive_notice_are_chrome():
    text = BANNER + "\nReadout of the Harbor Meeting\n\nRelease Date: June 4, 2019\n\nWASHINGTON — The ports met today.\n"
    page = normalize(text, is_html=False)
    assert page.body == "Readout of the Harbor Meeting\n\nWASHINGTON — The ports met today."
    assert "A .gov website belongs to an official government organization in the United States." in page.site_lines
    assert "3. Readout of the Harbor Meeting" in page.site_lines


@pytest.mark.parametrize("line", [
    "printable banner", "U.S. Department of State - Great Seal", "Click here to skip navigation", "Skip to main content",
    "Press Release Shim", "This is historical material “frozen in time”. The website is no longer updated.",
    "Esta traducción se proporciona como una cortesía y únicamente debe considerarse fidedigna la fuente original.",
    "Return to this article at:", ">Press Releases 09", "Home > News > Press Releases", "Share", "Print this page", "rss",
])
def test_chrome_lines_by_their_words_and_shape(line):
    assert strip_chrome([line, "The text of the release."]) == (["The text of the release."], [line])


def test_a_long_line_that_quotes_a_banner_phrase_is_text():
    line = ("The minister said the great seal of the republic " + "was shown to the delegates again " * 6).strip()
    assert strip_chrome([line]) == ([line], [])


def test_the_address_after_return_to_this_article_goes_too():
    lines = ["Text.", "Return to this article at:", "https://example.gov/news/release.html", "Print this document"]
    assert strip_chrome(lines)[0] == ["Text."]


def test_html_main_content_by_role_id_or_link_density():
    page = html_to_text("<body><div>Site menu</div><div role='main'><h1>Ports Agree</h1><p>Text.</p></div></body>")
    assert page.text.split() == ["Ports", "Agree", "Text."]
    page = html_to_text("<body><div id='sidebar'><p>Elsewhere</p></div><div class='field--name-body'><p>" + "Long text. " * 20
                        + "</p></div></body>")
    assert "Elsewhere" not in page.text
    menu = "".join(f"<li><a href='/{n}'>Menu item {n}</a></li>" for n in range(8))
    page = html_to_text(f"<body><div><ul>{menu}</ul></div><div><p>The release text, with a <a href='/x'>link</a>.</p></div>"
                        "<p><a href='/p'>Privacy</a> | <a href='/f'>FOIA</a></p></body>")
    assert page.text.split() == "The release text, with a link.".split()
    assert html_to_text("<body><header><p>U.S. Embassy in Belize</p></header><main><p>T.</p></main></body>").site_lines == [
        "U.S. Embassy in Belize"
    ]


def test_hard_wrapped_sentences_of_a_file_without_blank_lines_are_joined():
    lines = ["Today, the Minister of Ports and", "President Smith of Ruritania announced a plan", "to build ports.",
             "A second paragraph."]
    assert join_paragraphs(lines) == (
        "Today, the Minister of Ports and President Smith of Ruritania announced a plan to build ports.\n\n"
        "A second paragraph."
    )


# --- titles ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "FACT SHEET\nTHE WHITE HOUSE\nFor Immediate Release\nPorts Partnership Expands to Three Harbors\n\nThe text begins here, "
    "and it runs on for a good while.",
    "Justice News\n\nPorts Partnership Expands to Three Harbors\nBaltimore, MD\nUnited States\nFriday, June 5, 2009\n\n"
    "Remarks as prepared for delivery.\n\nThank you all for coming today to this harbor.",
    "DHS Press Office\nOffice of the Press Secretary\nMarch 3, 2014\nPorts Partnership Expands to Three Harbors\n\nText.",
    "Home\nAbout\nNews\nPress Releases\nContact\nPress Releases 09\n\nPorts Partnership Expands to Three Harbors\n\nText.",
    "LA CASA BLANCA\nOficina del Secretario de Prensa\nPorts Partnership Expands to Three Harbors\n\nTexto.",
    "Roberta Q. Example\nPorts Partnership Expands to Three Harbors\n\nText.",
])
def test_the_headline_is_past_labels_dates_names_and_menus(text):
    assert title_of(text) == ("Ports Partnership Expands to Three Harbors", "headline line")


def test_a_headline_broken_over_two_lines_is_joined_and_never_cut():
    long_headline = "Ports Partnership Expands " + "to Many More Harbors along the Coast and Inland Waterways " * 3
    text = f"{long_headline.strip()} of the\nRepublic\n\nThe text begins here."
    assert title_of(text)[0] == long_headline.strip() + " of the Republic"
    text = "Declaración conjunta del secretario de Puertos, Juan Ejemplo,\nsobre el diálogo en Puerto Nuevo D.F.\n\nTexto."
    assert title_of(text)[0] == "Declaración conjunta del secretario de Puertos, Juan Ejemplo, sobre el diálogo en Puerto Nuevo D.F."


def test_no_headline_gives_the_first_sentence_marked_so():
    assert title_of("PORTVILLE, Ruritania –\nThe ambassador opened the harbor today. More text follows.") == (
        "The ambassador opened the harbor today.", "first sentence"
    )
    assert locate_headline("WASHINGTON — The secretary met the ministers today.\n\nMore.") is None


def test_html_title_loses_the_site_name_but_not_a_dash_of_its_own():
    def title(html_title, site=None):
        meta = {"og:site_name": site} if site else {}
        return extract_title("Body.", html_h1=None, html_title=html_title, html_meta=meta)[0]

    assert title("Ports Agree | Homeland Security") == "Ports Agree"
    assert title("Ports Agree - U.S. Embassy in Ruritania") == "Ports Agree"
    assert title("Ports Agree > U.S. Southern Command > News") == "Ports Agree"
    assert title("Welcoming the New U.S. - Ruritania Ports Agreement") == "Welcoming the New U.S. - Ruritania Ports Agreement"


def test_the_body_starts_after_the_headline_without_its_repeats():
    body = ("Apoyo a los puertos de Ruritania\n\nLA CASA BLANCA\n4 de mayo, 2013\n\nHOJA INFORMATIVA\nApoyo a los puertos\n"
            "de Ruritania\n\nEn su reunión con los ministros, el Presidente habló.")
    assert text_after_title(body, "Apoyo a los puertos de Ruritania") == (
        "LA CASA BLANCA\n4 de mayo, 2013\n\nHOJA INFORMATIVA\n\nEn su reunión con los ministros, el Presidente habló."
    )


# --- dates -------------------------------------------------------------------------------


def date_of(text: str, release_date=None):
    page = normalize(text, is_html=False)
    return extract_date(page.body, html_meta={}, release_date=release_date or page.release_date, relpath="x.txt")


@pytest.mark.parametrize(("text", "expected"), [
    ("Release Date:\nTue, 06/04/2019\n\nPorts Agree on a Plan\n\nText of it.", ("2019-06-04", "day", "Release Date line")),
    ("Ports Agree on a Plan\nWashington, DC\nMarch 12, 2014\n\nThe ministers met on February 2, 2014.", ("2014-03-12", "day", "date line")),
    ("Press Release | Nov. 12, 2019\n\nPorts Agree on a Plan\n\nText.", ("2019-11-12", "day", "date line")),
    ("EMBARGOED UNTIL 10:15AM       March 24, 2009\nPORTS AGREE\nWHEN: TODAY, Tuesday, March 25, 2009", ("2009-03-24", "day", "date line")),
    ("Acuerdo de puertos\nPara su divulgación inmediata\n12 de mayo de 2015\n\nTexto.", ("2015-05-12", "day", "date line")),
    ("HOJA INFORMATIVA\nHASTA LAS 2 DE LA TARDE\n4 de mayo, 2013\n\nTexto.", ("2013-05-04", "day", "date line")),
    ("Acuerdo de puertos\n\nCiudad de México, 23 de febrero de 2017 – Los ministros se reunieron hoy para hablar.", ("2017-02-23", "day", "dateline")),
    ("Acuerdo de puertos firmado\n\nLa Embajada entregó equipos a la policía como parte de la cooperación continua.\n\n"
     "Quito, abril 8 de 2021. La oficina donó vehículos a la policía en una ceremonia.", ("2021-04-08", "day", "dateline")),
    ("Ports Agree\n\nPORTVILLE, January 20, 2007, 1:00am CST -- “Today is a monumental moment,” said the ambassador.",
     ("2007-01-20", "day", "dateline")),
    ("Ports Agree on a Plan\nMarch 2014\n\nText of the plan.", ("2014-03-01", "month", "date line")),
    ("Ports Agree on a Plan\nEl Paso, Texas, October 31, 2021 – The ministers met today at the port.",
     ("2021-10-31", "day", "dateline")),
])
def test_the_date_the_page_states(text, expected):
    assert date_of(text) == expected


@pytest.mark.parametrize("text", [
    "On Monday, September 26, 2022, the ministers welcomed their counterparts to the harbor.",
    "El lunes 3 de mayo de 2015, los ministros se reunieron en el puerto para firmar el acuerdo.",
    "Ports Agree on a Plan\n\nREF# 2018-45\n\nSince 2013 the ports have grown.",
    "Ports Agree on a Plan\n\nThe flood of Oct. 15-16 hit the coast. The meeting of May 9th and 10th followed.",
    "Q&A: Port Security Enhancements for Select Harbors with Flights to Ruritania (Updated July 21, 2017)\n\nText.",
    "Ports Agree on a Plan\n\nThe plan, adopted on May 3, 2013, is the first of its kind.\n\nIt was signed in 2012.",
    "Ports Agree on a Plan\nUpdated Date: July 21, 2017\n\nText.",
])
def test_event_dates_and_numbers_are_not_the_publication_date(text):
    assert date_of(text) == (None, None, None)


def test_spanish_and_abbreviated_written_dates():
    assert [parse_date_text(t) for t in ("12 de mayo de 2015", "4 de mayo, 2013", "abril 8 de 2021", "Wed., Jan. 5, 2011",
                                         "miércoles, 7 de octubre de 2019", "mayo de 2015")] == [
        ("2015-05-12", "day"), ("2013-05-04", "day"), ("2021-04-08", "day"), ("2011-01-05", "day"),
        ("2019-10-07", "day"), ("2015-05-01", "month"),
    ]


def test_a_date_line_above_the_headline_dates_the_release_and_leaves_the_body():
    release = parse("For Immediate Release\nOffice of the Press Secretary\nMarch 23, 2005\n"
                    "Fact Sheet: Ports Partnership of Ruritania\n\"We will build ports,\" the leaders said.\n")
    assert (release.title, release.date, release.provenance["date"]) == (
        "Fact Sheet: Ports Partnership of Ruritania", "2005-03-23", "date line"
    )
    assert release.body == "\"We will build ports,\" the leaders said."
