"""The implementation briefing: for a set of resolutions, each with its symbol, year and
title, the recorded (not hidden) statuses as bullet points in their order, each ending with
the paragraphs it serves, "(OP2b, OP2d)"; planned ones start with their period ("2024-25:"),
done ones with "Done ✓:". The shape of seed 003, the Secretariat's briefing to the Bureaux,
made from the registry's own data.

One page (printable: ``static/css/print.css``) and two downloads from the same values:
Markdown, and Word (.docx, written with python-docx, so it opens as a real document rather
than HTML in disguise). Public data: anonymous readers get it without a cookie.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from flask import Response, request
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from registry.commitments import progress
from registry.extensions import db
from registry.frameworks import queries
from registry.frameworks.tracking import StatusLine, briefing_code, status_lines
from registry.frameworks.views import _not_found, _session, bp
from registry.htmx import render
from registry.http_cache import cacheable
from registry.models import Framework, ImplementationState
from registry.permissions import requires

MAX_CHOSEN = 40  # resolutions in one briefing: both sessions and more
EN_DASH = "\u2013"  # between a resolution's symbol and its title, as seed 003 writes it


@dataclass
class Bullet:
    prefix: str  # "2024-25", "Done ✓" or ""
    runs: list[tuple[str, bool]]  # the text, with its bold phrases
    refs: list[str]  # "OP2b", as the briefing cites them

    @property
    def plain(self) -> str:
        return "".join(words for words, _bold in self.runs)


@dataclass
class Section:
    code: str
    year: int | None
    title: str
    heading: str  # "HSP/HA.2/RES.6 (2023), en dash, Localization of the Sustainable ..."
    bullets: list[Bullet]


def bullet(line: StatusLine) -> Bullet:
    if line.state == ImplementationState.DONE:
        prefix = _("Done ✓")
    elif line.state == ImplementationState.PLANNED:
        prefix = line.period
    else:
        prefix = ""
    return Bullet(prefix, line.runs, [briefing_code(code) for code in line.codes])


def heading(framework: Framework) -> str:
    year = f" ({framework.year})" if framework.year else ""
    return f"{framework.code}{year} {EN_DASH} {framework.title}"


def sections(frameworks: list[Framework]) -> list[Section]:
    """The briefing's sections, resolutions by year and number: two statements."""
    lines = status_lines([f.id for f in frameworks])
    ordered = sorted(frameworks, key=lambda f: (f.year or 0, queries.natural_key(f.code)))
    return [
        Section(f.code, f.year, f.title, heading(f), [bullet(x) for x in lines.get(f.id, [])])
        for f in ordered
    ]


def _resolutions() -> list[Framework]:
    stmt = select(Framework).where(Framework.kind == "resolution")
    return sorted(
        db.session.scalars(stmt), key=lambda f: (f.year or 0, queries.natural_key(f.code))
    )


def _by_session(resolutions: list[Framework]) -> list[tuple[tuple[str, int | None], list]]:
    found: dict[tuple[str, int | None], list[Framework]] = {}
    for framework in resolutions:
        found.setdefault((_session(framework.code), framework.year), []).append(framework)
    return list(found.items())


