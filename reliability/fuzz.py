"""Query fuzzing: arbitrary parameters to the search page, the release page and the JSON
API through Flask's test client. Never a 500, never a traceback; always a well-formed
page (every element closed in order, ending in </html>) or valid JSON.
"""

import json
import string
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

from flask import got_request_exception
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PARAMS = ("q", "country", "official", "year", "from", "to", "sort", "page", "per_page")
# Values the parser treats specially, next to arbitrary text.
SPECIAL = [
    "", " ", "0", "1", "-1", "+1", "01", "1000", "1001", "100", "101", "999999999999999999999", "1e3", "1.5", "0x10",
    "²", "١٢", "𝟙", "Ⅻ", "½", "٣", "२", "³",  # str.isdigit() is True for some of these, int() fails on some
    "2011", "0000", "9999", "２０１１", "2011-07-12", "2011-02-30", "2011-13-01", "0001-01-01", "9999-12-31",
    "2011-7-1", "20110712", "2011-07-12T00:00", "2011‐07‐12",
    "relevance", "newest", "oldest", "NEWEST", "relevance ", "date",
    "Panama", "Mexico", "El Salvador", "Janet Napolitano", "Chad F. Wolf", "panama", "Panamá",
    "*", "?", "**", "\"", "\"\"", "(", ")", "((", "[", "]", "{", "}", "~", "^", ":", "-", "+", "!", "\\",
    "AND", "OR", "NOT", "AND OR NOT", "a AND", "OR b", "NOT NOT", "title:", "country:", "body:*", "date:[2010 TO]",
    "year:[2010 TO 2012]", "title:(security", "\"unclosed phrase", "secur*", "*ity", "s?curity", "security~2",
    "security^3", "a" * 600, "x " * 300, "\x00", "\x1b[31m", "\r\n", "\t", "\u200b", "\ufeff", "\u202e",
    "<script>alert(1)</script>", "{{7*7}}", "${7*7}", "%s%s%s", "'; DROP TABLE releases; --", "../../etc/passwd",
    "\U0001F600", "𝔰𝔢𝔠𝔲𝔯𝔦𝔱𝔶", "ﬁ", "İ", "ß", "Ǆ", "\u0301", "e\u0301",
]
QUERY_WORDS = ["security", "border", "Panama", "smuggling", "AND", "OR", "NOT", "(", ")", "\"", "*", "?", "country:",
               "official:", "title:", "year:", "date:", "to", "[", "]", "{", "}", "^2", "~", "-", "+", "2011"]
PATHS = ("/search", "/", "/api/search")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


# Strategies --------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
_values = st.one_of(
    _text,
    st.sampled_from(SPECIAL),
    st.integers(-(10**20), 10**20).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.lists(st.sampled_from(QUERY_WORDS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(QUERY_WORDS), max_size=8).map("".join),
)
_keys = st.one_of(st.sampled_from(PARAMS), st.sampled_from(PARAMS), _text.filter(lambda k: k not in PARAMS))
# Arbitrary (key, value) pairs: repeated keys and unknown keys come naturally.
pairs = st.lists(st.tuples(_keys, _values), max_size=12)


def encode_pairs(items: list[tuple[str, str]]) -> str:
    """A query string, each key and value percent-encoded as UTF-8."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


# Raw query strings: invalid UTF-8, lone '%', '=' and '&' in odd places, '+' for spaces.
raw_query = st.lists(
    st.one_of(
        st.binary(max_size=20).map(lambda b: quote_from_bytes(b, safe="")),
        st.sampled_from(["&", "=", "%", "%2", "%zz", "+", ";", "q=", "page=", "year=", "from=", "&&", "==", "%00", "%ff"]),
        st.text(string.ascii_letters + string.digits + "_-.~", max_size=8),
    ),
    max_size=16,
).map("".join)


@st.composite
def requests(draw) -> str:
    """One GET target: a search page or API path with a fuzzed query string."""
    path = draw(st.sampled_from(PATHS))
    query = draw(st.one_of(pairs.map(encode_pairs), raw_query))
    return f"{path}?{query}"


@st.composite
def release_requests(draw, ids: tuple[str, ...]) -> str:
    """A release page or its JSON, for a real id, with fuzzed parameters (the page reads q)."""
    release_id = draw(st.sampled_from(ids))
    prefix = draw(st.sampled_from(("/release/", "/api/releases/")))
    query = draw(st.one_of(pairs.map(encode_pairs), raw_query))
    return f"{prefix}{quote(release_id)}?{query}"


def sweep_targets(params: tuple[str, ...] = PARAMS) -> list[str]:
    """Every special value in every parameter, on the page and the API: no luck needed."""
    return [f"{path}?{encode_pairs([(name, value)])}" for name in params for value in SPECIAL
            for path in ("/search", "/api/search")]


# Checks ------------------------------------------------------------------------------


class _StrictHTML(HTMLParser):
    """Records every element closed out of order, a stray end tag, or one left open."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.doctype = False

    def handle_decl(self, decl):
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.errors.append(f"<{tag}> repeats an attribute: {names}")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in _VOID:
            self.errors.append(f"end tag for void element </{tag}>")
        elif not self.stack:
            self.errors.append(f"</{tag}> with nothing open")
        elif self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1]}> (open: {' > '.join(self.stack[-5:])})")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]
        else:
            self.stack.pop()


