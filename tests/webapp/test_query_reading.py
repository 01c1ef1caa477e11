"""How a typed query is read: the query language, and lenient handling of broken syntax."""

import pytest

from indexer.schema import build_schema
from webapp.query import make_parser, read_query, syntax_problem

parser = make_parser(build_schema())


@pytest.mark.parametrize(
    "q, reading",
    [
        ("border security", "border AND security"),
        ("security border", "security AND border"),
        ('"border security"', '"border security"'),
        ("panama OR mexico", "panama OR mexico"),
        ("border -panama", "border AND NOT panama"),
        ("-panama", "NOT panama"),
        ("border NOT panama", "border AND NOT panama"),
        ("country:panama", "country:panama"),
        ('country:"el salvador"', 'country:"el salvador"'),
        ("official:napolitano", "official:napolitano"),
        ("title:fact", "title:fact"),
        ("year:2019", "year:2019"),
        ("secur*", "secur*"),
        ("Medina-Mora", "medina AND mora"),
        ("Calderón", "calderón"),
    ],
)
def test_query_language_readings(q, reading):
    result = read_query(q, parser)
    assert (result.text, result.notices) == (reading, [])


@pytest.mark.parametrize(
    "q, problem",
    [
        ('"border security', 'it has an unbalanced quote (")'),
        ("(border security", "its parentheses do not balance"),
        ("border)", "its parentheses do not balance"),
        ("AND", "'AND' needs a word on each side"),
        ("border OR", "'OR' needs a word on each side"),
        ("border AND OR security", "two operators stand together"),
        ("country:", "'country:' has no value after it"),
        ("nosuchfield:x", "there is no field named 'nosuchfield' (fields: title, body, country, official, issuer, kind, language, year, date)"),
        ("*", "a wildcard needs at least two letters before * or ?"),
        ("b*", "a wildcard needs at least two letters before * or ?"),
        (" ".join(["word"] * 33), "it has more than 32 words"),
    ],
)
def test_syntax_problems_are_named(q, problem):
    assert syntax_problem(q) == problem


def test_broken_query_is_searched_as_plain_words_with_a_notice():
    result = read_query('"border security', parser)
    assert result.text == "border AND security"
    assert result.notices == ['Your query was searched as plain words because it has an unbalanced quote (").']


def test_unknown_field_keeps_its_words():
    result = read_query("nosuchfield:panama", parser)
    assert result.text == "nosuchfield AND panama"


@pytest.mark.parametrize("q", ['"', "(", "AND", "*", "-"])
def test_query_with_no_words_lists_everything_with_a_notice(q):
    result = read_query(q, parser)
    assert result.query is None and result.text == ""
    assert len(result.notices) == 1 and result.notices[0].endswith("showing all releases.")


def test_ten_thousand_character_query_is_read_without_error():
    result = read_query("border " * 1430, parser)
    assert result.notices == ["Your query was searched as plain words because it has more than 32 words."]
    assert result.text.count("border") == 1  # repeated words collapse in the reading
