"""The facts of a release, read from its normalized text: one module per fact.

Each extract_* function is pure and returns what it found together with where it found it
(a provenance label such as "dateline" or "html <h1>"); indexer.parse decides what a
sidecar overrides. Officials and countries come with the character spans that name them.
"""

from indexer.extract.address import extract_url
from indexer.extract.countries import country_sort_key, extract_countries
from indexer.extract.dates import extract_date, parse_date_text
from indexer.extract.issuer import extract_issuer
from indexer.extract.officials import Officials, extract_officials, find_names
from indexer.extract.spans import Span
from indexer.extract.titles import extract_title, find_headline, first_sentence, same_line_text

__all__ = [
    "Officials", "Span", "country_sort_key", "extract_countries", "extract_date", "extract_issuer",
    "extract_officials", "extract_title", "extract_url", "find_headline", "find_names", "first_sentence",
    "parse_date_text", "same_line_text",
]
