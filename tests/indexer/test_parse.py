"""parse_release end to end: the seed releases with and without their sidecars, HTML, odd input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.issuer import canonical_issuer
from indexer.gazetteer import canonical_country, countries
from indexer.parse import parse_release
from indexer.sidecar import parse_sidecar
from indexer.sources import SourceError
from tests.conftest import CORPUS

NAPOLITANO_MEETING = "000_690fb21f9058b593.txt"
FACT_SHEET = "001_26145a666600c224.txt"
WOLF_MIRONES = "002_49c803ce4194f931.txt"
WEAPONS_LETTER = "003_6bdb3c418068dd0c.txt"
TEGUCIGALPA = "004_42d156efa68a9a66.txt"
SEEDS = [NAPOLITANO_MEETING, FACT_SHEET, WOLF_MIRONES, WEAPONS_LETTER, TEGUCIGALPA]


def parse(name: str, *, with_sidecar: bool = False, text: str | None = None, sidecar: dict | None = None):
    if with_sidecar:
        sidecar = parse_sidecar((CORPUS / name).with_suffix("").with_suffix(".meta.json").read_bytes())
    text = text if text is not None else (CORPUS / name).read_text(encoding="utf-8")
    return parse_release(name, text, is_html=name.endswith(".html"), sidecar=sidecar, content_hash="hash")


def facts(release) -> dict:
    return {
        "title": release.title, "date": release.date, "date_precision": release.date_precision,
        "issuer": release.issuer, "url": release.url, "officials": release.officials,
        "countries": release.countries, "provenance": release.provenance,
    }


FROM_TEXT = {
    NAPOLITANO_MEETING: {
        "title": "Secretary of Homeland Security Janet Napolitano today joined National Protection and Programs "
                 "Directorate (NPPD) Under…",
        "date": None, "date_precision": None, "issuer": "Office of the Press Secretary", "url": None,
        "officials": ["Janet Napolitano", "Rand Beers", "Alan Bersin", "Barack Obama"],
        "countries": ["Belize", "Costa Rica", "El Salvador", "Guatemala", "Honduras", "Mexico", "Nicaragua",
                      "Panama", "United States"],
        "provenance": {"title": "first sentence", "issuer": "text", "officials": "text", "countries": "text"},
    },
    FACT_SHEET: {
        "title": "FACT SHEET: The Central American Citizen Security Partnership",
        "date": None, "date_precision": None,  # not 2011-03-21 from the quotation's "March21, 2011"
        "issuer": "The White House", "url": None,  # canonical since the issuer facet (issue 10)
        "officials": ["Barack Obama", "Joe Biden"],
        "countries": ["Chile", "Costa Rica", "Dominican Republic", "El Salvador", "Guatemala", "Honduras",
                      "Nicaragua", "Panama", "United States"],
        "provenance": {"title": "headline line", "issuer": "text", "officials": "text", "countries": "text"},
    },
    WOLF_MIRONES: {
        "title": "Today, Acting Secretary of Homeland Security Chad F. Wolf and Panamanian Minister of Public "
                 "Security Rolando Mirones…",
        "date": None, "date_precision": None, "issuer": None, "url": None,
        "officials": ["Chad F. Wolf", "Rolando Mirones"],
        "countries": ["Panama", "United States"],
        "provenance": {"title": "first sentence", "officials": "text", "countries": "text"},
    },
    WEAPONS_LETTER: {
        "title": "Department of Homeland Security (DHS) Secretary Janet Napolitano, Mexican Attorney General "
                 "Eduardo Medina-Mora, Mexican…",
        "date": None, "date_precision": None, "issuer": "Office of the Press Secretary", "url": None,
        "officials": ["Janet Napolitano", "Eduardo Medina-Mora", "Jorge Tello Peón", "John Morton",
                      "Kenneth E. Melson", "David W. Ogden", "Barack Obama", "Felipe Calderón", "Augustín Carstens"],
        "countries": ["Mexico", "United States"],
        "provenance": {"title": "first sentence", "issuer": "text", "officials": "text", "countries": "text"},
    },
    TEGUCIGALPA: {
        "title": "Secretary of Homeland Security Kirstjen M. Nielsen traveled to Tegucigalpa, Honduras where she met "
                 "with security…",
        "date": None, "date_precision": None, "issuer": None, "url": None,
        "officials": ["Kirstjen M. Nielsen", "Enrique Degenhart", "Julian Pacheco", "Mauricio Landaverde",
                      "Juan Orlando Hernández"],
        "countries": ["El Salvador", "Guatemala", "Honduras", "United States"],
        "provenance": {"title": "first sentence", "officials": "text", "countries": "text"},
    },
}


@pytest.mark.parametrize("name", SEEDS)
def test_seed_without_sidecar(name):
    release = parse(name)
    assert facts(release) == FROM_TEXT[name]
    assert (release.id, release.path, release.content_hash) == (name, name, "hash")


@pytest.mark.parametrize("name", SEEDS)
def test_seed_with_sidecar_takes_the_curators_title_date_url_and_issuer(name):
    sidecar = parse_sidecar((CORPUS / name).with_suffix("").with_suffix(".meta.json").read_bytes())
    release = parse(name, with_sidecar=True)
    assert (release.title, release.date, release.date_precision, release.issuer, release.url) == (
        sidecar["title"], sidecar["date"], "day", canonical_issuer(sidecar["issuer"]), sidecar.get("url")
    )  # the issuer canonical since the issuer facet (issue 10): "DHS Office of the Press Secretary" is "DHS"
    assert release.provenance == {
        **{field: "sidecar" for field in ("title", "date", "issuer", "url") if field in sidecar},
        "officials": "text", "countries": "text",
    }
    assert (release.officials, release.countries) == (FROM_TEXT[name]["officials"], FROM_TEXT[name]["countries"])


def test_headline_that_is_the_title_is_not_repeated_in_the_body():
    for release in (parse(FACT_SHEET), parse(FACT_SHEET, with_sidecar=True)):
        assert release.body.startswith("“As the nations of Central America develop a new regional security strategy")
        assert "FACT SHEET" not in release.body


def test_mentions_of_wolf_cover_his_full_name_and_later_surname():
    release = parse(WOLF_MIRONES)
    spans = release.mentions["official:Chad F. Wolf"]
    assert [release.body[start:end] for start, end in spans] == ["Chad F. Wolf", "Wolf"]
    assert release.body[spans[1][0] - len("said Acting Secretary "): spans[1][1]] == "said Acting Secretary Wolf"
    assert sorted(release.mentions) == ["country:Panama", "country:United States", "official:Chad F. Wolf",
                                        "official:Rolando Mirones"]


@pytest.mark.parametrize("name", SEEDS)
def test_every_mention_names_its_value(name):
    release = parse(name, with_sidecar=True)
    assert sorted(release.mentions) == sorted(
        [f"official:{o}" for o in release.officials] + [f"country:{c}" for c in release.countries]
    )
    for key, spans in release.mentions.items():
        facet, value = key.split(":", 1)
        for start, end in spans:
            mentioned = release.body[start:end]
            if facet == "country":
                group = countries().targets.get(mentioned, ())
                assert canonical_country(mentioned) == value or value in group, (key, mentioned)
            else:
                assert value.endswith(mentioned), (key, mentioned)


def test_sidecar_lists_win_and_their_mentions_are_still_found():
    release = parse(TEGUCIGALPA, sidecar={"officials": ["Kirstjen Nielsen", "Jimmy Morales"],
                                          "countries": ["Honduras", "México"]})
    assert (release.officials, release.countries) == (["Kirstjen Nielsen", "Jimmy Morales"], ["Honduras", "Mexico"])
    assert release.provenance["officials"] == release.provenance["countries"] == "sidecar"
    assert {key: [release.body[s:e] for s, e in spans] for key, spans in release.mentions.items()} == {
        "official:Kirstjen Nielsen": ["Kirstjen M. Nielsen"] + ["Nielsen"] * 6,
        "country:Honduras": ["Honduras", "Honduras", "Honduran", "Northern Triangle", "Northern Triangle",
                             "Honduras", "Honduran", "Honduras"],
    }


def test_countries_named_only_in_the_title_count():
    release = parse("x.txt", text="WASHINGTON — The two governments signed a letter of intent today.",
                    sidecar={"title": "U.S. and Panama Sign a Letter of Intent"})
    assert release.countries == ["Panama", "United States"]
    assert release.mentions == {}


def test_dateline_date_and_not_the_quotations():
    text = ("Mexico City, February 27, 2012 -- Vice President Biden met President Felipe Calderón.\n"
            "“We stand ready,” President Barack Obama, Santiago, Chile, March 21, 2011\n")
    release = parse("x.txt", text=text)
    assert (release.date, release.date_precision, release.provenance["date"]) == ("2012-02-27", "day", "dateline")
    assert release.officials == ["Joe Biden", "Felipe Calderón", "Barack Obama"]
    assert release.countries == ["Chile", "Mexico"]


def test_new_mexico_dominica_and_chad_f_wolf_are_not_those_countries():
    text = ("EL PASO — Acting Secretary Chad F. Wolf visited New Mexico and spoke with officials from Dominica. "
            "Chad F. Wolf then called the Dominican Republic.")
    release = parse("x.txt", text=text)
    assert release.countries == ["Dominica", "Dominican Republic"]
    assert release.officials == ["Chad F. Wolf"]


PAGE = """<!DOCTYPE html>
<html><head><title>Secretary Napolitano Visits Panamá | Homeland Security</title>
<meta property="article:published_time" content="2011-07-12T10:30:00-05:00">
<meta property="og:url" content="https://www.dhs.gov/news/2011/07/12/visit">
<script>window.dataLayer = [];</script><style>p { color: navy }</style></head>
<body><header><a href="/">Homeland Security</a></header>
<nav><a href="/topics/mexico">Mexico</a></nav>
<main><h1>Secretary Napolitano Visits Panamá</h1>
<p>PANAMA CITY, March 3, 2010 — Secretary of Homeland Security Janet Napolitano met Panamanian Minister of
Public Security José Raúl Mulino.</p></main>
<footer><p>Page last reviewed: July 12, 2011</p><p>Privacy Policy | FOIA</p></footer></body></html>"""


def test_html_release():
    release = parse("news/visit.html", text=PAGE)
    assert facts(release) == {
        "title": "Secretary Napolitano Visits Panamá",
        "date": "2011-07-12", "date_precision": "day",  # the page's meta, before its dateline
        "issuer": "DHS", "url": "https://www.dhs.gov/news/2011/07/12/visit",  # the header names the site
        "officials": ["Janet Napolitano", "José Raúl Mulino"],
        "countries": ["Panama"],  # the navigation's "Mexico" is not the release's
        "provenance": {"title": "html <h1>", "date": "html meta article:published_time", "issuer": "page chrome",
                       "url": "html meta og:url", "officials": "text", "countries": "text"},
    }
    assert release.body == ("PANAMA CITY, March 3, 2010 — Secretary of Homeland Security Janet Napolitano met "
                            "Panamanian Minister of Public Security José Raúl Mulino.")


@pytest.mark.parametrize("text", ["", " \n\n\t", "###\n|\nFor Immediate Release\nContact: 202-282-8010",
                                  "<html><body><script>var x;</script><nav>Home</nav></body></html>"])
def test_nothing_but_boilerplate_is_an_error(text):
    with pytest.raises(SourceError, match="^no text after removing boilerplate$"):
        parse("x.txt", text=text)


FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<br>", "<h1>", "</h1>", "<li>", "<script>", "</script>", "<!--", "<![CDATA[", "<!", "&#99999999;",
    "Secretary ", "of Homeland Security ", "Napolitano", "Chad F. Wolf", "WASHINGTON, March 3, 2010 —", "\n", "\n\n",
    "###", "|", "For Immediate Release", "Release Date: ", "February 30, 2019", "México", "’s", "de la ", "\u0301",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=40).map("".join)), st.booleans())
def test_odd_text_parses_or_is_refused_with_a_reason(text, is_html):
    try:
        release = parse_release("x.html" if is_html else "x.txt", text, is_html=is_html, sidecar=None, content_hash="h")
    except SourceError as exc:
        assert str(exc) == "no text after removing boilerplate"
        return
    assert release.body.strip() and release.title.strip()
    assert all(0 <= s < e <= len(release.body) for spans in release.mentions.values() for s, e in spans)
