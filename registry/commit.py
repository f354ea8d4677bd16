"""The commit boundary: every write view (and the API later) ends here.

A view validates its form, then runs its service inside ``committing()``: on success the
transaction commits once (audit rows and queued notices with it); on a known refusal it is
rolled back whole and re-raised as a ``Refused`` the view renders (4xx, the message, nothing
written). The known refusals: the domain's own (``Refused`` and its kinds: workflow, merge,
claims, edit conflicts), a stale version (``StaleDataError``) and a uniqueness race
(``IntegrityError``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from registry.extensions import db


class Refused(Exception):
    """A write that cannot happen as asked; ``status`` is the HTTP answer, the message why."""

    status = 409
    default = _l("The entry changed while you were working on it.")

    def __init__(self, message: str = "", status: int | None = None) -> None:
        super().__init__(str(message or self.default))
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)


class FieldRefused(Refused):
    """A value the domain refuses, said next to its field (422, nothing written)."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Stale(Refused):
    """Someone saved the same rows meanwhile (optimistic locking)."""

    default = _l("This entry changed while you were deciding. Look at it again, then decide.")


class Taken(Refused):
    """A value that must be unique was taken between the check and the commit."""

    default = _l(
        "Someone changed this entry at the same moment, so your change was not saved. "
        "Reload the page to see the current version, then try again."
    )


@contextmanager
def committing() -> Iterator[None]:
    """Commit what the block wrote, once; or roll it all back and raise ``Refused``."""
    try:
        yield
        db.session.commit()
    except Refused:
        db.session.rollback()
        raise
    except StaleDataError as exc:
        db.session.rollback()
        raise Stale() from exc
    except IntegrityError as exc:
        db.session.rollback()
        raise Taken() from exc
