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
        "headers are trusted, so absolute links (the OpenSearch document) use the public "
        "address. 0 trusts none.",
    ),
]


def defaults() -> dict:
    """Every setting at its default."""
    return {s.name: s.default for s in SETTINGS}


def from_environ(environ) -> dict:
    """The settings present in `environ`, parsed."""
    return {s.name: s.parse(environ[s.name]) for s in SETTINGS if environ.get(s.name, "") != ""}
