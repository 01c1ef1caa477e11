"""The benchmark's rows for officials' pages and suggestions run on a small index."""

from bench import browse
from bench.generate import generate_corpus
from indexer.build import update_index


def test_the_browse_rows_run_at_50_releases(tmp_path):
    generate_corpus(tmp_path / "corpus", 50, seed=0)
    update_index(tmp_path / "corpus", tmp_path / "index")
    figures = browse.measure(tmp_path / "index", rounds=2)
    assert figures["releases"] == 50
    names, prefixes = figures["names"], figures["prefixes"]
    assert 2 <= names <= browse.NAMES and prefixes >= 10
    assert figures["official_first"]["n"] == names and figures["official_repeated"]["n"] == 2 * names
    assert figures["suggest"]["n"] == 2 * prefixes
    assert figures["suggest_keys"] > names  # officials, countries and title terms
    report = browse.format_report(figures).splitlines()
    assert [line.split("  ")[0] for line in report[2:5]] == [
        "/official/<name>, first request", "/official/<name>, repeated", "/api/suggest?q=<prefix>",
    ]
