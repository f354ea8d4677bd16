"""Form pieces every domain's forms share: text filters, a checkbox list, an ISO date field."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from registry.text import clean


def clean_text(value: Any) -> Any:
    """Trim, and drop NUL (PostgreSQL refuses it in text; it must not become a 500)."""
    if isinstance(value, str):
        return clean(value)
    return value


def one_line(value: Any) -> Any:
    """For single-line fields (names, places): any run of white space, line breaks included,
    becomes one space, so a name cannot smuggle a line into a page title or a mail header."""
    value = clean_text(value)
    if isinstance(value, str):
        return " ".join(value.split())
    return value


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (a list the eye can scan, no Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IsoDateField(DateField):
    """A year-month-day date; blank is "no answer" (for DataRequired), not a format error.
    ``format_message`` says, in the field's own words, how to write it."""

    def __init__(self, *args: Any, format_message: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.format_message = format_message

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        valuelist = [" ".join(valuelist).strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.format_message)) from None
