"""Fixtures shared by every test package: the bundled corpus copied into tmp_path."""

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """A private copy of the bundled corpus (five releases with sidecars)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def index_dir(tmp_path) -> Path:
    return tmp_path / "index"
