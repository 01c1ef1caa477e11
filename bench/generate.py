"""Synthetic press releases, seeded, so a benchmark corpus of any size is reproducible.

The releases look like the seed corpus (boilerplate headers, datelines, officials with
titles, countries by name and demonym, HTML pages with navigation to strip, sidecars),
so the indexer does its real work on them. Same seed and size -> byte-identical files.
"""

import datetime
import html
import itertools
import json
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY = Path(__file__).with_name("data") / "vocabulary.json"
PER_FOLDER = 100
ADDED_FOLDER = "added"
HTML_SHARE = 0.2
SIDECAR_SHARE = 0.3
FIRST_DAY = datetime.date(2009, 1, 21)
LAST_DAY = datetime.date(2021, 12, 31)
_SLOT = re.compile(r"\{(\w+)\}")
# Words of body text a release is drawn with: "standard" is 150..1,200, log-uniform (most are
# short, about 500 on average); "long" is 800..1,200, about 1,000, like real releases.
MIXES = {"standard": lambda u: int(150 * 8 ** u), "long": lambda u: int(800 + 400 * u)}


@cache
def vocabulary() -> dict:
    """The words, names and sentence templates releases are made of."""
    return json.loads(VOCABULARY.read_text(encoding="utf-8"))


@dataclass
class ReleaseFile:
    """One generated release as it will be written: its text or HTML, and its sidecar."""

    stem: str  # relative path without suffix, e.g. "007/000712-dhs-and-panama-announce"
    suffix: str  # ".txt" or ".html"
    data: bytes
    sidecar: bytes | None


def generate_corpus(out_dir: Path, n: int, seed: int = 0, mix: str = "standard") -> list[str]:
    """Write releases 0..n-1 under `out_dir`, PER_FOLDER to a subfolder; return their paths."""
    return [_write(Path(out_dir), make_release(f"{seed}:{i}", f"{i // PER_FOLDER:03d}/{i:06d}", mix)) for i in range(n)]


def add_releases(out_dir: Path, k: int, seed: int, mix: str = "standard") -> list[str]:
    """Write k more releases into `out_dir`/added, distinct from generate_corpus's."""
    return [_write(Path(out_dir), make_release(f"{seed}:added:{j}", f"{ADDED_FOLDER}/{seed}-{j:03d}", mix))
            for j in range(k)]


