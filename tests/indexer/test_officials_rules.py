"""Officials on real pages: titles before and after the name, plural titles, Spanish titles and
double surnames, names in headlines, cut names; each rule pinned with a text written for it."""

import pytest

from indexer import gazetteer
from indexer.extract.officials import extract_officials
from indexer.parse import parse_release


def names(text: str) -> list[str]:
    return extract_officials(text).names


@pytest.mark.parametrize(("text", "expected"), [
    ("Assistant Secretary for International Affairs and Special Representative for Border Affairs Marta Quill met them.",
     ["Marta Quill"]),
    ("The deal was signed by Ricardo Almonte, Undersecretary of Security, and Tomas Vell, executive director of the "
     "Harbor Agency.", ["Ricardo Almonte", "Tomas Vell"]),
    ("Roberta Q. Sample\nDeputy Assistant Secretary, Bureau of Harbor Affairs\nWashington, DC", ["Roberta Q. Sample"]),
    ("The Ambassador of the United States, Jane Harbor, attended. The Commander of U.S. Southern Command, Admiral "
     "Kurt Q. Sailor, spoke.", ["Jane Harbor", "Kurt Q. Sailor"]),
    ("Chargé d’Affaires, a.i. Leyla Portman-Ones emphasized the donation.", ["Leyla Portman-Ones"]),
    ("U.S. Ambassador to Honduras Lisa Harborview conveyed her solidarity.", ["Lisa Harborview"]),
    ("Chief of Mexico’s Tax Administration Service Osvaldo Portillo signed it.", ["Osvaldo Portillo"]),
    ("the Secretary of the Navy Admiral Rafael Marino; the Secretary of State, Mr. Tobias Quill.",
     ["Rafael Marino", "Tobias Quill"]),
])
def test_titles_before_and_after_the_name(text, expected):
    assert names(text) == expected


def test_spanish_titles_lower_case_and_double_surnames():
    text = ("Nos reunimos con el secretario de Gobernación, Miguel Ángel Portillo Vera; el secretario de Hacienda y "
            "Crédito Público José Antonio Marino Kuribreña; el secretario de la Defensa Nacional general Salvador "
            "Puerto Zepeda y el procurador general Raúl Playa Andrade. Habló el Asesor Especial del Presidente, "
            "Mauricio Claver-Puerto.")
    assert names(text) == ["Miguel Ángel Portillo Vera", "José Antonio Marino Kuribreña", "Salvador Puerto Zepeda",
                           "Raúl Playa Andrade", "Mauricio Claver-Puerto"]


def test_plural_titles_give_each_surname_or_name_its_title():
    found = extract_officials("The report came from Secretaries Rice, Gutierrez, and Chertoff.")
    assert found.names == ["Condoleezza Rice", "Carlos Gutierrez", "Michael Chertoff"]  # known officials
    found = extract_officials("Hablaron los agregados del Departamento de Seguridad Nacional Edward Portillo y Edgar Marino.")
    assert found.names == ["Edward Portillo", "Edgar Marino"]
    found = extract_officials("Ministers Ortega, Ruiz and Lemus met the delegation.")
    assert found.names == []  # surnames no text or data resolves...
    assert [(t, n) for t, n, _ in found.unresolved] == [("Minister", "Ortega"), ("Minister", "Ruiz"), ("Minister", "Lemus")]


def test_spanish_titles_resolve_known_officials():
    assert names("La Administración del Presidente Obama apoya la iniciativa.") == ["Barack Obama"]
    assert names("FOREIGN SECRETARY EBRARD: Good morning. Attorney General Garland, welcome.") == [
        "Marcelo Ebrard", "Merrick B. Garland"
    ]


@pytest.mark.parametrize(("label_length", "read"), [(61, True), (62, False)])
def test_a_speaker_label_is_read_only_near_its_line_s_start(label_length, read):
    label = "FOREIGN SECRETARY " + "Q" * (label_length - len("FOREIGN SECRETARY "))
    found = extract_officials(f"{label}: Good morning.")
    assert [(title, name) for title, name, _ in found.unresolved] == (
        [("Foreign Secretary", label.split()[-1].title())] if read else []
    )


def test_no_fragments_countries_or_offices_as_names():
    text = ("En su reunión con los Presidentes de Costa Rica, El Salvador y Honduras, el Presidente habló. "
            "The Minister of National Defense, David Portillo P")
    assert names(text) == ["David Portillo"]
    assert names("Mexican President Felipe Cald") == []  # a name cut by the end of a truncated text: a surname alone
    assert names("Director of the Panama Canal Authority spoke. National Drug Control Policy Director.") == []


def test_a_name_wrapped_over_a_line_break_counts():
    assert names("Today, Secretary of Homeland Security Jane\nPortman announced the plan.") == ["Jane Portman"]


def test_names_in_the_headline_count():
    release = parse_release("x.txt", "Remarks by Secretary Portman at the Harbor Forum\n\nSecretary Jane Portman said "
                            "the harbor is open. Thank you.\n", is_html=False, sidecar=None, content_hash="h")
    assert release.officials == ["Jane Portman"]
    release = parse_release("x.txt", "Secretary Hagel Travel Announcement (South America)\n\nOn Thursday, Secretary "
                            "Hagel will travel.\n", is_html=False, sidecar=None, content_hash="h")
    assert release.officials == ["Chuck Hagel"]
    assert [release.body[s:e] for s, e in release.mentions["official:Chuck Hagel"]] == ["Hagel"]


def test_title_case_headline_names_stop_at_the_verb():
    for headline, expected in (("Spokesperson Emily Portman on Harbor Travel", ["Emily Portman"]),
                               ("Palabras de la Embajadora Jean Portmanes en la Inauguración", ["Jean Portmanes"]),
                               ("Statement by Ambassador Antonio Q. Portman", ["Antonio Q. Portman"])):
        assert names(headline + "\n\nText follows here.") == expected
    assert extract_officials("Secretary Portman Visits Panamá\n\nText.").unresolved[0][1] == "Portman"


def test_known_officials_by_spanish_title_and_first_surname():
    assert gazetteer.known_official_by_surname("Videgaray", "secretario de Relaciones Exteriores") == "Luis Videgaray Caso"
    assert gazetteer.known_official_by_surname("Ebrard", "Canciller") == "Marcelo Ebrard"
    assert gazetteer.known_official_by_surname("Rice", "National Security Advisor") is None  # two have held it
    assert gazetteer.known_official_by_surname("Rice", "Secretary") == "Condoleezza Rice"
