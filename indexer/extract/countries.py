"""Countries named in a release, by canonical name, with the spans naming them."""

import re

from indexer import gazetteer
from indexer.extract.officials import INITIAL
from indexer.extract.spans import Span, mask
from indexer.gazetteer import fold

_PERSON_AFTER = re.compile(rf"[ \t]+{INITIAL}[ \t]+[A-Z]")  # "Chad F. Wolf": a first name, not a country


def extract_countries(text: str, not_in: list[Span] = ()) -> dict[str, list[Span]]:
    """Countries named in `text`, by canonical name in alphabetical order, with the spans naming them.

    Names, demonyms, local spellings and regional groups all count; a name inside a
    person's name (`not_in`, or followed by a middle initial) does not.
    """
    data = gazetteer.countries()
    taken = mask(text, not_in)
    found: dict[str, list[Span]] = {}
    folded = fold(text)
    for m in data.pattern.finditer(folded):
        if m.lastindex is None or taken.find(1, *m.span()) != -1 or _PERSON_AFTER.match(folded, m.end()):
            continue
        for country in data.targets[m.group()]:
            found.setdefault(country, []).append(m.span())
    return {country: found[country] for country in sorted(found, key=country_sort_key)}


def country_sort_key(name: str) -> str:
    """Alphabetical as a reader expects: 'Côte d'Ivoire' among the C's."""
    return fold(name).casefold()
