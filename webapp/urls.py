"""Links built in bulk: a results page shows a few hundred (each facet value's toggle,
each official's and country's page, each release with the search it came from).

Flask's url_for walks the routing rules on every call (about 50 µs here), and urlencode
quotes the same few strings (the query, the filters) over and over: together they were
most of the time a cached results page took to render. Here a route's path is built once
per request and each value is quoted with werkzeug's own rule for a path segment;
tests/webapp/test_urls.py checks both against url_for and urlencode.
"""

from functools import lru_cache
from typing import Callable
from urllib.parse import quote, quote_plus

from flask import g, url_for

# werkzeug's BaseConverter.to_url: the characters of a URL path segment left as they are.
PATH_SAFE = "!$&'()*+,/:;=@"
_MARK = "~"  # unreserved, so url_for leaves it as it is; it stands where the value goes

# The strings pages repeat (the query, filters, names, release ids); bounded.
_plus = lru_cache(maxsize=4096)(quote_plus)


@lru_cache(maxsize=4096)
def _segment(value: str) -> str:
    return quote(value, safe=PATH_SAFE)


def query_string(args: list[tuple[str, str]]) -> str:
    """`args` encoded exactly as urllib's urlencode encodes a list of string pairs."""
    return "&".join(f"{_plus(name)}={_plus(value)}" for name, value in args)


def with_query(path: str, args: list[tuple[str, str]]) -> str:
    """`path`, then `?` and the encoded `args` when there are any."""
    return path + "?" + query_string(args) if args else path


def path_for(endpoint: str, **values: str) -> str:
    """url_for(endpoint, **values), for a route with at most one variable part."""
    if not values:
        return _route_shape(endpoint, None)[0]
    ((name, value),) = values.items()
    return paths_for(endpoint, name)(value)


def paths_for(endpoint: str, name: str) -> Callable[[str], str]:
    """path_for(endpoint, name=value) as a function of the value, for a loop of links."""
    before, after = _route_shape(endpoint, name)
    return lambda value: before + _segment(str(value)) + after


def _route_shape(endpoint: str, name: str | None) -> tuple[str, str]:
    """The route's path either side of its variable, from url_for once per request (the
    script root may differ between requests behind a proxy)."""
    shapes = g.setdefault("route_shapes", {})
    key = (endpoint, name)
    if key not in shapes:
        if name is None:
            shapes[key] = (url_for(endpoint), "")
        else:
            before, _, after = url_for(endpoint, **{name: _MARK}).rpartition(_MARK)
            shapes[key] = (before, after)
    return shapes[key]
