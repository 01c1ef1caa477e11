"""Where indexing time goes: CPU a release spends extracting it and writing it, in one process.

`python -m bench.stages CORPUS [--sample 1000]`

The indexing command's figures (bench.run) say how fast the whole run is; this says which
half to work on. It reads a sample of the corpus into memory (not timed), parses it with
the indexer's own pipeline twice (the first pass warms the caches extraction keeps, the
second is timed), then writes the same releases as one segment with the indexer's own
writer, which parses each again: writing is that pass minus the parsing. CPU time, not
wall time, so a busy machine changes it less.
"""

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from indexer import writer
from indexer.load import parse_release_files, read_release_files
from indexer.schema import build_schema
from indexer.sources import MAX_BYTES, SourceError, find_sources


@dataclass
class StageCpu:
    """Milliseconds of CPU a release: parsing it (decode, normalize, extract) and the rest
    of writing it (analysis, postings, stored fields, vocabulary, the segment's files)."""

    releases: int
    extraction_ms: float
    writing_ms: float


def stage_cpu(corpus: Path, sample: int = 1000) -> StageCpu:
    """Measure the first `sample` releases of `corpus` (in the indexer's order)."""
    sources = [s for s in find_sources(Path(corpus))[0] if not s.outside][:sample]
    files = []
    for source in sources:
        try:
            files.append(read_release_files(source, MAX_BYTES))
        except SourceError:
            continue
    _parse_all(files)  # warms what extraction caches
    started = time.process_time()
    parsed = _parse_all(files)
    extraction = time.process_time() - started
    folder = Path(tempfile.mkdtemp(prefix="stages-"))
    try:
        ix = writer.create_index(folder, build_schema())
        started = time.process_time()
        # read_release_files again inside: reading is a few percent, and the same pages are cached.
        _, outcomes, _ = writer.write_segment(ix, [writer.Job(s, MAX_BYTES) for s in sources], lambda done: None)
        total = time.process_time() - started
        ix.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    written = sum(outcome.written for outcome in outcomes.values())
    if not parsed or written != len(parsed):
        raise RuntimeError(f"parsed {len(parsed)} releases but wrote {written}")
    return StageCpu(len(parsed), 1000 * extraction / len(parsed), 1000 * (total - extraction) / len(parsed))


def _parse_all(files) -> list:
    parsed = []
    for files_of_one in files:
        try:
            parsed.append(parse_release_files(files_of_one))
        except SourceError:
            continue
    return parsed


@click.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--sample", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Releases measured, the first in the corpus.")
def main(corpus: Path, sample: int) -> None:
    """Print CPU milliseconds a release for extraction and for writing."""
    cpu = stage_cpu(corpus, sample)
    click.echo(f"{cpu.releases} releases, CPU a release in one process: extraction {cpu.extraction_ms:.2f} ms, "
               f"writing {cpu.writing_ms:.2f} ms, together {cpu.extraction_ms + cpu.writing_ms:.2f} ms")


if __name__ == "__main__":
    main()