class NoneChosen(Exception):
    """The request names no resolution (or more than a briefing takes): a 400 that says so."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Choose at least one resolution for the briefing."))


def _chosen() -> list[Framework]:
    """The resolutions asked for, each once; 404 naming an unknown one; ``NoneChosen`` when
    the request names none."""
    codes = list(dict.fromkeys(c.strip() for c in request.args.getlist("resolution") if c.strip()))
    if not codes:
        raise NoneChosen()
    if len(codes) > MAX_CHOSEN:
        raise NoneChosen(_("A briefing covers at most %(n)d resolutions.", n=MAX_CHOSEN))
    usable = [code for code in codes if queries.usable_code(code)]
    found = {
        f.code: f
        for f in db.session.scalars(select(Framework).where(Framework.code.in_(usable)))
        if f.kind == "resolution"
    }
    missing = [code for code in codes if code not in found]
    if missing:
        _not_found(_("There is no resolution with the code “%(code)s”.", code=missing[0][:60]))
    return [found[code] for code in codes]


def _choose_page(status: int = 200, problem: str | None = None):
    resolutions = _resolutions()
    return render(
        "frameworks/briefing.html",
        status=status,
        sessions=_by_session(resolutions),
        chosen=set(request.args.getlist("resolution")),
        sections=None,
        problem=problem,
    )


def _none_chosen(refusal: NoneChosen):
    return _choose_page(400, str(refusal))


@bp.route("/frameworks/briefing")
@cacheable()
@requires("public")
def briefing():
    """The briefing for the chosen resolutions, or the form to choose them."""
    asked = "resolution" in request.args or "show" in request.args
    if not asked:
        return _choose_page()
    try:
        chosen = _chosen()
    except NoneChosen as refusal:
        return _none_chosen(refusal)
    return render(
        "frameworks/briefing.html",
        sessions=_by_session(_resolutions()),
        chosen={f.code for f in chosen},
        sections=sections(chosen),
        codes=[f.code for f in chosen],
        as_of=progress.today(),
        problem=None,
    )


def _filename(today: date, extension: str) -> str:
    return f"resolution-briefing-{today.isoformat()}.{extension}"


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Markdown -----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def bullet_markdown(item: Bullet) -> str:
    words = "".join(f"**{_md(text)}**" if bold else _md(text) for text, bold in item.runs)
    prefix = f"{_md(item.prefix)}: " if item.prefix else ""
    refs = f" ({', '.join(item.refs)})" if item.refs else ""
    return f"- {prefix}{words}{refs}"


def markdown(found: list[Section], title: str, as_of: str) -> str:
    parts = [f"# {_md(title)}", "", _md(as_of), ""]
    for section in found:
        parts += [f"## {_md(section.heading)}", ""]
        if section.bullets:
            parts += [bullet_markdown(item) for item in section.bullets]
        else:
            parts.append(_md(_("No implementation recorded yet.")))
        parts.append("")
    return "\n".join(parts)


def _title() -> str:
    return _("Briefing on the implementation of resolutions adopted by the UN-Habitat Assembly")


def _as_of(today: date) -> str:
    return _("As recorded in the Whole-of-Society Registry on %(date)s.", date=format_date(today))


@bp.route("/frameworks/briefing.md")
@requires("public")
def briefing_markdown():
    """The briefing as a Markdown file."""
    try:
        chosen = _chosen()
    except NoneChosen as refusal:
        return _none_chosen(refusal)
    today = progress.today()
    body = markdown(sections(chosen), _title(), _as_of(today))
    return _download(body.encode("utf-8"), "text/markdown", _filename(today, "md"))


# --- Word ---------------------------------------------------------------------------------------

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(found: list[Section], title: str, as_of: str) -> bytes:
    from docx import Document  # imported here: only this download needs it

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)
    document.add_paragraph(as_of)
    for section in found:
        document.add_heading(section.heading, level=1)
        if not section.bullets:
            document.add_paragraph(_("No implementation recorded yet."))
        for item in section.bullets:
            paragraph = document.add_paragraph(style="List Bullet")
            if item.prefix:
                paragraph.add_run(f"{item.prefix}: ")
            for text, bold in item.runs:
                paragraph.add_run(text).bold = bold or None
            if item.refs:
                paragraph.add_run(f" ({', '.join(item.refs)})")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@bp.route("/frameworks/briefing.docx")
@requires("public")
def briefing_docx():
    """The briefing as a Word document."""
    try:
        chosen = _chosen()
    except NoneChosen as refusal:
        return _none_chosen(refusal)
    today = progress.today()
    body = docx_bytes(sections(chosen), _title(), _as_of(today))
    return _download(body, DOCX, _filename(today, "docx"))
