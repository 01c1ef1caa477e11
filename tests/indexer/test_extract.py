"""Extraction of titles, dates, officials, countries and issuers, on real sentences from the seed releases."""

import json

import pytest

from indexer import gazetteer
from indexer.extract import (
    extract_countries,
    extract_date,
    extract_issuer,
    extract_officials,
    extract_title,
    extract_url,
    find_headline,
    first_sentence,
    parse_date_text,
)
from indexer.normalize import normalize
from tests.conftest import CORPUS

NAPOLITANO_MEETING = "000_690fb21f9058b593.txt"
FACT_SHEET = "001_26145a666600c224.txt"
WOLF_MIRONES = "002_49c803ce4194f931.txt"
WEAPONS_LETTER = "003_6bdb3c418068dd0c.txt"
TEGUCIGALPA = "004_42d156efa68a9a66.txt"


def body(name: str) -> str:
    return normalize((CORPUS / name).read_text(encoding="utf-8"), is_html=False).body


def named(text: str, spans) -> list[str]:
    return [text[start:end] for start, end in spans]


# --- officials ---------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "officials"), [
    (NAPOLITANO_MEETING, ["Janet Napolitano", "Rand Beers", "Alan Bersin", "Barack Obama"]),
    (FACT_SHEET, ["Barack Obama", "Joe Biden"]),
    (WOLF_MIRONES, ["Chad F. Wolf", "Rolando Mirones"]),
    (WEAPONS_LETTER, ["Janet Napolitano", "Eduardo Medina-Mora", "Jorge Tello Peón", "John Morton",
                      "Kenneth E. Melson", "David W. Ogden", "Barack Obama", "Felipe Calderón",
                      "Augustín Carstens"]),  # the release spells Agustín Carstens so
    (TEGUCIGALPA, ["Kirstjen M. Nielsen", "Enrique Degenhart", "Julian Pacheco", "Mauricio Landaverde",
                   "Juan Orlando Hernández"]),
])
def test_officials_of_each_seed_in_order_of_first_mention(seed, officials):
    assert extract_officials(body(seed)).names == officials


def test_later_short_forms_are_the_person_named_in_full():
    text = body(TEGUCIGALPA)
    found = extract_officials(text)
    assert named(text, found.mentions["Kirstjen M. Nielsen"]) == ["Kirstjen M. Nielsen"] + ["Nielsen"] * 6
    assert "said Nielsen" in text  # one of them is untitled
    text = body(WEAPONS_LETTER)
    assert named(text, extract_officials(text).mentions["Janet Napolitano"]) == ["Janet Napolitano"] + ["Napolitano"] * 4


def test_titles_with_offices_and_agencies_before_the_name():
    text = (
        "Together with Guatemalan Minister of Government Enrique Degenhart, Honduran Security Minister Julian "
        "Pacheco, and Salvadoran Minister of Justice and Public Security Mauricio Landaverde, Secretary Nielsen "
        "expressed her gratitude. National Protection and Programs Directorate (NPPD) Under Secretary Rand Beers, "
        "U.S. Customs and Border Protection (CBP) Commissioner Alan Bersin and Bureau of Alcohol, Tobacco, Firearms "
        "and Explosives (ATF) Acting Director Kenneth E. Melson attended."
    )
    found = extract_officials(text)
    assert found.names == ["Enrique Degenhart", "Julian Pacheco", "Mauricio Landaverde", "Kirstjen M. Nielsen",
                           "Rand Beers", "Alan Bersin", "Kenneth E. Melson"]
    assert named(text, found.mentions["Kirstjen M. Nielsen"]) == ["Nielsen"]  # filled in from officials.json


def test_accented_names_keep_their_accents():
    text = ("Mexican National Public Security System Executive Secretary Jorge Tello Peón. The arrangement signed "
            "today, supported by President Obama and Mexican President Felipe Calderón, will leverage the combined "
            "investigative capabilities of ICE.")
    assert extract_officials(text).names == ["Jorge Tello Peón", "Barack Obama", "Felipe Calderón"]


def test_president_obama_and_president_barack_obama_are_one_person():
    text = ("“…well-spent.” President Barack Obama, Santiago, Chile, March21, 2011\n\n"
            "The Vice President reviewed the Partnership launched by President Obama during his March 2011 trip.")
    found = extract_officials(text)
    assert found.names == ["Barack Obama"]
    assert named(text, found.mentions["Barack Obama"]) == ["Barack Obama", "Obama"]


