"""What one indexing run will do, decided before anything is parsed or written.

From the corpus scan (each release file, its stat signature and, where it was read, its
content hash) and the index's record (id -> content hash), a Plan lists the releases to
add, to update, to delete and to leave alone. Pure data in, pure data out: no files, no
Whoosh, so each rule is tested on its own (tests/indexer/test_plan.py).
"""

from dataclasses import dataclass, field

from indexer.sources import SourceFile


@dataclass(frozen=True)
class Scanned:
    """One release file as the scan found it."""

    source: SourceFile
    signature: str  # stat signature, "" when it cannot be trusted (see sources.stat_signature)
    digest: str | None = None  # content hash when known: read by the scan, or unchanged by signature
    failure: str | None = None  # why the scan could not read it
    refused: str | None = None  # why it must not be read at all (a link out of the corpus)

    @property
    def relpath(self) -> str:
        return self.source.relpath


@dataclass(frozen=True)
class Change:
    """A release to parse and write: new to the index ("add") or replacing its indexed version ("update")."""

    scanned: Scanned
    kind: str  # "add" or "update"

    @property
    def relpath(self) -> str:
        return self.scanned.relpath


@dataclass
class Plan:
    """The work of one run, each list in the order the corpus was scanned (deletions sorted)."""

    changes: list[Change] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)  # indexed ids no longer in the corpus
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # unreadable: any indexed version stays
    skipped: list[tuple[str, str]] = field(default_factory=list)  # refused: never read, never indexed


def plan_run(scanned: list[Scanned], indexed: dict[str, str]) -> Plan:
    """Compare the scan with the index's id -> content hash record.

    A file the scan did not read is new (add) or changed (update) unless its digest is
    the indexed one; a file that could not be read keeps its indexed version; a refused
    file, and an indexed id no longer found, is deleted.
    """
    plan = Plan()
    present = set()
    for item in scanned:
        if item.refused:
            plan.skipped.append((item.relpath, item.refused))
            continue
        present.add(item.relpath)
        if item.failure:
            plan.failed.append((item.relpath, item.failure))
        elif item.relpath not in indexed:
            plan.changes.append(Change(item, "add"))
        elif item.digest == indexed[item.relpath]:
            plan.unchanged.append(item.relpath)
        else:
            plan.changes.append(Change(item, "update"))
    plan.delete = sorted(set(indexed) - present)
    return plan
