"""What every import shares: a kind (what its file holds, how each row is checked and
written, where the entries it writes are seen), the header's columns found by name, what the
preview counts, which rows a confirmation writes and the audit row of a confirmed batch.

Each kind (``stakeholders``, ``commitments``) is a ``Kind``; the views serve every kind at its
own address (``/stakeholders/import/``, ``/commitments/import/``) through the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from registry import audit
from registry.imports.reading import Table, Unreadable
from registry.models import User

CREATE, SKIP = "create", "skip"
MATCHES = 3  # possible duplicates shown per row


@dataclass(frozen=True)
class Kind:
    """One kind of import: its file, its checks and its writes."""

    name: str  # the batch's kind and the address's first part: "stakeholders"
    permission: str  # who may import it (registry.permissions)
    title: Any  # the upload page's heading (lazy text)
    columns: Sequence[str]  # the template's header row
    example: dict[str, str]  # the template's example row, by column
    check: Callable[[Table, User], dict[str, Any]]  # the batch's content (see ``summary``)
    write: Callable[[list[dict[str, Any]], User], list[Any]]  # the entries written
    done: Callable[[list[Any], int], str]  # the message once confirmed
    entry_endpoint: str  # an entry's page, for a possible duplicate or a written row
    entry_arg: str
    about: str  # the upload page's explanation (a template)
    back: tuple[str, Any]  # where the officer came from: (endpoint, link text)
    # The column of the preview a file column's error is shown in (a deliverable's due date
    # in the "deliverables" column); most columns are shown as themselves.
    shown_in: Callable[[str], str] = field(default=lambda column: column)


def key(text: str) -> str:
    """Text compared as people mean it: spaces folded, letter case aside."""
    return " ".join(text.split()).casefold()


def header_columns(
    header: list[str],
    names: Sequence[str],
    required: Sequence[str],
    *,
    export_only: Sequence[str] = (),
    aliases: dict[str, str] | None = None,
    expected: Sequence[str] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Where each known column is, and notices; ``Unreadable`` naming missing columns.

    ``export_only``: a download's columns, ignored with a notice; ``aliases``: another name
    for a column; ``expected``: the columns as the message names them (default ``names``)."""
    known = set(names)
    aliases = aliases or {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    for index, raw in enumerate(header):
        name = key(raw.lstrip("\ufeff")).replace(" ", "_")
        name = aliases.get(name, name)
        if name in known and name not in positions:
            positions[name] = index
        elif name in export_only:
            ignored.append(name)
        elif name:
            unknown.append(raw.strip())
    missing = [name for name in required if name not in positions]
    if missing:
        raise Unreadable(
            _(
                "The file has no column named %(missing)s. The first row must name the "
                "columns: %(expected)s (%(required)s are required). The template below has "
                "them all.",
                missing=", ".join(missing),
                expected=", ".join(expected or names),
                required=", ".join(required),
            )
        )
    notices = []
    if unknown:
        notices.append(
            _("These columns are not imported: %(names)s.", names=", ".join(unknown[:20]))
        )
    if ignored:
        notices.append(
            _(
                "The download's columns %(names)s are ignored: an import registers new "
                "entries only.",
                names=", ".join(ignored),
            )
        )
    return positions, notices


def decide(rows: list[dict[str, Any]]) -> None:
    """What confirming does with each row: write it when it has no error and repeats no
    earlier row of the file (a possible duplicate in the registry waits for "anyway")."""
    for row in rows:
        row["action"] = CREATE if not row["errors"] and not row.get("duplicate_of") else SKIP


def summary(content: dict[str, Any]) -> dict[str, int]:
    rows = content["rows"]
    return {
        "rows": len(rows),
        "create": sum(1 for r in rows if r["action"] == CREATE and not r.get("matches")),
        "matches": sum(1 for r in rows if r["action"] == CREATE and r.get("matches")),
        "skip": sum(1 for r in rows if r["action"] == SKIP),
    }


def to_write(content: dict[str, Any], anyway: set[int]) -> list[dict[str, Any]]:
    """The rows a confirmation writes: valid, not repeated in the file, and either matching
    nothing in the registry or ticked "import anyway" (by line number)."""
    return [
        row
        for row in content["rows"]
        if row["action"] == CREATE and (not row.get("matches") or row["line"] in anyway)
    ]


def record(batch: Any, written_ids: list[int], skipped: int, actor: User) -> None:
    audit.record(
        "import_batch.confirmed",
        batch,
        after={
            "kind": batch.kind,
            "filename": batch.filename,
            "written": len(written_ids),
            "skipped": skipped,
            "entry_ids": written_ids[:500],
        },
        actor=actor,
    )