def test_no_officials_from_titles_without_a_name():
    text = (
        "In his meeting earlier today with the Presidents of Honduras, Guatemala, El Salvador, Nicaragua, Costa "
        "Rica, and Panama and the Foreign Minister of the Dominican Republic, Vice President Biden discussed the "
        "challenges of crime.\n\nThe Vice President reviewed with the leaders the implementation of the Partnership. "
        "The President’s National Drug Control Strategy is based on a comprehensive approach. CARSI—a Department "
        "of State-led initiative. Secretary of State-led talks. The Attorney General of Mexico to combat violence."
    )
    found = extract_officials(text)
    assert found.names == ["Joe Biden"]
    assert named(text, found.mentions["Joe Biden"]) == ["Biden"]


def test_a_surname_nobody_is_known_by_is_no_official_but_still_a_name():
    text = "“Together we will prevail,” said Minister Quesada of Costa Rica."
    found = extract_officials(text)
    assert (found.names, named(text, found.name_spans)) == ([], ["Quesada"])


def test_possessive_and_another_persons_surname_are_not_mentions():
    text = ("Secretary Napolitano’s remarks. Secretary of Homeland Security Janet Napolitano met Honduran President "
            "Juan Orlando Hernández and First Lady Ana Rosalinda García de Hernández. Hernández thanked her.")
    found = extract_officials(text)
    assert found.names == ["Janet Napolitano", "Juan Orlando Hernández"]
    assert [(name, named(text, spans)) for name, spans in found.mentions.items()] == [
        ("Janet Napolitano", ["Napolitano", "Janet Napolitano"]),
        ("Juan Orlando Hernández", ["Juan Orlando Hernández", "Hernández"]),
    ]
    assert [s for s, _ in found.mentions["Juan Orlando Hernández"]][-1] == text.rindex("Hernández thanked")


def test_a_title_case_headline_does_not_run_the_name_into_its_verbs():
    text = ("Secretary Nielsen Signs Historic Regional Compact with Central America\n\n"
            "Secretary of Homeland Security Kirstjen M. Nielsen traveled to Tegucigalpa, Honduras.")
    found = extract_officials(text)
    assert found.names == ["Kirstjen M. Nielsen"]
    assert named(text, found.mentions["Kirstjen M. Nielsen"]) == ["Nielsen", "Kirstjen M. Nielsen"]


# --- countries ---------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "countries"), [
    (NAPOLITANO_MEETING, ["Belize", "Costa Rica", "El Salvador", "Guatemala", "Honduras", "Mexico", "Nicaragua",
                          "Panama", "United States"]),
    (FACT_SHEET, ["Chile", "Costa Rica", "Dominican Republic", "El Salvador", "Guatemala", "Honduras", "Nicaragua",
                  "Panama", "United States"]),
    (WOLF_MIRONES, ["Panama", "United States"]),
    (WEAPONS_LETTER, ["Mexico", "United States"]),
    (TEGUCIGALPA, ["El Salvador", "Guatemala", "Honduras", "United States"]),
])
def test_countries_of_each_seed_in_alphabetical_order(seed, countries):
    text = body(seed)
    assert list(extract_countries(text, extract_officials(text).name_spans)) == countries


def test_demonyms_and_regional_groups_name_countries():
    text = ("Together with Guatemalan Minister of Government Enrique Degenhart, Honduran Security Minister Julian "
            "Pacheco, and Salvadoran Minister of Justice and Public Security Mauricio Landaverde. “I look forward to "
            "working with my Northern Triangle counterparts,” said Nielsen.")
    found = extract_countries(text)
    assert {country: named(text, spans) for country, spans in found.items()} == {
        "El Salvador": ["Salvadoran", "Northern Triangle"],
        "Guatemala": ["Guatemalan", "Northern Triangle"],
        "Honduras": ["Honduran", "Northern Triangle"],
    }


def test_america_is_the_united_states_but_its_regions_are_not():
    text = ("“America shares common cause with the countries of Central America in confronting these challenges,” "
            "said Secretary Nielsen. Central Americans, South America, Latin American leaders and the Americas. "
            "U.S. Customs and Border Protection; the U.S.-Mexico border; Inter-American Development Bank.")
    found = extract_countries(text)
    assert {country: named(text, spans) for country, spans in found.items()} == {
        "Mexico": ["Mexico"],
        "United States": ["America", "U.S.", "U.S."],
    }


def test_a_country_in_a_persons_name_is_not_that_country():
    text = ("Today, Acting Secretary of Homeland Security Chad F. Wolf and Panamanian Minister of Public Security "
            "Rolando Mirones signed a Letter of Intent. Chad F. Wolf thanked Ambassador Jordan Ramos.")
    assert list(extract_countries(text, extract_officials(text).name_spans)) == ["Panama"]
    assert list(extract_countries("Chad F. Wolf visited Chad.")) == ["Chad"]


