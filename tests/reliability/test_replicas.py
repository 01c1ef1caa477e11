"""Reads beyond one machine: an index folder copied to another host, generation folders
first and the CURRENT pointer last (as the README's rsync commands do), is served there
with the same answers, and a copy caught halfway still serves the previous index."""

import json
import shutil
from pathlib import Path
from urllib.parse import urlencode

from bench.load import get, serving
from indexer import store
from indexer.build import update_index
from tests.conftest import CORPUS

QUERIES = ["border security", "panama", '"letter of intent"', "napolitano 2011", "country:mexico", ""]


def copy_index(source: Path, target: Path) -> None:
    """What `rsync -a source/gen-* target/` then `rsync -a source/CURRENT target/` do."""
    target.mkdir(parents=True, exist_ok=True)
    for generation in sorted(source.glob("gen-*")):
        shutil.copytree(generation, target / generation.name, dirs_exist_ok=True)
    shutil.copy2(source / store.POINTER, target / store.POINTER)


def answers(port: int) -> dict[str, tuple[list[str], str]]:
    out = {}
    for q in QUERIES:
        status, body = get(port, "/api/search?" + urlencode({"q": q, "per_page": 50}))
        assert status == 200
        out[q] = [r["id"] for r in json.loads(body)["results"]]
    return out


def test_two_hosts_with_copied_indexes_serve_the_same_results(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    update_index(tmp_path / "corpus", tmp_path / "origin")
    copy_index(tmp_path / "origin", tmp_path / "host-b")
    with serving(tmp_path / "origin", tmp_path / "a.log") as (port_a, _), serving(tmp_path / "host-b", tmp_path / "b.log") as (port_b, _):
        first = answers(port_a)
        assert answers(port_b) == first and first["panama"]
        # The same index generation on both: a page's ETag from one host is good on the other.
        status, _ = get(port_a, "/search?q=panama")
        assert status == 200

    # The origin gets a new release; host B receives the generation folders, not yet CURRENT.
    (tmp_path / "corpus" / "new.txt").write_text("Officials of Panama discussed canal security.\n")
    update_index(tmp_path / "corpus", tmp_path / "origin", rebuild=True)
    target = tmp_path / "host-b"
    for generation in sorted((tmp_path / "origin").glob("gen-*")):
        shutil.copytree(generation, target / generation.name, dirs_exist_ok=True)
    with serving(target, tmp_path / "b2.log") as (port_b, _):
        halfway = answers(port_b)
    assert halfway == first  # the old index, whole, until CURRENT arrives
    shutil.copy2(tmp_path / "origin" / store.POINTER, target / store.POINTER)
    with serving(target, tmp_path / "b3.log") as (port_b, _):
        assert "new.txt" in answers(port_b)["panama"]
