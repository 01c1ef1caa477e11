"""The benchmark's own parts: a reproducible generator, an FTS5 baseline that answers
correctly, and a whole small run that ends cleanly."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import fts5
from bench.exports import EXPORTS, FEED_ROUNDS, FEEDS
from bench.generate import add_releases, generate_corpus
from bench.queries import QUERIES, QuerySpec
from bench.run import FIRST_PASS
from bench.stages import stage_cpu
from indexer.release import Release
from tests.conftest import REPO


def files(folder: Path) -> dict[str, bytes]:
    """relative path -> bytes of every file under `folder`."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_writes_byte_identical_corpora(tmp_path):
    for name in ("a", "b"):
        generate_corpus(tmp_path / name, 120, seed=7)
        add_releases(tmp_path / name, 3, seed=7)
    generate_corpus(tmp_path / "other", 120, seed=8)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "other")


def test_corpus_has_folders_html_sidecars_and_added_releases(tmp_path):
    written = generate_corpus(tmp_path, 250, seed=0)
    added = add_releases(tmp_path, 10, seed=0)
    assert len(written) == 250 and len(set(written)) == 250
    assert {p.split("/")[0] for p in written} == {"000", "001", "002"}
    assert [p.split("/")[0] for p in added] == ["added"] * 10
    html = [p for p in written if p.endswith(".html")]
    assert 0.1 < len(html) / 250 < 0.3
    sidecars = list(tmp_path.rglob("*.meta.json"))
    assert 0.15 < len(sidecars) / 260 < 0.45
    for sidecar in sidecars:
        assert set(json.loads(sidecar.read_bytes())) <= {"title", "date", "url", "issuer"}


def test_generated_releases_parse_with_a_title_date_and_facets(tmp_path):
    generate_corpus(tmp_path, 60, seed=1)
    releases = list(fts5.read_releases(tmp_path))
    assert len(releases) == 60
    for release in releases:
        assert release.title and release.date and release.countries and release.officials, release.id
        words = len(release.body.split())
        assert 120 <= words <= 1500, (release.id, words)
        assert "<p>" not in release.body and "dataLayer" not in release.body, release.id


def test_stage_cpu_measures_each_parseable_release_of_its_sample(tmp_path):
    generate_corpus(tmp_path, 40, seed=2)
    (tmp_path / "000" / "empty.txt").write_text("")  # fails to parse: neither counted nor written
    cpu = stage_cpu(tmp_path, sample=1000)
    assert cpu.releases == 40
    assert cpu.extraction_ms > 0 and cpu.writing_ms > 0
    assert stage_cpu(tmp_path, sample=15).releases == 15


def test_stage_cpu_command_prints_both_stages(tmp_path):
    generate_corpus(tmp_path, 12, seed=3)
    result = subprocess.run([sys.executable, "-m", "bench.stages", str(tmp_path), "--sample", "5"],
                            capture_output=True, text=True, cwd=REPO, check=True)
    assert result.stdout.startswith("5 releases, CPU a release in one process: extraction ")
    assert " ms, writing " in result.stdout and " ms, together " in result.stdout


