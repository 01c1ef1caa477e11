"""Issuer and kind: canonical issuers from press-office lines, chrome, site names and addresses;
kinds from the headline, labels and the opening; each rule pinned with a small text."""

import pytest

from indexer.extract.issuer import canonical_issuer, extract_issuer, issuer_of_address
from indexer.extract.kind import extract_kind
from indexer.parse import parse_release


@pytest.mark.parametrize(("name", "issuer"), [
    ("DHS Office of the Press Secretary", "DHS"), ("DHS Press Office", "DHS"), ("DHS", "DHS"),
    ("U.S. Department of Homeland Security", "DHS"), ("ICE Office of Public Affairs", "ICE"),
    ("The White House, Office of the Vice President", "The White House"), ("LA CASA BLANCA", "The White House"),
    ("Office of the Spokesperson", "Department of State"), ("Departamento de Estado de los Estados Unidos", "Department of State"),
    ("Embajada de EE.UU. en El Salvador", "U.S. Embassy in El Salvador"), ("U.S. Embassy in Belize", "U.S. Embassy in Belize"),
    ("Embassy of the United States | Mexico City, Mexico", None), ("Office of the Press Secretary", None), ("Acme Corp", None),
])
def test_canonical_issuers(name, issuer):
    assert canonical_issuer(name) == issuer


def test_issuer_sources_in_order():
    assert extract_issuer(["DHS Press Office"], ["The White House"]) == ("DHS", "text")
    assert extract_issuer(["Office of the Press Secretary"], ["Official website of the Department of Homeland Security"]) == (
        "DHS", "page chrome"
    )
    assert extract_issuer([], [], {"og:site_name": "U.S. Embassy in Colombia"}) == ("U.S. Embassy in Colombia", "html meta og:site_name")
    assert extract_issuer([], [], {}, "Ports Agree | U.S. Southern Command") == ("U.S. Southern Command", "html <title>")
    assert extract_issuer([], [], {}, None, "https://gt.usembassy.gov/ports/") == ("U.S. Embassy in Guatemala", "address")
    assert extract_issuer(["Office of the Press Secretary"]) == ("Office of the Press Secretary", "text")  # no agency to tell
    assert extract_issuer([]) == (None, None)
    assert issuer_of_address("https://www.dhs.gov/news/2011/07/12/x") == "DHS"
    assert issuer_of_address("https://obamawhitehouse.archives.gov/the-press-office/x") == "The White House"


def test_a_sidecar_issuer_is_made_canonical():
    release = parse_release("x.txt", "WASHINGTON — Text.", is_html=False, sidecar={"issuer": "DHS Office of the Press Secretary"},
                            content_hash="h")
    assert (release.issuer, release.provenance["issuer"]) == ("DHS", "sidecar")


@pytest.mark.parametrize(("title", "opening", "kind"), [
    ("Readout of the Secretary’s Meeting with the Harbor Minister", "", "Readout"),
    ("Remarks by Secretary Portman at the Harbor Forum", "", "Remarks"),
    ("Fact Sheet: The Harbor Partnership", "", "Fact sheet"),
    ("HOJA INFORMATIVA: Apoyo a los puertos", "", "Fact sheet"),
    ("Joint Statement of the Harbor Dialogue", "", "Joint statement"),
    ("Declaración conjunta de los ministros de puertos", "", "Joint statement"),
    ("Harbor Security: Next Steps", "Testimony Before the Subcommittee on Harbors\n\nMr. Chairman, thank you.", "Testimony"),
    ("Conferencia de prensa telefónica sobre los puertos", "", "Transcript"),
    ("Harbors and Ports", "MODERATOR: Good morning, everyone.", "Transcript"),
    ("Harbors and Ports", "Press Release | Nov. 12, 2019\n\nMIAMI – Text.", "Press release"),
    ("Harbors and Ports", "Remarks as prepared for delivery.\n\nThank you.", "Remarks"),
    ("Harbors and Ports", "The ports opened today.", None),
])
def test_kinds(title, opening, kind):
    assert extract_kind(title, opening)[0] == kind


def test_a_first_sentence_title_is_no_headline_cue():
    assert extract_kind("Remarks were made today by the minister.", "Text.", title_is_headline=False) == (None, None)
