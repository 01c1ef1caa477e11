"""The quality command on the real development set: extraction cannot silently regress."""

import pytest

from bench.quality import DEFAULT_SET, Counts, _match_officials, evaluate, fold, main

# Just under what the command reaches today; raise them as extraction improves.
FLOORS = {"titles": 0.96, "dates": 0.95, "officials_f1": 0.95, "countries_f1": 0.99, "language": 1.0}


def test_the_development_set_scores_at_least_the_floors():
    assert (DEFAULT_SET / "labels.json").is_file(), f"the development set is missing from {DEFAULT_SET}"
    report = evaluate(DEFAULT_SET)
    scores = {"titles": report.titles, "dates": report.dates, "officials_f1": report.officials.f1,
              "countries_f1": report.countries.f1, "language": report.language}
    assert {k: v for k, v in scores.items() if v < FLOORS[k]} == {}
    assert report.invented == 0
    assert report.summary().startswith(f"quality: titles={report.titles:.2f} dates={report.dates:.2f} invented=0 ")


def test_officials_match_on_a_surname_word_once_each():
    assert _match_officials(
        ["Luis Videgaray", "Felipe Cald", "Osvaldo Santin", "Esteban Moctezuema", "Barack Obama"],
        ["Luis Videgaray Caso", "Felipe Calderón", "Osvaldo Santín", "Esteban Moctezuma"],
        {"Esteban Moctezuma": "Esteban Moctezuema"},
    ) == (["Felipe Cald", "Barack Obama"], ["Felipe Calderón"])
    assert _match_officials(["Jane Doe", "John Doe"], ["Jane Doe"], {}) == (["John Doe"], [])


def test_micro_counts_and_folding():
    counts = Counts()
    counts.add(3, 1, 0)
    counts.add(1, 0, 3)
    assert (counts.precision, counts.recall, round(counts.f1, 4)) == (0.8, 4 / 7, round(2 * 0.8 * 4 / 7 / (0.8 + 4 / 7), 4))
    assert fold("  Gómez-Mont’s\n REMARKS ") == "gomez-mont's remarks"


def test_an_unknown_set_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--set", str(tmp_path)])
    assert stopped.value.code == 2
    assert "has no labels.json and docs/ folder" in capsys.readouterr().err
