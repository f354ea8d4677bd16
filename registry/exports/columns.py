"""What each public list exports: its columns, declared once.

A ``Column`` is a name, a Table Schema type, a description and the SQL that gives its value;
a ``Table`` is a list's columns with its listing and its filters. From these come the
downloads (CSV, JSON, Excel), the data dictionary on the /data page and the Table Schemas of
``flask export``'s data package, so the three never disagree.

Every value is a column of ONE statement: the list's own rows under the list's own
conditions (``Filters.request()``, the same object the page uses) in the page's order, with
the linked values (constituencies, countries, SDG targets, partner counts) as correlated
subqueries. A correlated subquery is an index probe per row that starts returning at once
and reads only the rows exported; a grouped join would aggregate the whole link table before
the first row, even for an export of three rows.

Nothing personal is a column here: no contact person, no account, no e-mail address, no
"created by". The test in tests/test_exports.py fills them all and looks for them in every
file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, String, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from registry import lists
from registry.commitments import listing as commitment_listing
from registry.commitments import progress
from registry.engagements import queries as engagement_queries
from registry.extensions import db
from registry.initiatives import queries as initiative_queries
from registry.models import (
    Commitment,
    Engagement,
    EngagementSeries,
    Framework,
    FrameworkItem,
    Initiative,
    InitiativeCountry,
    Partnership,
    PartnershipStatus,
    Stakeholder,
    Status,
)
from registry.models.commitments import commitment_alignment
from registry.models.stakeholders import stakeholder_constituency
from registry.stakeholders import queries as stakeholder_queries

SEPARATOR = ";"  # between the values of a many-valued column ("women;youth")
TYPES = frozenset({"string", "integer", "number", "boolean", "date", "datetime"})


@dataclass(frozen=True)
class Context:
    """What a column's SQL may depend on: the database and the day (a commitment's light)."""

    dialect: str
    on: date
    public_url: str


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, boolean, date, datetime
    description: Any  # lazily translated: the data dictionary's words
    value: Callable[[Context], ColumnElement[Any]]
    many: bool = False  # SEPARATOR-joined values

    def __post_init__(self) -> None:
        assert self.type in TYPES, self.type


@dataclass(frozen=True)
class Table:
    """One public list as a file."""

    name: str  # the file's name and the data package's resource name
    title: Any
    description: Any
    listing: lists.Listing
    columns: tuple[Column, ...]
    # The list's own Filters: the visitor's query arguments, validated as the page does
    # (``from_args``), then the list machinery's request on a day (``request``). An export
    # shows what the page's filters show, in the page's order.
    filters: Callable[[Mapping[str, str]], Any]
    request: Callable[[Any, date], lists.Request]
    page_endpoint: str  # the list page the download is offered on

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def context(on: date | None = None) -> Context:
    return Context(
        dialect=db.session.get_bind().dialect.name,
        on=on or progress.today(),
        public_url=current_app.config["PUBLIC_URL"],
    )


def statement(table: Table, request: lists.Request, ctx: Context) -> Select:
    """The export's one statement: every column, the list's conditions, the list's order."""
    stmt = select(*(c.value(ctx).label(c.name) for c in table.columns)).select_from(
        table.listing.model
    )
    stmt = stmt.where(*request.where())
    ascending = request.direction == lists.ASC
    return stmt.order_by(*(c.asc() if ascending else c.desc() for c in request.columns))


BATCH = 1_000  # rows fetched from the server-side cursor at a time, and written per chunk


def batches(stmt: Select) -> Iterator[Sequence[Any]]:
    """The statement's rows, a batch at a time. On PostgreSQL ``yield_per`` reads them
    through a server-side cursor (``stream_results``): memory holds one batch, whatever the
    number of rows. SQLite's cursor steps through its rows lazily anyway."""
    result = db.session.execute(stmt, execution_options={"yield_per": BATCH})
    try:
        yield from result.partitions()
    finally:
        result.close()


# --- how values are read ------------------------------------------------------------------------


def plain(attribute: Any) -> Callable[[Context], ColumnElement[Any]]:
    return lambda _ctx: attribute