def test_longest_name_wins():
    text = ("New Mexico, Dominica, the Dominican Republic, Niger, Nigeria, Papua New Guinea, Equatorial Guinea, "
            "Guinea-Bissau, South Sudan, Guinea.")
    found = extract_countries(text)
    assert {country: named(text, spans) for country, spans in found.items()} == {
        "Dominica": ["Dominica"],
        "Dominican Republic": ["Dominican Republic"],
        "Equatorial Guinea": ["Equatorial Guinea"],
        "Guinea": ["Guinea"],
        "Guinea-Bissau": ["Guinea-Bissau"],
        "Niger": ["Niger"],
        "Nigeria": ["Nigeria"],
        "Papua New Guinea": ["Papua New Guinea"],
        "South Sudan": ["South Sudan"],
    }


def test_a_country_name_counts_only_as_a_whole_word():
    # The pattern checks the word start after a name's first letter (gazetteer._country_pattern).
    text = "Peru first; xPeru, 2Peru, _Peru, Perus, Peru2 and Peru_ are not; -Peru and (Peru) are."
    spans = extract_countries(text)["Peru"]
    assert named(text, spans) == ["Peru", "Peru", "Peru"]
    assert [start for start, _ in spans] == [0, text.index("-Peru") + 1, text.index("(Peru") + 1]
    assert list(extract_countries("Central Americans and CENTRAL AMERICA'S")) == []  # a not-country phrase, whole word


def test_spellings_with_and_without_accents():
    text = "Panamá, México, Perú, Peru, PANAMA CITY, Cote d’Ivoire and Côte d'Ivoire; Salvadorans."
    found = extract_countries(text)
    assert {country: named(text, spans) for country, spans in found.items()} == {
        "Côte d'Ivoire": ["Cote d’Ivoire", "Côte d'Ivoire"],
        "El Salvador": ["Salvadorans"],
        "Mexico": ["México"],
        "Panama": ["Panamá", "PANAMA"],
        "Peru": ["Perú", "Peru"],
    }


def test_georgia_alone_is_taken_for_the_us_state():
    assert list(extract_countries("FEMA staff in Atlanta, Georgia, and Georgia Tech.")) == []
    assert list(extract_countries("The Georgian Minister of Internal Affairs, from the Republic of Georgia.")) == ["Georgia"]


def test_the_gazetteer_covers_the_un_members_and_resolves_every_canonical_name():
    data = json.loads((gazetteer.DATA_DIR / "countries.json").read_text(encoding="utf-8"))
    assert len(data["countries"]) == 197  # the 193 UN members, the two observers, Kosovo and Taiwan
    assert all(gazetteer.canonical_country(name) == name for name in data["countries"])
    assert [gazetteer.canonical_country(s) for s in ("México", "Salvadoran", "U.S.", "Swaziland", "Nowhere")] == [
        "Mexico", "El Salvador", "United States", "Eswatini", None
    ]


def test_known_officials_fill_in_full_names():
    assert [gazetteer.known_official(n) for n in ("Kirstjen Nielsen", "Joseph R. Biden", "Chad Wolf", "Jane Doe")] == [
        "Kirstjen M. Nielsen", "Joe Biden", "Chad F. Wolf", None
    ]
    assert gazetteer.known_official_by_surname("Biden", "Vice President") == "Joe Biden"
    assert gazetteer.known_official_by_surname("Obama", "Secretary") is None
    assert gazetteer.fold("Peón, Côte d’Ivoire") == "Peon, Cote d'Ivoire"


# --- dates -------------------------------------------------------------------------------


def date_of(text: str, **kwargs):
    return extract_date(text, html_meta=kwargs.get("meta", {}), release_date=kwargs.get("release_date"),
                        relpath=kwargs.get("relpath", "release.txt"))


def test_dateline_opening_the_body_is_the_date():
    assert date_of("Mexico City, February 27, 2012 -- Secretary Napolitano met officials.") == (
        "2012-02-27", "day", "dateline"
    )
    assert date_of("WASHINGTON, March 3, 2010 — Secretary Napolitano announced.") == ("2010-03-03", "day", "dateline")
    assert date_of("Port-au-Prince, Haiti, Jan. 20, 2010 – Relief.") == ("2010-01-20", "day", "dateline")


