"""Worker classes: the app is served by gunicorn's sync workers (the default) and by
gthread workers, whose threads share one engine per process; and each worker warms the
index when it starts and when the index changes."""

import json
import shutil
import threading
from pathlib import Path
from urllib.parse import urlencode

from bench.load import get, serving
from indexer.build import update_index
from tests.conftest import CORPUS
from webapp import create_app
from webapp.engine import Engine

QUERIES = ["border security", "panama", '"letter of intent"', "secur*", "napolitano calderon zzyzx", "secrity",
           "country:mexico", "year:2009..2012", "migration OR trafficking", "", "bordr honduras"]


def expected_answers(index_dir: Path) -> dict[str, list[str]]:
    client = create_app({"TESTING": True, "RELEASE_SEARCH_INDEX_DIR": index_dir}).test_client()
    return {q: [r["id"] for r in client.get("/api/search?" + urlencode({"q": q, "per_page": 50})).get_json()["results"]]
            for q in QUERIES}


def test_gthread_workers_answer_concurrent_searches_like_the_test_client(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    update_index(tmp_path / "corpus", tmp_path / "index")
    expected = expected_answers(tmp_path / "index")
    wrong, errors = [], []

    def client(port: int, n: int) -> None:
        for round_ in range(6):
            q = QUERIES[(n + round_) % len(QUERIES)]
            status, body = get(port, "/api/search?" + urlencode({"q": q, "per_page": 50}))
            if status != 200:
                errors.append((q, status))
            elif [r["id"] for r in json.loads(body)["results"]] != expected[q]:
                wrong.append(q)

    with serving(tmp_path / "index", tmp_path / "gunicorn.log", workers=1, threads=8) as (port, _master):
        threads = [threading.Thread(target=client, args=(port, n)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert (errors, wrong) == ([], [])
    assert "gthread" in (tmp_path / "gunicorn.log").read_text()


def test_the_watcher_opens_a_new_generation_before_any_request(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    update_index(tmp_path / "corpus", tmp_path / "index")
    engine = Engine(tmp_path / "index")
    first = engine.generation()
    engine.start_watching(seconds=0.05)
    try:
        (tmp_path / "corpus" / "new.txt").write_text("Officials discussed port security.\n")
        update_index(tmp_path / "corpus", tmp_path / "index")
        swapped = threading.Event()
        for _ in range(200):
            if engine.opened is not first:
                swapped.set()
                break
            swapped.wait(0.05)
        assert swapped.is_set(), "the watcher did not open the new generation"
        assert "facets" in vars(engine.opened)  # warmed, not just opened
        assert engine.opened.doc_number("new.txt") is not None
    finally:
        engine.close()