def joined(
    outer: type, value: Any, *where: ColumnElement[bool]
) -> Callable[[Context], ColumnElement[str]]:
    """The ``outer`` row's linked values, sorted and SEPARATOR-joined: one correlated
    subquery."""

    def build(ctx: Context) -> ColumnElement[str]:
        if ctx.dialect == "postgresql":
            agg = func.string_agg(value, aggregate_order_by(literal(SEPARATOR), value))
            return select(agg).where(*where).scalar_subquery()
        # SQLite before 3.44 has no ORDER BY inside an aggregate: join an ordered subquery.
        ordered = select(value.label("v")).where(*where).correlate(outer).order_by(value).subquery()
        return select(func.group_concat(ordered.c.v, SEPARATOR)).scalar_subquery()

    return build


def page_url(endpoint: str, argument: str, key: Any) -> Callable[[Context], ColumnElement[str]]:
    """The row's public page (PUBLIC_URL, never the request's Host)."""

    def build(ctx: Context) -> ColumnElement[str]:
        path = current_app.url_map.bind("").build(endpoint, {argument: 0})
        prefix = ctx.public_url + path[: -len("0")]
        return literal(prefix, String) + cast(key, String)

    return build


# --- the tables -------------------------------------------------------------------------------

_link = stakeholder_constituency
_lead = aliased(Stakeholder, name="lead")
_organization = aliased(Stakeholder, name="organization")
_partner = aliased(Stakeholder, name="partner")
_initiative = aliased(Initiative, name="of_initiative")
_engagement = aliased(Engagement, name="at_engagement")
_series = aliased(EngagementSeries, name="series")
_countries = InitiativeCountry.__table__


def _scalar(column: Any, *where: ColumnElement[bool]) -> Callable[[Context], ColumnElement]:
    """One value of a related row, looked up by its key (a correlated subquery)."""
    return lambda _ctx: select(column).where(*where).scalar_subquery()


STAKEHOLDERS = Table(
    name="stakeholders",
    title=_l("Stakeholders"),
    description=_l("The organizations and bodies approved for the public registry."),
    listing=stakeholder_queries.LISTING,
    filters=stakeholder_queries.Filters.from_args,
    request=lambda f, _on: f.request(),
    page_endpoint="stakeholders.index",
    columns=(
        Column(
            "id", "integer", _l("The registry's number for the stakeholder."), plain(Stakeholder.id)
        ),
        Column("name", "string", _l("The organization's name."), plain(Stakeholder.name)),
        Column(
            "acronym", "string", _l("Its short name, if it has one."), plain(Stakeholder.acronym)
        ),
        Column(
            "sector",
            "string",
            _l("The kind of body it is: a code of the registry's sectors (listed on /data)."),
            plain(Stakeholder.sector_code),
        ),
        Column(
            "constituencies",
            "string",
            _l("The groups of people it speaks for, as constituency codes separated by ';'."),
            joined(
                Stakeholder, _link.c.constituency_code, _link.c.stakeholder_id == Stakeholder.id
            ),
            many=True,
        ),
        Column(
            "country",
            "string",
            _l("Where it works: an ISO 3166-1 alpha-2 code."),
            plain(Stakeholder.country),
        ),
        Column("city", "string", _l("The city it works in, as written."), plain(Stakeholder.city)),
        Column(
            "scale",
            "string",
            _l("Where it works: local, national, regional or global."),
            plain(Stakeholder.scale),
        ),
        Column("website", "string", _l("Its website."), plain(Stakeholder.website)),
        Column(
            "org_identifier",
            "string",
            _l("Its identifier in an official list (org-id.guide), e.g. XM-DAC-41120."),
            plain(Stakeholder.org_identifier),
        ),
        Column(
            "description",
            "string",
            _l("What it does, in its own words."),
            plain(Stakeholder.description),
        ),
        Column(
            "approved_at",
            "datetime",
            _l("When the entry became public (UTC)."),
            plain(Stakeholder.approved_at),
        ),
        Column(
            "url",
            "string",
            _l("Its page in the registry."),
            page_url("stakeholders.detail", "stakeholder_id", Stakeholder.id),
        ),
    ),
)