def test_a_date_quoted_or_mentioned_later_is_not_the_date():
    assert date_of(body(FACT_SHEET)) == (None, None, None)  # "President Barack Obama, Santiago, Chile, March21, 2011"
    text = ("WASHINGTON, March 3, 2010 — Secretary Napolitano announced the partnership.\n\n"
            "“We stand ready,” President Barack Obama, Santiago, Chile, March 21, 2011")
    assert date_of(text) == ("2010-03-03", "day", "dateline")
    assert date_of("The Partnership launched by President Obama during his March 2011 trip to El Salvador.") == (
        None, None, None
    )
    assert date_of(body(WOLF_MIRONES)) == (None, None, None)  # "WASHINGTON – Today, …" has no date


def test_meta_then_release_date_line_then_dateline_then_file_name():
    text = "WASHINGTON, March 3, 2010 — Text."
    meta = {"article:published_time": "2011-07-12T10:30:00-05:00"}
    assert date_of(text, meta=meta, release_date="May 1, 2009") == ("2011-07-12", "day", "html meta article:published_time")
    assert date_of(text, meta={"dc.date": "not a date"}, release_date="May 1, 2009") == ("2009-05-01", "day", "Release Date line")
    assert date_of("No dateline.", release_date="July 2011") == ("2011-07-01", "month", "Release Date line")
    assert date_of("No dateline.", relpath="archive/2011/07/12/readout.txt") == ("2011-07-12", "day", "file name")
    assert date_of("No dateline.", relpath="dhs-20110712-readout.txt") == ("2011-07-12", "day", "file name")
    assert date_of("No dateline.", relpath="000_690fb21f9058b593.txt") == (None, None, None)
    assert date_of("No dateline.", relpath="release-20111340.txt") == (None, None, None)


def test_written_dates():
    assert [parse_date_text(t) for t in ("2019-12-17", "2019-12", "2019", "December 17, 2019", "Tuesday, Dec. 17th, 2019",
                                         "17 December 2019", "12/17/2019", "February 30, 2019", "soon")] == [
        ("2019-12-17", "day"), ("2019-12-01", "month"), ("2019-01-01", "year"), ("2019-12-17", "day"),
        ("2019-12-17", "day"), ("2019-12-17", "day"), ("2019-12-17", "day"), None, None,
    ]


# --- title, issuer, URL ------------------------------------------------------------------


def title_of(text: str, h1=None, title=None, meta=None):
    return extract_title(text, html_h1=h1, html_title=title, html_meta=meta or {})


def test_headline_line_is_the_title():
    assert find_headline(body(FACT_SHEET)) == "FACT SHEET: The Central American Citizen Security Partnership"
    assert title_of(body(FACT_SHEET)) == ("FACT SHEET: The Central American Citizen Security Partnership", "headline line")
    assert find_headline(body(NAPOLITANO_MEETING)) is None


def test_first_sentence_without_dateline_shortened_at_a_word():
    assert first_sentence(body(WOLF_MIRONES)) == (
        "Today, Acting Secretary of Homeland Security Chad F. Wolf and Panamanian Minister of Public Security Rolando "
        "Mirones signed a Letter of Intent for Security Cooperation at DHS headquarters in Washington, DC, to improve "
        "the two countries’ collaborative security efforts."
    )
    assert title_of(body(WOLF_MIRONES)) == (
        "Today, Acting Secretary of Homeland Security Chad F. Wolf and Panamanian Minister of Public Security Rolando "
        "Mirones…", "first sentence"
    )
    assert title_of("San Antonio. Tex. — Secretary Napolitano signed it. Then more.") == (
        "Secretary Napolitano signed it.", "first sentence"
    )


def test_html_titles_in_order_and_without_the_site_name():
    meta = {"og:title": "OG title", "og:site_name": "Homeland Security"}
    assert title_of("Body.", h1="Heading", title="Page | Homeland Security", meta=meta) == ("Heading", "html <h1>")
    assert title_of("Body.", title="Page | Homeland Security", meta=meta) == ("OG title", "html meta og:title")
    assert title_of("Body.", title="Readout of the Meeting | Homeland Security") == ("Readout of the Meeting", "html <title>")
    assert title_of("Body.", title="Readout - Homeland Security", meta={"og:site_name": "Homeland Security"}) == (
        "Readout", "html <title>"
    )


def test_issuer_and_url():
    # Canonical since the issuer facet (issue 10): the agency, not its office.
    assert extract_issuer(["The White House", "Office of the Vice President"]) == ("The White House", "text")
    assert extract_issuer([]) == (None, None)
    assert extract_url({"og:url": "https://www.dhs.gov/news/a", "canonical": "https://www.dhs.gov/b"}) == (
        "https://www.dhs.gov/news/a", "html meta og:url"
    )
    assert extract_url({"canonical": "https://www.dhs.gov/b"}) == ("https://www.dhs.gov/b", "html link canonical")
    assert extract_url({"og:url": "/relative"}) == (None, None)
