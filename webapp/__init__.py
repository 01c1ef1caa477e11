"""The web app: `create_app()` builds it from settings; gunicorn serves `webapp:create_app()`."""

import hashlib
import os
from pathlib import Path

from flask import Flask, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter

from webapp import budget, settings
from webapp.engine import Engine, IndexMissing
from webapp.params import MAX_QUERY_CHARS, ParamError, SearchParams

ENGINE_EXTENSION = "release_engine"
NO_INDEX = "No index yet: run `release-search index`"
SECURITY_HEADERS = {
    # No inline script or style anywhere: everything the page needs comes from /static.
    "Content-Security-Policy": (
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# What a person sees for HTTP errors; the API returns the exception's own description.
ERROR_PAGES = {
    404: ("Page not found", "There is nothing at this address. Try a search instead."),
    405: ("Method not allowed", "This address only answers ordinary GET requests."),
    500: ("Something went wrong", "The search service hit an error on our side. Please try again in a moment."),
}
# Answers that depend only on the address, the index generation and this code: their
# ETag is known before any work, so a revalidation costs a directory listing.
CONDITIONAL = {"views.search_page", "views.release_page", "api.search_json", "api.release_json"}
# The Atom feed that readers poll, and a release's citation downloads (webapp.feeds, views).
# Streamed exports are not here: a streamed body carries no ETag.
CONDITIONAL |= {"feeds.search_atom", "views.citation_bib", "views.citation_text"}
# Officials' and countries' pages and a facet's page of values (webapp.entities, webapp.facet_pages).
CONDITIONAL |= {"entities.official_page", "entities.country_page", "entities.official_json", "entities.country_json",
                "facet_pages.facet_values_page"}
TOO_LONG = (
    "This search needed more than its time allowance ({seconds:g} s) and was stopped. "
    "Try fewer words, fewer wildcards, or a filter."
)


class ReleaseIdConverter(PathConverter):
    """A release id in a URL: a path relative to the corpus, any character but a leading
    slash, line breaks included (werkzeug's own path converter stops at a newline, which
    left releases with such names listed but unreachable)."""

    regex = r"[^/][\s\S]*?"


def create_app(config: dict | None = None) -> Flask:
    """The app from the settings' defaults, then the environment, then `config` (for tests)."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(settings.from_environ(os.environ))
    if config:
        app.config.from_mapping(config)
    app.json.sort_keys = False  # keep the documented field order in API answers
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.url_map.converters["release_id"] = ReleaseIdConverter

    proxies = app.config["RELEASE_SEARCH_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    engine = Engine(app.config["RELEASE_SEARCH_INDEX_DIR"], cache_bytes=app.config["RELEASE_SEARCH_CACHE_MB"] * 2**20,
                    mapped_bytes=app.config["RELEASE_SEARCH_MAPPED_MB"] * 2**20)
    app.extensions[ENGINE_EXTENSION] = engine
    if app.config["RELEASE_SEARCH_WARM"]:
        _warm(engine, watch=not app.testing)

    from webapp import api, entities, facet_pages, feeds, suggest, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(entities.bp)
    app.register_blueprint(facet_pages.bp)
    app.register_blueprint(suggest.bp)
    app.before_request(_start_budget)
    app.before_request(_not_modified)
    app.teardown_request(_end_budget)
    app.teardown_request(_trim_pages)
    app.after_request(_add_headers)
    app.register_error_handler(ParamError, _param_error)
    app.register_error_handler(IndexMissing, _index_missing)
    app.register_error_handler(budget.Overrun, _overrun)
    app.register_error_handler(HTTPException, _http_error)
    return app


def engine() -> Engine:
    """The current app's search engine (one per process, shared by its requests)."""
    return current_app.extensions[ENGINE_EXTENSION]


def _warm(engine: Engine, *, watch: bool) -> None:
    """Open and warm the index now (a worker starting), and keep watching for new ones."""
    try:
        engine.generation()
    except IndexMissing:
        pass  # served as 503 until the first indexing run; the watcher picks it up
    if watch:
        engine.start_watching()


def _start_budget():
    """Every request's work runs under the time budget (static files aside)."""
    seconds = current_app.config["RELEASE_SEARCH_REQUEST_SECONDS"]
    if request.endpoint != "static" and seconds > 0:
        g.budget = budget.limited(seconds)
        g.budget.__enter__()


def _end_budget(exc):
    limit = g.pop("budget", None)
    if limit is not None:
        limit.__exit__(None, None, None)


def _trim_pages(exc):
    """After each request, a worker lets go of the index pages it mapped once they pass
    a bound (Engine.trim): its resident set is its own memory, not the index's."""
    if request.endpoint != "static":
        engine().trim()


def end_budget() -> None:
    """End the request's time budget now: a streamed export ranks its releases under the
    budget, then streams rows bounded by their count, which the timer must not cut."""
    _end_budget(None)


CODE_SUFFIXES = (".py", ".html", ".xml", ".css", ".js", ".svg")


def code_files() -> list[Path]:
    """The web app's code, templates and static files: what a deployment changes (not
    __pycache__, whose files are written as workers start)."""
    return sorted(p for p in Path(__file__).parent.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())


def _code_version() -> str:
    """A digest of the web app's code and templates: a deployment changes every ETag."""
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def _not_modified():
    """Answer a revalidation of an unchanged search or release with 304, before any work."""
    if request.endpoint not in CONDITIONAL or request.method not in ("GET", "HEAD"):
        return None
    address = hashlib.sha256(request.full_path.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    g.etag = f"{engine().generation().key}.{CODE_VERSION}.{address}"
    if request.if_none_match.contains_weak(g.etag):
        response = current_app.response_class(status=304)
        response.set_etag(g.etag, weak=True)
        return response
    return None


def _add_headers(response):
    """Security headers on every response; caching that stays correct when the index
    changes: pages may be kept but must be revalidated (their ETag names the index
    generation, or hashes their content), and 304 answers an unchanged one; errors are
    not kept."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint == "static":
        return response
    if response.status_code in (200, 304) and request.method in ("GET", "HEAD") and not response.is_streamed:
        response.headers.setdefault("Cache-Control", "no-cache")
        etag = g.get("etag")
        if etag:
            response.set_etag(etag, weak=True)
        elif response.status_code == 200 and not response.get_etag()[0]:
            response.add_etag()
            response.make_conditional(request)
    else:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _wants_json() -> bool:
    """API clients get JSON errors even for addresses under /api that match no route."""
    return request.path == "/api" or request.path.startswith("/api/")


def _error(status: int, title: str, message: str, *, headers=(), retry: bool = False):
    """The error as JSON under /api, else as a page with the search form and a way on."""
    if _wants_json():
        response = jsonify(error=message)
    else:
        # Only the words go back into the form: the other parameters may be what was wrong.
        params = SearchParams(q=" ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS])
        response = current_app.make_response(
            render_template("error.html", status=status, title=title, message=message, params=params, retry=retry)
        )
    response.status_code = status
    response.headers.extend(headers)
    return response


def _param_error(exc: ParamError):
    """A parameter the person got wrong: 400, with the sentence that says how to fix it."""
    return _error(400, "That search could not be run", str(exc))


def _index_missing(exc: IndexMissing):
    """Served before the first indexing run: 503, naming the command that fixes it."""
    current_app.logger.warning("%s", exc)  # the log may name the folder; the page does not
    return _error(503, "Search is not ready yet", NO_INDEX)


def _overrun(exc: budget.Overrun):
    """A request that used up its time budget: 503 with a sentence, not a killed worker."""
    _end_budget(None)  # the error page itself must not be interrupted
    seconds = current_app.config["RELEASE_SEARCH_REQUEST_SECONDS"]
    current_app.logger.warning("request over its %gs budget: %s", seconds, request.full_path[:300])
    return _error(503, "That search took too long", TOO_LONG.format(seconds=seconds), headers=[("Retry-After", "1")], retry=True)


def _http_error(exc: HTTPException):
    """404, 405 and 500 (any unhandled exception) as pages or JSON; never a traceback."""
    if exc.code is None:
        return exc
    title, message = ERROR_PAGES.get(exc.code, (exc.name, exc.description))
    if _wants_json():
        message = exc.description if exc.code != 500 else "internal error"
    elif exc.code == 404 and exc.description != exc.__class__.description:
        message = exc.description  # a view's own sentence, such as which release is missing
    # Keep headers the error defines (Allow on a 405), not its HTML content type.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return _error(exc.code, title, message, headers=headers)
