"""Service refusals on HTML forms: one mapping for every page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from takedown.exceptions import DomainError


def _messages(problems: Any) -> Iterable[str]:
    """A field's problems as flat messages (lists, nested per-item dicts, single values)."""
    if isinstance(problems, dict):
        for nested in problems.values():
            yield from _messages(nested)
    elif isinstance(problems, list | tuple):
        for problem in problems:
            yield from _messages(problem)
    else:
        yield str(problems)


def add_service_error(form: forms.BaseForm, error: DomainError, *, default_field: str | None = None) -> None:
    """Show a service's refusal on ``form``: each field's problems on that field when the form
    has it (else on ``default_field`` or the whole form), and the message on the whole form.

    ``default_field`` names where a refusal about something the form only carries in part
    belongs (e.g. evidence files on the report form).
    """
    placed = False
    for name, problems in (error.fields or {}).items():
        target = name if name in form.fields else default_field
        for message in _messages(problems):
            form.add_error(target, message)
            placed = placed or target is not None
    if not placed:
        form.add_error(default_field, error.message)
    else:
        form.add_error(None, error.message)
