"""From a decoded file to a Release: normalize the text, extract the facts, apply the sidecar."""

from indexer.extract import (
    Officials,
    country_sort_key,
    extract_countries,
    extract_date,
    extract_issuer,
    extract_officials,
    extract_title,
    extract_url,
    find_names,
)
from indexer.extract.issuer import canonical_issuer
from indexer.extract.kind import extract_kind
from indexer.extract.language import detect_language
from indexer.extract.titles import text_after_title
from indexer.gazetteer import canonical_country, known_official, person_key
from indexer.namebook import ReleaseNames
from indexer.normalize import normalize
from indexer.release import Release
from indexer.sources import SourceError


def parse_release(relpath: str, text: str, *, is_html: bool, sidecar: dict | None, content_hash: str) -> Release:
    """Build the Release for one file; sidecar fields override what extraction found.

    `provenance` says where each fact with a value came from; `mentions` holds the spans
    of the body that name each official and country the release is listed under.
    """
    sidecar = sidecar or {}
    page = normalize(text, is_html=is_html)
    if not page.body:
        raise SourceError("no text after removing boilerplate")
    provenance: dict[str, str] = {}

    title, provenance["title"] = (sidecar["title"], "sidecar") if "title" in sidecar else extract_title(
        page.body, html_h1=page.html_h1, html_title=page.html_title, html_meta=page.html_meta
    )
    # A first-sentence title is no headline to take out of the body.
    body = page.body if provenance["title"] == "first sentence" else text_after_title(page.body, title) or page.body

    if "date" in sidecar:
        date, precision, date_source = sidecar["date"], sidecar.get("date_precision", "day"), "sidecar"
    else:
        # The whole page: a date line may stand above the headline.
        date, precision, date_source = extract_date(
            page.body, html_meta=page.html_meta, release_date=page.release_date, relpath=relpath
        )
    url, url_source = (sidecar["url"], "sidecar") if "url" in sidecar else extract_url(page.html_meta)
    if "issuer" in sidecar:
        # A curator's "DHS Office of the Press Secretary" is the facet's "DHS" too.
        issuer, issuer_source = canonical_issuer(sidecar["issuer"]) or sidecar["issuer"], "sidecar"
    else:
        issuer, issuer_source = extract_issuer(page.issuer_lines, page.site_lines, page.html_meta, page.html_title, url)
    kind, _ = extract_kind(title, page.body, title_is_headline=provenance["title"] != "first sentence")

    found_officials = _officials_in(title if provenance["title"] != "first sentence" else "", body)
    if "officials" in sidecar:
        officials = list(dict.fromkeys(sidecar["officials"]))
        official_spans = _official_spans(found_officials, officials, body)
        officials_source = "sidecar"
    else:
        officials, official_spans, officials_source = found_officials.names, found_officials.mentions, "text"

    found_countries = extract_countries(body, found_officials.name_spans)
    if "countries" in sidecar:
        countries = sorted({canonical_country(c) or c for c in sidecar["countries"]}, key=country_sort_key)
        countries_source = "sidecar"
    else:
        # The headline counts too (it may be all that names a country), but has no spans in the body.
        in_title_names = [span for spans in find_names(title, found_officials.names).values() for span in spans]
        in_title = extract_countries(title, in_title_names)
        countries = sorted({*found_countries, *in_title}, key=country_sort_key)
        countries_source = "text"

    for field, value, source in (
        ("date", date, date_source),
        ("issuer", issuer, issuer_source),
        ("url", url, url_source),
        ("officials", officials, officials_source),
        ("countries", countries, countries_source),
    ):
        if value or source == "sidecar":
            provenance[field] = source

    names, open_mentions = None, []
    if officials_source == "text":
        names = ReleaseNames(
            tuple((name, title) for name in officials for title in found_officials.titles.get(name, [""])),
            tuple(dict.fromkeys((title, surname) for title, surname, _ in found_officials.unresolved)),
        )
        open_mentions = [(surname, start, end) for _, surname, (start, end) in found_officials.unresolved if start >= 0]
    mentions = {f"official:{name}": official_spans.get(name, []) for name in officials}
    mentions.update({f"country:{name}": found_countries.get(name, []) for name in countries})
    return Release(
        id=relpath,
        path=relpath,
        title=title,
        date=date,
        date_precision=precision,
        officials=officials,
        countries=countries,
        issuer=issuer,
        body=body,
        url=url,
        content_hash=content_hash,
        language=detect_language(body),
        kind=kind,
        provenance=provenance,
        mentions={key: [list(span) for span in spans] for key, spans in mentions.items() if spans},
        names=names,
        open_mentions=open_mentions,
    )


def _officials_in(title: str, body: str) -> Officials:
    """Officials named in the headline and the body, with the spans of their mentions in the
    body: a headline may be all that names one ("Remarks by Secretary Johnson at …")."""
    if not title:
        return extract_officials(body)
    offset = len(title) + 2
    found = extract_officials(f"{title}\n\n{body}")

    def in_body(spans):
        return [(start - offset, end - offset) for start, end in spans if start >= offset]

    return Officials(
        found.names,
        {name: in_body(spans) for name, spans in found.mentions.items()},
        in_body(found.name_spans),
        [(t, n, (s - offset, e - offset)) for t, n, (s, e) in found.unresolved],
        found.titles,
    )


def _official_spans(found: Officials, names: list[str], body: str) -> dict[str, list[tuple[int, int]]]:
    """Where the body names the officials a sidecar lists: as extraction found them, else by name."""
    by_key = {person_key(found_name): spans for found_name, spans in found.mentions.items()}
    spans = {name: by_key.get(person_key(known_official(name) or name), []) for name in names}
    spans.update(find_names(body, [name for name in names if not spans[name]]))
    return spans