INITIATIVES = Table(
    name="initiatives",
    title=_l("Initiatives"),
    description=_l("Programmes, projects, campaigns and networks that stakeholders take part in."),
    listing=initiative_queries.LISTING,
    filters=initiative_queries.Filters.from_args,
    request=lambda f, _on: f.request(),
    page_endpoint="initiatives.index",
    columns=(
        Column(
            "id", "integer", _l("The registry's number for the initiative."), plain(Initiative.id)
        ),
        Column("title", "string", _l("The initiative's title."), plain(Initiative.title)),
        Column(
            "kind",
            "string",
            _l("What kind of initiative it is (programme, project, …)."),
            plain(Initiative.kind),
        ),
        Column(
            "status",
            "string",
            _l("Whether it is planned, active or ended."),
            plain(Initiative.status),
        ),
        Column("summary", "string", _l("What it does."), plain(Initiative.summary)),
        Column(
            "lead_id",
            "integer",
            _l(
                "The stakeholder that leads it (its id in stakeholders), when that entry is public."
            ),
            _scalar(
                _lead.id,
                _lead.id == Initiative.lead_stakeholder_id,
                _lead.status == Status.APPROVED,
            ),
        ),
        Column(
            "lead_name",
            "string",
            _l("The name of the stakeholder that leads it, when that entry is public."),
            _scalar(
                _lead.name,
                _lead.id == Initiative.lead_stakeholder_id,
                _lead.status == Status.APPROVED,
            ),
        ),
        Column(
            "countries",
            "string",
            _l("Where it works: ISO 3166-1 alpha-2 codes separated by ';'."),
            joined(Initiative, _countries.c.code, _countries.c.initiative_id == Initiative.id),
            many=True,
        ),
        Column(
            "cities", "string", _l("The cities it works in, as written."), plain(Initiative.cities)
        ),
        Column("starts_on", "date", _l("When it started."), plain(Initiative.starts_on)),
        Column(
            "ends_on", "date", _l("When it ends or ended, if known."), plain(Initiative.ends_on)
        ),
        Column("website", "string", _l("Its website."), plain(Initiative.website)),
        Column(
            "partners",
            "integer",
            _l("How many public stakeholders are its active partners."),
            _scalar(
                func.count(),
                Partnership.initiative_id == Initiative.id,
                Partnership.status == PartnershipStatus.ACTIVE,
                _partner.id == Partnership.stakeholder_id,
                _partner.status == Status.APPROVED,
            ),
        ),
        Column(
            "url",
            "string",
            _l("Its page in the registry."),
            page_url("initiatives.detail", "initiative_id", Initiative.id),
        ),
    ),
)

ENGAGEMENTS = Table(
    name="engagements",
    title=_l("Engagements"),
    description=_l(
        "Roundtables, conferences, consultations and other meetings, with their attendance."
    ),
    listing=engagement_queries.LISTING,
    filters=engagement_queries.Filters.from_args,
    request=lambda f, _on: f.request(),
    page_endpoint="engagements.index",
    columns=(
        Column(
            "id", "integer", _l("The registry's number for the engagement."), plain(Engagement.id)
        ),
        Column("title", "string", _l("The engagement's title."), plain(Engagement.title)),
        Column(
            "kind",
            "string",
            _l("What kind of meeting it is (roundtable, conference, …)."),
            plain(Engagement.kind),
        ),
        Column("summary", "string", _l("What it was about."), plain(Engagement.summary)),
        Column("start_utc", "datetime", _l("When it starts (UTC)."), plain(Engagement.start_utc)),
        Column("end_utc", "datetime", _l("When it ends (UTC)."), plain(Engagement.end_utc)),
        Column(
            "time_zone",
            "string",
            _l("The time zone it is held in (an IANA name)."),
            plain(Engagement.time_zone),
        ),
        Column("venue", "string", _l("Where it is held."), plain(Engagement.venue)),
        Column("city", "string", _l("The city it is held in."), plain(Engagement.city)),
        Column(
            "country",
            "string",
            _l("The country it is held in: an ISO 3166-1 alpha-2 code."),
            plain(Engagement.country),
        ),
        Column(
            "online_url", "string", _l("Where to join it online."), plain(Engagement.online_url)
        ),
        Column(
            "series",
            "string",
            _l("The series it belongs to (e.g. a yearly forum)."),
            _scalar(_series.title, _series.id == Engagement.series_id),
        ),
        Column(
            "attendance_people",
            "integer",
            _l("How many people took part."),
            plain(Engagement.attendance_people),
        ),
        Column(
            "attendance_countries",
            "integer",
            _l("From how many countries."),
            plain(Engagement.attendance_countries),
        ),
        Column(
            "attendance_organizations",
            "integer",
            _l("From how many organizations."),
            plain(Engagement.attendance_organizations),
        ),
        Column(
            "cancelled", "boolean", _l("Whether it was cancelled."), plain(Engagement.cancelled)
        ),
        Column(
            "url",
            "string",
            _l("Its page in the registry."),
            page_url("engagements.detail", "engagement_id", Engagement.id),
        ),
    ),
)


