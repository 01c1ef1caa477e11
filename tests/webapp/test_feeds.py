"""The Atom feed of a search: what a feed reader sees, ids that survive a rebuild, and
the revalidation that polling relies on."""

import datetime
import shutil
from email.utils import format_datetime, parsedate_to_datetime

import feedparser
import pytest

from indexer.build import update_index
from tests.conftest import CORPUS
from tests.webapp.conftest import NEWEST_FIRST, R2011, R2019_DEC, R2019_MARCH
from webapp import create_app
from webapp.engine import Engine
from webapp.feeds import release_tag

BASE = "https://search.example.org"
TAG = "tag:release-search.invalid,2026:"


@pytest.fixture
def feed_client(corpus_index):
    """A client whose links are absolute, as a deployment with its public address set."""
    return create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": corpus_index, "RELEASE_SEARCH_BASE_URL": BASE}).test_client()


def read_feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception  # well-formed XML that feedparser reads as Atom
    assert feed.version == "atom10"
    return feed


def test_the_feed_lists_matching_releases_newest_first_with_their_facts(feed_client):
    feed = read_feed(feed_client, "/search.atom?q=border+security")
    assert feed.feed.title == "Press releases: “border security”"
    assert feed.feed.id == TAG + "search?q=border+security"
    assert {(link.rel, link.href) for link in feed.feed.links} == {
        ("self", f"{BASE}/search.atom?q=border+security"),
        ("alternate", f"{BASE}/search?q=border+security&sort=newest"),
    }
    assert [e.id for e in feed.entries] == [TAG + "release/" + r for r in NEWEST_FIRST]
    assert [e.updated for e in feed.entries] == [
        "2019-12-17T00:00:00Z", "2019-03-28T00:00:00Z", "2012-03-06T00:00:00Z", "2011-07-12T00:00:00Z", "2009-08-13T00:00:00Z",
    ]
    newest, march, *_ = feed.entries
    assert newest.title == "U.S. and Panama Sign a Letter of Intent to Increase Security Cooperation"
    assert newest.author == "DHS"
    # The Panama letter's sidecar names no original address: only the release page.
    assert [(link.rel, link.href) for link in newest.links] == [("alternate", f"{BASE}/release/{R2019_DEC}")]
    assert [(link.rel, link.href) for link in march.links] == [
        ("alternate", f"{BASE}/release/{R2019_MARCH}"),
        ("related", "https://dhs.gov/news/2019/03/28/secretary-nielsen-signs-historic-regional-compact-central-america-stem-irregular"),
    ]
    assert [(t.term, t.scheme, t.label) for t in newest.tags] == [
        ("Panama", TAG + "country", "Country: Panama"),
        ("United States", TAG + "country", "Country: United States"),
        ("Chad F. Wolf", TAG + "official", "Official: Chad F. Wolf"),
        ("Rolando Mirones", TAG + "official", "Official: Rolando Mirones"),
    ]
    assert newest.summary_detail.type == "text/plain"
    assert newest.summary.startswith("WASHINGTON – Today, Acting Secretary of Homeland Security Chad F. Wolf")
    assert "<mark>" not in newest.summary


def test_the_feed_takes_the_search_pages_filters_but_not_its_order_or_page(feed_client):
    filtered = read_feed(feed_client, "/search.atom?q=security&country=Panama&year=2011&year=2019")
    assert [e.id for e in filtered.entries] == [release_tag(R2019_DEC), release_tag(R2011)]
    assert filtered.feed.title == "Press releases: “security” · Country: Panama · Year: 2011 · Year: 2019"
    ordered = read_feed(feed_client, "/search.atom?q=security&sort=oldest&page=3&per_page=1")
    assert [e.id for e in ordered.entries] == [release_tag(r) for r in NEWEST_FIRST]
    assert ordered.feed.id == TAG + "search?q=security"
    dated = read_feed(feed_client, "/search.atom?from=2011-01-01&to=2012-12-31&issuer=DHS&kind=Readout")
    assert [e.id for e in dated.entries] == [release_tag(R2011)]
    everything = read_feed(feed_client, "/search.atom")
    assert (everything.feed.title, everything.feed.id) == ("Press releases: all", TAG + "search")
    assert len(everything.entries) == 5


def test_the_feed_refuses_unreadable_parameters_with_a_sentence(get):
    assert get("/search.atom?year=2019..2011", status=400).text(".error-message") == (
        "the year range 2019..2011 runs backwards: write the earlier year first, as in 2011..2019"
    )


