"""The web app: `create_app()` builds it from settings; gunicorn serves `webapp:create_app()`."""

import os

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import settings
from webapp.params import MAX_QUERY_CHARS, ParamError, SearchParams
from webapp.search import IndexMissing, ReleaseIndex

INDEX_EXTENSION = "release_index"
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


def create_app(config: dict | None = None) -> Flask:
    """The app from the settings' defaults, then the environment, then `config` (for tests)."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.from_mapping(settings.from_environ(os.environ))
    if config:
        app.config.from_mapping(config)
    app.json.sort_keys = False  # keep the documented field order in API answers
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True

    proxies = app.config["RELEASE_SEARCH_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.extensions[INDEX_EXTENSION] = ReleaseIndex(app.config["RELEASE_SEARCH_INDEX_DIR"])

    from webapp import api, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.after_request(_add_security_headers)
    app.register_error_handler(ParamError, _param_error)
    app.register_error_handler(IndexMissing, _index_missing)
    app.register_error_handler(HTTPException, _http_error)
    return app


def release_index() -> ReleaseIndex:
    """The current app's index (one per process, shared by its requests)."""
    return current_app.extensions[INDEX_EXTENSION]


def _add_security_headers(response):
    """Every response, error pages and static files included, carries the same policy."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _wants_json() -> bool:
    """API clients get JSON errors even for addresses under /api that match no route."""
    return request.path == "/api" or request.path.startswith("/api/")


def _error(status: int, title: str, message: str, *, headers=()):
    """The error as JSON under /api, else as a page with the search form and a way on."""
    if _wants_json():
        response = jsonify(error=message)
    else:
        # Only the words go back into the form: the other parameters may be what was wrong.
        params = SearchParams(q=" ".join(request.args.get("q", "").split())[:MAX_QUERY_CHARS])
        response = current_app.make_response(
            render_template("error.html", status=status, title=title, message=message, params=params)
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
