"""The indexing command: `release-search index [CORPUS_DIR] [--index-dir DIR] [--rebuild]`.

A thin Click layer over indexer.build.update_index: progress, a summary, an exit status.
"""

import sys
import unicodedata
from pathlib import Path

import click

from indexer.build import IndexBusy, IndexWriteFailed, Summary, update_index
from indexer.sources import MAX_BYTES


@click.group()
def main():
    """Search government press releases: build and update the index."""


@main.command("index")
@click.argument("corpus_dir", default="corpus", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--index-dir",
    default="index",
    envvar="RELEASE_SEARCH_INDEX_DIR",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the index lives (env RELEASE_SEARCH_INDEX_DIR).",
)
@click.option("--rebuild", is_flag=True, help="Build a fresh index aside and swap it in atomically.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Files larger than this are reported and skipped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line and failures.")
def index_command(corpus_dir: Path, index_dir: Path, rebuild: bool, max_bytes: int, quiet: bool):
    """Add new releases, re-index changed ones and drop removed ones.

    Exits 1 when any file failed or had a sidecar problem (the rest is indexed).
    """
    if not corpus_dir.is_dir():
        raise click.ClickException(f"corpus folder '{corpus_dir}' does not exist; pass the folder of releases to index")
    progress = _TerminalProgress() if sys.stderr.isatty() and not quiet else None
    try:
        summary = update_index(corpus_dir, index_dir, rebuild=rebuild, max_bytes=max_bytes, progress=progress)
    except (IndexBusy, IndexWriteFailed) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("\ninterrupted: the index is as it was before this run", err=True)
        sys.exit(130)
    if progress:
        click.echo("\r\033[K", nl=False, err=True)
    _print_summary(summary, index_dir, quiet)
    sys.exit(0 if summary.ok else 1)


class _TerminalProgress:
    """Prints "phase done/total" each time the count passes a multiple of 50 (with two
    writers it moves in steps, so it may skip the multiples themselves), and at the end."""

    def __init__(self):
        self._shown: tuple[str, int] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        step = (phase, done // 50)
        if done == total or step != self._shown:
            self._shown = step
            click.echo(f"\r{phase} {done:,}/{total:,}", nl=False, err=True)


def _print_summary(summary: Summary, index_dir: Path, quiet: bool) -> None:
    for label, items in (("failed", summary.failed), ("skipped", summary.skipped), ("warning", summary.warnings)):
        for path, reason in items:
            click.echo(f"{label}: {printable(path)}: {printable(reason)}", err=True)
    if not quiet:
        for path, reason in summary.ignored:
            click.echo(f"ignored: {printable(path)}: {printable(reason)}", err=True)
    how = "rebuilt" if summary.rebuilt else "updated"
    click.echo(
        f"{how} {printable(str(index_dir))} in {summary.seconds:.2f}s: "
        f"{len(summary.added)} added, {len(summary.updated)} updated, {len(summary.removed)} removed, "
        f"{len(summary.unchanged)} unchanged, {len(summary.failed)} failed"
        + (f", {len(summary.skipped)} skipped" if summary.skipped else "")
        + (f", {len(summary.warnings)} warnings" if summary.warnings else "")
    )


# Characters a terminal would act on or a reader could not see: controls (escape
# sequences, CR, LF, BEL), format characters (bidirectional overrides), line and
# paragraph separators, and the stand-ins for bytes of a name that is not UTF-8.
_UNPRINTABLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def printable(text: str) -> str:
    """`text` for one line of a terminal: such characters as Python escapes, a
    backslash doubled, so every name prints as one line that says what it is.

    'bad\\udcff.txt' (the byte 0xff of a Latin-1 name) prints as 'bad\\xff.txt'.
    """
    if text.isprintable() and "\\" not in text:
        return text
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif "\udc80" <= char <= "\udcff":  # os.fsdecode's escape of an undecodable byte
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif unicodedata.category(char) in _UNPRINTABLE:
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)
