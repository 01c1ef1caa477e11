"""Query fuzzing through Flask's test client: arbitrary Unicode and arbitrary
combinations of the page's parameters (known, unknown, repeated, raw bytes). Never a
500, never a traceback; always a well-formed page or valid JSON.

Deterministic for CI: a fixed number of examples, derandomized, no example database.
`python -m reliability --long` runs ten times as many.
"""

import shutil

import pytest
from hypothesis import given

from indexer.build import update_index
from reliability.fuzz import PARAMS, fuzz_app, fuzz_settings, release_requests, requests, response_problems, sweep_targets
from tests.conftest import CORPUS

EXAMPLES = 300


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory):
    """A client on the bundled corpus, exceptions handled as in production."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CORPUS, root / "corpus")
    summary = update_index(root / "corpus", root / "index")
    return fuzz_app(root / "index"), tuple(summary.added)


def check(client, target: str) -> None:
    response = client.get(target)
    assert response_problems(target, response) == [], f"GET {target!r} -> HTTP {response.status_code}"


def test_fuzzed_search_requests_answer_a_page_or_json(fuzz):
    client, _ = fuzz

    @fuzz_settings(EXAMPLES)
    @given(requests())
    def prop(target):
        check(client, target)

    prop()


def test_fuzzed_release_requests_answer_a_page_or_json(fuzz):
    client, ids = fuzz

    @fuzz_settings(EXAMPLES)
    @given(release_requests(ids))
    def prop(target):
        check(client, target)

    prop()


@pytest.mark.parametrize("param", PARAMS)
def test_every_special_value_in_each_parameter(fuzz, param):
    """Values a parser treats specially (Unicode digits, huge numbers, query syntax, control
    characters), each in this parameter alone, on the page and the API."""
    client, _ = fuzz
    failures = {}
    for target in sweep_targets((param,)):
        response = client.get(target)
        found = response_problems(target, response)
        if found:
            failures[target] = found
    assert failures == {}