def html_problems(text: str) -> list[str]:
    """What makes `text` not a well-formed HTML page (empty when it is one)."""
    parser = _StrictHTML()
    parser.feed(text)
    parser.close()
    problems = parser.errors[:5]
    if not parser.doctype:
        problems.append("no <!doctype html>")
    if parser.stack:
        problems.append(f"left open at the end: {parser.stack}")
    if not text.rstrip().endswith("</html>"):
        problems.append(f"does not end with </html>: …{text[-80:]!r}")
    return problems


def _no_constants(name):
    raise ValueError(f"JSON holds {name}, which is not JSON")


def response_problems(target: str, response) -> list[str]:
    """Everything wrong with one answer to a fuzzed request."""
    status = response.status_code
    text = response.get_data(as_text=True)
    ctype = response.headers.get("Content-Type", "")
    problems = []
    is_api = target.startswith("/api/")
    allowed = {200, 400}
    if status not in allowed:
        problems.append(f"HTTP {status}")
    if "Traceback" in text or 'File "/' in text:
        problems.append("the answer shows a traceback")
    if is_api:
        if ctype != "application/json":
            problems.append(f"Content-Type {ctype!r}")
        try:
            data = json.loads(text, parse_constant=_no_constants)
        except ValueError as exc:
            return problems + [f"not valid JSON: {exc}: {text[:200]!r}"]
        want = {"error"} if status == 400 else {"total", "results", "facets"} if "/search" in target else {"id", "body"}
        if not isinstance(data, dict) or not want <= set(data):
            problems.append(f"JSON lacks {sorted(want)}: {text[:200]!r}")
    else:
        if ctype != "text/html; charset=utf-8":
            problems.append(f"Content-Type {ctype!r}")
        problems += html_problems(text)
    return problems


# Runner ------------------------------------------------------------------------------


@dataclass
class FuzzResult:
    examples: int  # per Hypothesis property
    cases: int  # requests sent in all, the sweep of special values included
    statuses: dict[str, int]
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def fuzz_settings(examples: int) -> settings:
    """Fixed examples, a fixed seed, no example database: the same run every time."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=False,
    )


def run_fuzz(client, release_ids: tuple[str, ...], examples: int = 300) -> FuzzResult:
    """Each property (search requests, release requests) with `examples` examples, then the sweep."""
    statuses: dict[str, int] = {}
    cases = 0
    problems: list[str] = []

    raised: list[BaseException] = []

    def record(sender, exception, **extra):
        raised.append(exception)

    def check(target: str) -> None:
        nonlocal cases
        cases += 1
        raised.clear()
        response = client.get(target)
        statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
        found = response_problems(target, response)
        if raised:
            found.append(f"the app raised {type(raised[-1]).__name__}: {raised[-1]}")
        assert not found, f"GET {target!r}: {found}"

    got_request_exception.connect(record, client.application)

    for name, strategy in (("search", requests()), ("release", release_requests(release_ids))):
        prop = fuzz_settings(examples)(given(strategy)(check))
        try:
            prop()
        except Exception as exc:  # noqa: BLE001 - Hypothesis raises the (shrunk) failure
            problems.append(f"{name} property: {type(exc).__name__}: {exc}"[:2000])
    for target in sweep_targets():
        try:
            check(target)
        except AssertionError as exc:
            problems.append(f"sweep: {exc}"[:2000])
    got_request_exception.disconnect(record, client.application)
    return FuzzResult(examples=examples, cases=cases, statuses=statuses, problems=problems)


def fuzz_app(index_dir: Path):
    """A test client on `index_dir` with exceptions handled as in production (a 500 page)."""
    from webapp import create_app

    app = create_app({"RELEASE_SEARCH_INDEX_DIR": index_dir, "TESTING": False})
    app.logger.disabled = True  # run_fuzz records each exception with the request that raised it
    return app.test_client()
