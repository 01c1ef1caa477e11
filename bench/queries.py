"""The fixed query mix both engines answer: words as a person types them, plus facet filters.

A QuerySpec renders itself as our app's GET parameters and as an FTS5 MATCH expression,
so one list drives the in-process timings, the FTS5 baseline and the HTTP load.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class QuerySpec:
    """One search: the query text in our syntax and the facet values selected."""

    kind: str  # what the query exercises, for the per-kind breakdown
    q: str = ""
    countries: tuple[str, ...] = ()
    officials: tuple[str, ...] = ()
    years: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'border security [Panama, 2011]': names the query in tables and JSON."""
        filters = [*self.countries, *self.officials, *self.years]
        return (self.q or "(all)") + (f" [{', '.join(filters)}]" if filters else "")

    def query_args(self) -> list[tuple[str, str]]:
        """GET parameters for the app's /search, the names webapp.params reads."""
        args = [("q", self.q)] if self.q else []
        args += [("country", v) for v in self.countries]
        args += [("official", v) for v in self.officials]
        args += [("year", v) for v in self.years]
        return args

    def url(self) -> str:
        """The app's /search address for this spec."""
        return "/search?" + urlencode(self.query_args())

    def fts5_match(self) -> str | None:
        """The query as FTS5 MATCH syntax; None for an empty query.

        Words are quoted, so none is read as syntax; phrases, parentheses and OR / AND /
        NOT are kept; AND is written out where ours implies it, since FTS5 allows no
        implicit AND after a parenthesis.
        """
        tokens: list[str] = []
        for token in _TOKEN.findall(self.q):
            operand = token not in _OPERATORS and token != ")"
            if operand and tokens and tokens[-1] not in _OPERATORS and tokens[-1] != "(":
                tokens.append("AND")
            quoted = token in _OPERATORS or token in "()" or token.startswith('"')
            tokens.append(token if quoted else '"' + token + '"')
        return " ".join(tokens) or None


def _specs(kind: str, *queries: str) -> list[QuerySpec]:
    return [QuerySpec(kind, q) for q in queries]


QUERIES: list[QuerySpec] = [
    *_specs(
        "common word", "security", "border", "cooperation", "trafficking", "migration", "enforcement", "officials", "partners"
    ),
    *_specs("rare word", "zeppelin", "ornithopter", "whipstaff", "variometer", "taffrail", "umiak", "keelson", "fuselage"),
    *_specs(
        "two words",
        "border security",
        "human smuggling",
        "aviation security",
        "information sharing",
        "money laundering",
        "fentanyl seizure",
        "citizen security",
        "cargo screening",
    ),
    *_specs(
        "OR",
        "smuggling OR laundering",
        "Panama OR Honduras",
        "cybersecurity OR counterterrorism",
        "fentanyl OR methamphetamine",
        "asylum OR repatriation",
        "(disaster OR emergency) preparedness",
    ),
    *_specs(
        "phrase",
        '"letter of intent"',
        '"border enforcement security task forces"',
        '"transnational criminal organizations"',
        '"joint security program"',
        '"document fraud detection"',
        '"bulk cash smuggling"',
    ),
    QuerySpec("country filter", "security", countries=("Panama",)),
    QuerySpec("country filter", "trafficking", countries=("Mexico",)),
    QuerySpec("country filter", "migration", countries=("Guatemala", "Honduras")),
    QuerySpec("country filter", "border security", countries=("El Salvador",)),
    QuerySpec("country filter", "cybersecurity", countries=("Canada",)),
    QuerySpec("country filter", '"letter of intent"', countries=("Colombia", "Peru")),
    QuerySpec("two facet filters", "security", countries=("Mexico",), officials=("Janet Napolitano",)),
    QuerySpec("two facet filters", "smuggling", countries=("Panama",), officials=("Rolando Mirones",)),
    QuerySpec("two facet filters", "cooperation", countries=("Honduras",), years=("2019",)),
    QuerySpec("two facet filters", "border", countries=("Guatemala", "El Salvador"), years=("2014", "2015")),
    QuerySpec("two facet filters", "aviation security", countries=("Mexico",), officials=("Jeh Johnson",)),
    QuerySpec("two facet filters", "trafficking", countries=("Costa Rica",), years=("2011",)),
    QuerySpec("empty query + filter", countries=("Panama",)),
    QuerySpec("empty query + filter", years=("2012",)),
    QuerySpec("empty query + filter", officials=("Janet Napolitano",)),
    QuerySpec("empty query + filter", countries=("Honduras",), years=("2019",)),
]


# Searches no release fully matches, which go on with releases matching most words, and
# misspelt ones, which are corrected: ours only (FTS5 has neither), timed as their own rows.
DEAD_ENDS: list[QuerySpec] = [
    *_specs(
        "most words",
        "border security zeppelin quixotry",
        "human smuggling atlantis",
        "aviation security overland nowhere",
        "money laundering cryptozoology",
        "fentanyl seizure hovercraft yurt",
        "citizen security panama zanzibar",
        "cargo screening 1850",
        "information sharing llanfair partners",
    ),
    *_specs(
        "misspelt",
        "secrity cooperaton",
        "bordr",
        "trafficing",
        "migraton policy",
        "enforcment partners",
        "cybersecurty",
        "smugling",
        "Guatamala border",
    ),
]


def with_each_year(specs: list[QuerySpec], years: range) -> list[QuerySpec]:
    """Every spec, and every spec narrowed to each year: more distinct searches than the
    app's result-page cache holds, so HTTP load is not served from that cache."""
    return [*specs, *(replace(s, years=(*s.years, str(y))) for y in years for s in specs if str(y) not in s.years)]
