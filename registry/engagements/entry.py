"""Engagements as an entry type: not reviewed (staff publish them), but known to the audit
log, which links each event to the engagement's page and names its fields."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import countries, entries
from registry.entries import EntryType, FieldSpec
from registry.frameworks import picker
from registry.models import Engagement
from registry.models.engagements import KIND_LABELS, EngagementKind


def _kind(value: object) -> str:
    try:
        return str(KIND_LABELS[EngagementKind(value)])
    except ValueError:
        return str(value or "")


ENGAGEMENT = entries.register(
    EntryType(
        key="engagement",
        model=Engagement,
        label=_l("Engagement"),
        endpoint="engagements.detail",
        id_arg="engagement_id",
        title=lambda engagement: engagement.title,
        reviewed=False,
        fields=(
            FieldSpec("title", _l("Title")),
            FieldSpec("kind", _l("Kind of engagement"), show=_kind),
            FieldSpec("summary", _l("Summary")),
            FieldSpec("start_utc", _l("Start (UTC)")),
            FieldSpec("end_utc", _l("End (UTC)")),
            FieldSpec("time_zone", _l("Time zone")),
            FieldSpec("venue", _l("Venue")),
            FieldSpec("city", _l("City or locality")),
            FieldSpec("country", _l("Country"), show=lambda code: countries.name(code)),
            FieldSpec("online_url", _l("Online link")),
            FieldSpec("series", _l("Series")),
            FieldSpec("attendance_people", _l("People who attended")),
            FieldSpec("attendance_countries", _l("Countries they came from")),
            FieldSpec("attendance_organizations", _l("Organizations represented")),
            FieldSpec("attendance_note", _l("Attendance in words")),
            FieldSpec("cancelled", _l("Cancelled"), show=lambda v: str(_("Yes") if v else _("No"))),
            picker.field_spec(),
        ),
    )
)
