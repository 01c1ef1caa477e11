"""The web app's settings, declared once: name, default and help.

Each is read from the environment variable of the same name, after the defaults and
before the test config given to create_app.
"""

from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    def parse(self, raw: str):
        """Read an environment value as the type of the default; ValueError names the setting."""
        if isinstance(self.default, Path):
            return Path(raw)
        if isinstance(self.default, bool):
            if raw.strip().lower() not in ("0", "1", "true", "false", "yes", "no"):
                raise ValueError(f"{self.name} must be 1 or 0, not {raw!r}")
            return raw.strip().lower() in ("1", "true", "yes")
        if isinstance(self.default, float):
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"{self.name} must be a number of seconds, not {raw!r}") from None
            if not 0 <= value < 3600:
                raise ValueError(f"{self.name} must be from 0 to 3600, not {value}")
            return value
        if isinstance(self.default, int):
            try:
                value = int(raw)
            except ValueError:
                raise ValueError(f"{self.name} must be a whole number, not {raw!r}") from None
            if value < 0:
                raise ValueError(f"{self.name} must be 0 or more, not {value}")
            return value
        return raw


SETTINGS = [
    Setting(
        "RELEASE_SEARCH_INDEX_DIR",
        PROJECT_DIR / "index",
        "Folder holding the index written by `release-search index`; the app only reads it "
        "and picks up a new index without a restart.",
    ),
    Setting(
        "RELEASE_SEARCH_PROXIES",
        0,
        "Number of reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host "
        "headers are trusted (the client's address in logs). 0 trusts none.",
    ),
    Setting(
        "RELEASE_SEARCH_BASE_URL",
        "",
        "The public address of the service (https://search.example.org), used for the absolute "
        "links of the OpenSearch document, the Atom feeds and citations. Empty: those links are "
        "relative to the page, never taken from the request's Host header.",
    ),
    Setting(
        "RELEASE_SEARCH_REQUEST_SECONDS",
        1.0,
        "Time budget of one request. Work still running past it is stopped and the person gets a "
        "sentence (503) instead of a worker killed by gunicorn's timeout. 0 turns the budget off.",
    ),
    Setting(
        "RELEASE_SEARCH_CACHE_MB",
        64,
        "Memory per worker for what searches derive from the index on demand (term postings, "
        "phrases, result pages): one cache, least recently used out first, dropped when the index changes.",
    ),
    Setting(
        "RELEASE_SEARCH_MAPPED_MB",
        128,
        "Index pages a worker keeps mapped between requests. Past it, the worker lets go of them "
        "after the request: they stay in the page cache, shared by every worker, and its resident "
        "set stays about its own memory plus this. 0 lets go after every request.",
    ),
    Setting(
        "RELEASE_SEARCH_WARM",
        True,
        "Open and warm the index when a worker starts (facet sets, dates, common terms), and watch "
        "for a new index in the background, so that no person's request pays for either.",
    ),
]


def defaults() -> dict:
    """Every setting at its default."""
    return {s.name: s.default for s in SETTINGS}


def from_environ(environ) -> dict:
    """The settings present in `environ`, parsed."""
    return {s.name: s.parse(environ[s.name]) for s in SETTINGS if environ.get(s.name, "") != ""}