def release(id_, title, body, date, countries, officials) -> Release:
    """A hand-made Release: the FTS5 tests don't depend on the parser."""
    return Release(
        id=id_, path=id_, title=title, date=date, date_precision="day" if date else None, officials=officials,
        countries=countries, issuer="DHS", body=body, url=None, content_hash=id_,
    )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Three releases whose hits and counts can be checked by hand."""
    db = tmp_path_factory.mktemp("fts5") / "tiny.sqlite"
    fts5.build(db, [
        release("a.txt", "Panama border talks", "Officials from Panamá discussed border security & trade.",
                "2011-07-12", ["Panama"], ["Janet Napolitano"]),
        release("b.txt", "Mexico trafficking", "Firearms trafficking <along> the border with Mexico.",
                "2012-03-06", ["Mexico", "Guatemala"], ["Janet Napolitano", "Eduardo Medina-Mora"]),
        release("c.txt", "Undated", "Border security with Honduras and Guatemala.",
                None, ["Honduras", "Guatemala"], []),
    ])
    index = fts5.Fts5Index(db)
    yield index
    index.close()


def test_fts5_ranks_title_matches_first_and_marks_escaped_snippets(tiny):
    page = tiny.search(QuerySpec("t", "border"), facets=True, snippets=True)
    assert page == fts5.Fts5Page(
        total=3,
        results=[
            ("a.txt", "Panama border talks", "Officials from Panamá discussed <mark>border</mark> security &amp; trade."),
            ("c.txt", "Undated", "<mark>Border</mark> security with Honduras and Guatemala."),
            ("b.txt", "Mexico trafficking", "Firearms trafficking &lt;along&gt; the <mark>border</mark> with Mexico."),
        ],
        facets={
            "country": [("Guatemala", 2), ("Honduras", 1), ("Mexico", 1), ("Panama", 1)],
            "official": [("Janet Napolitano", 2), ("Eduardo Medina-Mora", 1)],
            "year": [("2011", 1), ("2012", 1)],
        },
    )


def test_fts5_folds_accents_and_matches_phrases_and_or(tiny):
    assert [r[0] for r in tiny.search(QuerySpec("t", "panama")).results] == ["a.txt"]
    assert [r[0] for r in tiny.search(QuerySpec("t", '"border security"')).results] == ["c.txt", "a.txt"]
    assert tiny.search(QuerySpec("t", "panama OR mexico")).total == 2
    assert tiny.search(QuerySpec("t", "(panama OR mexico) firearms")).total == 1


def test_fts5_facet_counts_leave_out_their_own_filter(tiny):
    page = tiny.search(QuerySpec("t", countries=("Mexico",), years=("2011", "2012")), facets=True)
    assert (page.total, [r[0] for r in page.results]) == (1, ["b.txt"])
    assert page.facets == {
        "country": [("Guatemala", 1), ("Mexico", 1), ("Panama", 1)],  # years applied, countries not
        "official": [("Eduardo Medina-Mora", 1), ("Janet Napolitano", 1)],
        "year": [("2012", 1)],  # the country applied, years not
    }


def test_fts5_filters_or_within_a_facet_and_across_facets(tiny):
    either = QuerySpec("t", "border", countries=("Panama", "Honduras"))
    both = QuerySpec("t", "border", countries=("Guatemala",), officials=("Janet Napolitano",))
    assert [r[0] for r in tiny.search(either).results] == ["a.txt", "c.txt"]
    assert [r[0] for r in tiny.search(both).results] == ["b.txt"]


def test_query_specs_render_for_the_app_and_for_fts5():
    spec = QuerySpec("t", '(disaster OR emergency) "joint task" force', countries=("El Salvador",), years=("2019",))
    assert spec.url() == "/search?q=%28disaster+OR+emergency%29+%22joint+task%22+force&country=El+Salvador&year=2019"
    assert spec.fts5_match() == '( "disaster" OR "emergency" ) AND "joint task" AND "force"'
    assert QuerySpec("t", countries=("Panama",)).fts5_match() is None
    assert len(QUERIES) >= 50 and len({q.label for q in QUERIES}) == len(QUERIES)


def test_a_small_run_with_http_ends_cleanly(tmp_path):
    out = tmp_path / "results.json"
    command = [sys.executable, "-m", "bench.run", "--size", "50", "--http-seconds", "2", "--rounds", "1",
               "--work-dir", str(tmp_path), "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    size = results["sizes"]["50"]
    assert size["update"]["summary"].endswith("10 added, 0 updated, 0 removed, 50 unchanged, 0 failed")
    assert size["fts5"]["releases"] == 60
    assert set(size["queries"]["ours"]) == set(size["queries"]["fts5"]) == {"search", "facets", "facets+snippets", FIRST_PASS}
    assert size["queries"]["ratio"].keys() == size["queries"]["ours"].keys()
    assert set(size["queries"]["dead_ends"]) == {"misspelt", "most words"}
    assert all(row["n"] == 8 for row in size["queries"]["dead_ends"].values())  # 8 queries x 1 round
    http = results["http"]
    assert http["fixed"]["errors"] == http["varied"]["errors"] == http["unique"]["errors"] == 0
    assert http["fixed"]["requests"] > 0 and len(http["workers"]) == 2
    assert 0 < http["unique"]["requests"] <= http["distinct_requests"]["unique"]  # none repeated
    assert "Query latency" in done.stdout and "HTTP /search" in done.stdout
    exports = results["exports"]  # bench.exports: every feed answered, the export held every release
    assert (exports["releases"], exports["csv_rows"]) == (60, 60)
    assert exports["feed_requests"] == len(FEEDS) * FEED_ROUNDS == exports["feed_latency_ms"]["n"]
    assert exports["csv_latency_ms"]["n"] == EXPORTS
    assert set(exports["memory_mb"]) == {"rss_before", "rss_peak_growth", "anon_before", "anon_peak_growth",
                                         "rss_after_all_exports", "anon_after_all_exports"}
    assert "Feeds and exports on gunicorn -w 1 at 60 releases" in done.stdout
    assert results["browse"]["releases"] == 60 and "/api/suggest?q=<prefix>" in done.stdout  # bench.browse


def test_the_long_mix_draws_releases_of_about_a_thousand_words(tmp_path):
    generate_corpus(tmp_path / "standard", 40, seed=3)
    generate_corpus(tmp_path / "long", 40, seed=3, mix="long")
    words = {mix: [len(r.body.split()) for r in fts5.read_releases(tmp_path / mix)] for mix in ("standard", "long")}
    assert all(700 <= n <= 1500 for n in words["long"]), words["long"]
    assert 850 <= sum(words["long"]) / 40 <= 1150
    assert sum(words["standard"]) / 40 < 750  # most standard releases are short


def test_an_indexing_only_run_reports_releases_and_megabytes_per_second(tmp_path):
    out = tmp_path / "results.json"
    command = [sys.executable, "-m", "bench.run", "--size", "30", "--mix", "long", "--indexing-only",
               "--work-dir", str(tmp_path), "--out", str(out)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    index = results["sizes"]["30"]["index"]
    assert results["config"]["mix"] == "long" and (tmp_path / "corpus-30-seed0-long").is_dir()
    assert index["summary"].endswith("30 added, 0 updated, 0 removed, 0 unchanged, 0 failed")
    assert index["mb_per_second"] == pytest.approx(index["corpus_mb"] / index["seconds"], rel=0.05)
    assert index["corpus_mb"] > 0.1
    assert "queries" not in results["sizes"]["30"] and "http" not in results
    assert "MB/s" in done.stdout and "Query latency" not in done.stdout
    gauges = [results["machine"][f"gauge_seconds_at_{when}"] for when in ("start", "end")]
    assert all(0 < g < 30 for g in gauges) and f"{gauges[0]:.3f} at start, {gauges[1]:.3f} at end" in done.stdout