def _sdg_targets(_ctx: Context) -> ColumnElement[str]:
    sdg = select(Framework.id).where(Framework.code == commitment_listing.SDG).scalar_subquery()
    return joined(
        Commitment,
        FrameworkItem.code,
        commitment_alignment.c.commitment_id == Commitment.id,
        FrameworkItem.id == commitment_alignment.c.item_id,
        FrameworkItem.framework_id == sdg,
    )(_ctx)


def _light(ctx: Context) -> ColumnElement[str]:
    return progress.light_expr(ctx.on)


COMMITMENTS = Table(
    name="commitments",
    title=_l("Commitments"),
    description=_l("The pledges stakeholders made, with their progress and traffic light."),
    listing=commitment_listing.LISTING,
    filters=commitment_listing.Filters.from_args,
    request=lambda f, on: f.request(on),
    page_endpoint="commitments.index",
    columns=(
        Column(
            "id", "integer", _l("The registry's number for the commitment."), plain(Commitment.id)
        ),
        Column("title", "string", _l("What is promised, in a line."), plain(Commitment.title)),
        Column(
            "description", "string", _l("What is promised, in full."), plain(Commitment.description)
        ),
        Column(
            "stakeholder_id",
            "integer",
            _l("The stakeholder that made it (its id in stakeholders)."),
            plain(Commitment.stakeholder_id),
        ),
        Column(
            "stakeholder_name",
            "string",
            _l("The name of the stakeholder that made it."),
            _scalar(_organization.name, _organization.id == Commitment.stakeholder_id),
        ),
        Column(
            "initiative_id",
            "integer",
            _l("The initiative it is part of, if any (its id in initiatives)."),
            plain(Commitment.initiative_id),
        ),
        Column(
            "initiative_title",
            "string",
            _l("The title of the initiative it is part of."),
            _scalar(_initiative.title, _initiative.id == Commitment.initiative_id),
        ),
        Column(
            "engagement_id",
            "integer",
            _l("The engagement it was announced at, if any (its id in engagements)."),
            plain(Commitment.engagement_id),
        ),
        Column(
            "engagement_title",
            "string",
            _l("The title of the engagement it was announced at."),
            _scalar(_engagement.title, _engagement.id == Commitment.engagement_id),
        ),
        Column("starts_on", "date", _l("When the work starts."), plain(Commitment.starts_on)),
        Column("ends_on", "date", _l("When the work is due to end."), plain(Commitment.ends_on)),
        Column(
            "light",
            "string",
            _l(
                "Its traffic light on the day of the export: on_track, overdue (no report "
                "for 12 months), inactive (24 months) or completed."
            ),
            _light,
        ),
        Column(
            "progress",
            "integer",
            _l("Progress in percent: the mean of its deliverables'."),
            plain(Commitment.progress),
        ),
        Column(
            "deliverables",
            "integer",
            _l("How many deliverables it has."),
            plain(Commitment.deliverable_count),
        ),
        Column(
            "last_activity_on",
            "date",
            _l("The day of its last progress report (or of its publication)."),
            plain(Commitment.last_activity_on),
        ),
        Column(
            "completed_on",
            "date",
            _l("When every deliverable was done."),
            plain(Commitment.completed_on),
        ),
        Column(
            "sdg_targets",
            "string",
            _l(
                "The SDG goals and targets it is aligned to, as codes separated by ';' (e.g. 11.3)."
            ),
            _sdg_targets,
            many=True,
        ),
        Column(
            "approved_at",
            "datetime",
            _l("When it became public (UTC)."),
            plain(Commitment.approved_at),
        ),
        Column(
            "url",
            "string",
            _l("Its page in the registry."),
            page_url("commitments.detail", "commitment_id", Commitment.id),
        ),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (STAKEHOLDERS, INITIATIVES, ENGAGEMENTS, COMMITMENTS)
}


def everything(table: Table) -> lists.Request:
    """Every public row of ``table`` in its default order (``flask export``): no filter,
    not even the engagement list's "upcoming"."""
    return lists.Request(table.listing)