def test_the_feed_has_at_most_the_50_newest_and_dates_undated_releases_by_their_index(write_release, own_client):
    for n in range(55):
        write_release(f"r{n:02d}.txt", f"Border talks number {n}.\n", {"title": f"Talks {n}", "date": f"2010-01-{n % 28 + 1:02d}"})
    client = own_client()
    feed = read_feed(client, "/search.atom?q=border")
    assert len(feed.entries) == 50
    assert feed.feed.subtitle == "The 50 newest of 55 matching releases"
    days = [e.updated for e in feed.entries]
    assert days == sorted(days, reverse=True) and days[0] == "2010-01-28T00:00:00Z"

    write_release("undated.txt", "Undated border talks.\n", {"title": "Undated"})
    write_release("dated.txt", "Dated border talks.\n", {"title": "Dated", "date": "2021-05"})
    client = own_client()
    feed = read_feed(client, "/search.atom?q=border+talks&year=none&year=2021")
    assert [e.title for e in feed.entries] == ["Dated", "Undated"]
    assert feed.entries[0].updated == "2021-05-01T00:00:00Z"  # a month's date starts the month
    # No date: the time the index generation was written, which is also the feed's updated.
    assert feed.entries[1].updated == feed.feed.updated
    written = datetime.datetime.fromisoformat(feed.feed.updated)
    assert abs(written - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)


def test_entry_ids_do_not_change_when_the_index_is_rebuilt(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    update_index(tmp_path / "corpus", tmp_path / "index")
    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": tmp_path / "index"}).test_client()
    before = client.get("/search.atom?q=security")
    generation = Engine(tmp_path / "index").generation().key

    update_index(tmp_path / "corpus", tmp_path / "index", rebuild=True)
    assert Engine(tmp_path / "index").generation().key != generation  # a new index, in a new folder
    after = client.get("/search.atom?q=security")
    assert after.headers["ETag"] != before.headers["ETag"]
    ids = [[e.id for e in feedparser.parse(r.data).entries] for r in (before, after)]
    assert ids[0] == ids[1] == [release_tag(r) for r in NEWEST_FIRST]


def test_release_ids_are_valid_uris_whatever_the_file_name(write_release, own_client):
    write_release("sub dir/a&b <c>.txt", "Border talks.\n")
    write_release("line\nbreak.txt", "Border talks again.\n")
    feed = read_feed(own_client(), "/search.atom?q=border")
    assert sorted(e.id for e in feed.entries) == [TAG + "release/line%0Abreak.txt", TAG + "release/sub%20dir/a%26b%20%3Cc%3E.txt"]


def test_text_that_xml_cannot_carry_is_dropped_and_the_rest_escaped(write_release, own_client):
    title = "Border <script>alert(1)</script> & \"quotes\" \x0c\x01 done"
    write_release("odd.txt", "Border talks \x0b with <b>tags</b> & \x1b escapes.\n", {"title": title})
    feed = read_feed(own_client(), "/search.atom?q=border")
    (entry,) = feed.entries
    assert entry.title == "Border <script>alert(1)</script> & \"quotes\" done"
    assert entry.summary == "Border talks with <b>tags</b> & escapes."


def test_a_repeated_poll_is_answered_304(client):
    first = client.get("/search.atom?q=border")
    assert first.headers["Cache-Control"] == "no-cache"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = client.get("/search.atom?q=border", headers={"If-None-Match": etag})
    assert (by_etag.status_code, by_etag.data, by_etag.headers["ETag"]) == (304, b"", etag)

    by_date = client.get("/search.atom?q=border", headers={"If-Modified-Since": modified})
    assert (by_date.status_code, by_date.data, by_date.headers["ETag"]) == (304, b"", etag)

    earlier = format_datetime(parsedate_to_datetime(modified) - datetime.timedelta(seconds=1), usegmt=True)
    assert client.get("/search.atom?q=border", headers={"If-Modified-Since": earlier}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110): another search's ETag is not this one's.
    other = client.get("/search.atom?q=panama").headers["ETag"]
    both = client.get("/search.atom?q=border", headers={"If-None-Match": other, "If-Modified-Since": modified})
    assert both.status_code == 200


def test_the_search_page_links_its_feed_in_the_head_and_visibly(get):
    page = get("/search?q=border&country=Panama&sort=oldest&page=2&per_page=1")
    (alternate,) = page.soup.select('head link[rel="alternate"][type="application/atom+xml"]')
    assert alternate["href"] == "/search.atom?q=border&country=Panama"
    assert page.link("Follow this search") == "/search.atom?q=border&country=Panama"
    assert get("/search").link("Follow this search") == "/search.atom"
