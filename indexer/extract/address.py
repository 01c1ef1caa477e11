"""The original address of a release, from its page."""


def extract_url(html_meta: dict[str, str]) -> tuple[str | None, str | None]:
    """(url, source) of the original page, from og:url or the canonical link."""
    for key, source in (("og:url", "html meta og:url"), ("canonical", "html link canonical")):
        if html_meta.get(key, "").startswith(("http://", "https://")):
            return html_meta[key], source
    return None, None