def _write(out_dir: Path, release: ReleaseFile) -> str:
    path = out_dir / (release.stem + release.suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(release.data)
    if release.sidecar is not None:
        path.with_name(path.stem + ".meta.json").write_bytes(release.sidecar)
    return path.relative_to(out_dir).as_posix()


def make_release(key: str, prefix: str, mix: str = "standard") -> ReleaseFile:
    """One release drawn from its own random stream, so releases don't depend on each other."""
    rng = random.Random(key)
    slots = Slots(rng, vocabulary())
    title = slots.sentence(rng.choice(slots.vocab["titles"]))
    stem = f"{prefix}-{slugify(title)[:48].rstrip('-')}"
    issuer = slots.issuer
    dated_dateline = rng.random() < 0.75
    paragraphs = _paragraphs(rng, slots, slots.dateline(with_date=dated_dateline), MIXES[mix])
    meta = _sidecar(rng, slots, title) if rng.random() < SIDECAR_SHARE else None
    sidecar = (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8") if meta else None
    if rng.random() < HTML_SHARE:
        return ReleaseFile(stem, ".html", _html(title, slots, paragraphs).encode("utf-8"), sidecar)
    head = list(issuer["header"])
    if not (meta and "title" in meta and rng.random() < 0.5):  # like the seeds: title only in the sidecar
        head += ["", title] if head else [title]
    if not dated_dateline:
        head.append(f"Release Date: {long_date(slots.date)}")
    gap = rng.choice(["\n", "\n\n"])  # some releases separate paragraphs with blank lines
    text = gap.join(part for part in ("\n".join(head), gap.join(paragraphs), issuer["footer"]) if part) + "\n"
    return ReleaseFile(stem, ".txt", _encode(rng, text), sidecar)


def _paragraphs(rng: random.Random, slots: "Slots", dateline: str, words_for) -> list[str]:
    """A lead with the dateline, a quote, body paragraphs (sometimes bullets), a closing."""
    vocab = slots.vocab
    target = words_for(rng.random())  # see MIXES
    deck = itertools.cycle(rng.sample(vocab["sentences"], len(vocab["sentences"])))  # few repeats
    paragraphs = [
        slots.sentence(rng.choice(vocab["leads"]), dateline=dateline) + " " + slots.sentence(next(deck)),
        slots.sentence(rng.choice(vocab["quotes"])),
    ]
    words = sum(len(p.split()) for p in paragraphs)
    while words < target:
        if rng.random() < 0.1:
            chosen = rng.sample(vocab["bullets"], rng.randint(3, 5))
            paragraph = "\n".join(f"- {slots.sentence(b)}" for b in chosen)
        else:
            paragraph = " ".join(slots.sentence(next(deck)) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    if rng.random() < 0.5:
        paragraphs.append(slots.sentence(rng.choice(vocab["closings"])))
    return paragraphs


def _sidecar(rng: random.Random, slots: "Slots", title: str) -> dict:
    """Curator metadata: usually a title and date, often the source URL."""
    meta = {}
    if rng.random() < 0.9:
        meta["title"] = title
    if rng.random() < 0.8:
        meta["date"] = slots.date.isoformat()
    if rng.random() < 0.6 or not meta:
        path = f"{slots.date:%Y/%m/%d}/{slugify(title)}"
        meta["url"] = slots.issuer["url"].format(path=path, slug=slugify(title))
    if rng.random() < 0.2:
        meta["issuer"] = slots.issuer["issuer"]
    return meta


def _html(title: str, slots: "Slots", paragraphs: list[str]) -> str:
    """A release as a government web page: the article amid a header, nav, script and footer."""
    site = html.escape(slots.issuer["site"])
    body = "\n".join(_html_block(p) for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} | {site}</title>
<meta property="article:published_time" content="{slots.date.isoformat()}T10:30:00-05:00">
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}} gtag('js', new Date());</script>
<style>body {{ font-family: sans-serif; }} nav li {{ display: inline; }}</style>
</head>
<body>
<header><a href="/">{site}</a> <form action="/search"><input name="q" placeholder="Search {site}"></form></header>
<nav><ul><li><a href="/news">News</a></li><li><a href="/topics">Topics</a></li><li><a href="/about">About</a></li></ul></nav>
<main>
<h1>{html.escape(title)}</h1>
<p class="meta">{"<br>".join(html.escape(line) for line in slots.issuer["header"][-3:])}</p>
{body}
</main>
<footer><p>Page last reviewed: {slots.date:%B %d, %Y}</p><p><a href="/privacy">Privacy Policy</a> | <a href="/foia">FOIA</a></p></footer>
</body>
</html>
"""


def _html_block(paragraph: str) -> str:
    if paragraph.startswith("- "):
        items = "".join(f"<li>{html.escape(line[2:])}</li>" for line in paragraph.split("\n"))
        return f"<ul>{items}</ul>"
    return f"<p>{html.escape(paragraph)}</p>"


def _encode(rng: random.Random, text: str) -> bytes:
    """Mostly UTF-8; a few files with a BOM or in Windows-1252, as old archives have."""
    roll = rng.random()
    if roll < 0.03:
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            pass
    elif roll < 0.05:
        return text.encode("utf-8-sig")
    return text.encode("utf-8")


class Slots:
    """Fills {slot}s in templates: the release's own facts stay fixed, the rest is drawn anew."""

    def __init__(self, rng: random.Random, vocab: dict):
        self.rng, self.vocab = rng, vocab
        self.date = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
        day = self.date.isoformat()
        self.secretary = next(s for s in vocab["secretaries"] if s["from"] <= day <= s["to"])
        us_officials = [o for o in vocab["us_officials"] if o["from"] <= day <= o["to"]]
        self.country = country = self._any_country()
        own = [o for o in vocab["foreign_officials"] if o["country"] == country["name"]]
        self.foreign = foreign = rng.choice(own or vocab["foreign_officials"])
        foreign_demonym = next(c["demonym"] for c in vocab["countries"] if c["name"] == foreign["country"])
        self.issuer = rng.choices(vocab["issuers"], weights=[i["weight"] for i in vocab["issuers"]])[0]
        self.us_official = rng.choice(us_officials)
        self._values = {
            "sec": lambda: f"{self.secretary['title']} {self.secretary['name']}",
            "sec_short": lambda: self.secretary["short"],
            "foreign": lambda: f"{foreign_demonym} {foreign['title']} {foreign['name']}",
            "foreign_short": lambda: foreign["short"],
            "us_official": lambda: f"{self.us_official['title']} {self.us_official['name']}",
            "us_official_short": lambda: self.us_official["short"],
            "country": lambda: country["name"],
            "country_local": lambda: country.get("local", country["name"]),
            "country_any": lambda: self._any_country()["name"],
            "demonym": lambda: country["demonym"],
            "capital": lambda: country["capital"],
            "topic": lambda: rng.choice(vocab["topics"]),
            "Topic": lambda: rng.choice(vocab["topics"]).title(),
            "agency": lambda: rng.choice(vocab["agencies"]),
            "program": lambda: rng.choice(vocab["programs"]),
            "venue": lambda: rng.choice(vocab["venues"]),
            "region": lambda: rng.choice(vocab["regions"]),
            "port": lambda: rng.choice(vocab["ports"]),
            "airport": lambda: rng.choice(vocab["airports"]),
            "rare": self._rare_word,
            "operation": self._made_up_name,
            "number": lambda: str(int(10 ** rng.uniform(0.5, 3.5))),
            "ordinal": lambda: _ordinal(rng.randint(2, 30)),
            "month": lambda: f"{datetime.date(2000, rng.randint(1, 12), 1):%B}",
            "year_a": lambda: str(self.date.year - rng.randint(1, 4)),
            "year_b": lambda: str(self.date.year - 1),
        }

    def sentence(self, template: str, **fixed: str) -> str:
        """A filled template with a capital first letter ('the U.S. Coast Guard' opening it)."""
        text = self.fill(template, **fixed)
        return text[:1].upper() + text[1:]

    def fill(self, template: str, **fixed: str) -> str:
        """The template with every {slot} replaced; drawn values may hold slots themselves."""
        return _SLOT.sub(lambda m: fixed[m[1]] if m[1] in fixed else self.fill(self._values[m[1]]()), template)

    def dateline(self, *, with_date: bool) -> str:
        """'WASHINGTON, March 3, 2010 —' or 'Mexico City, February 27, 2012 --' or 'WASHINGTON—'."""
        rng = self.rng
        city = rng.choice(self.vocab["us_datelines"]) if rng.random() < 0.75 else self.country["capital"]
        if not with_date:
            return f"{city}—"
        return f"{city}, {long_date(self.date)} {rng.choice(['—', '--', '–'])}"

    def _any_country(self) -> dict:
        countries = self.vocab["countries"]
        return self.rng.choices(countries, weights=[c["weight"] for c in countries])[0]

    def _rare_word(self) -> str:
        """A word from the long list with Zipf-like odds, so some occur in only a few releases."""
        words = self.vocab["rare_words"]
        return words[int(len(words) ** self.rng.random()) - 1]

    def _made_up_name(self) -> str:
        """An operation name nobody has used: the rarest words in the corpus."""
        syllables = self.rng.choices(self.vocab["syllables"], k=self.rng.randint(2, 4))
        return "".join(syllables).capitalize()


def long_date(day: datetime.date) -> str:
    """'March 3, 2010', as press releases write dates."""
    return f"{day:%B} {day.day}, {day.year}"


def slugify(text: str) -> str:
    """'U.S. and Panama Sign…' -> 'u-s-and-panama-sign'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
