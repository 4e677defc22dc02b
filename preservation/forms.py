"""Forms of the staff pages; they feed the same services as the API."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_SPLIT = re.compile(r"[\s,;]+")


def split_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text or "") if w]


class LegalRequestForm(forms.Form):
    authority = forms.CharField(label=_("Authority"), max_length=200)
    reference_number = forms.CharField(label=_("Their reference number"), max_length=100)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    requesting_officer = forms.CharField(label=_("Requesting officer"), max_length=200)
    scope_references = forms.CharField(
        label=_("Cases in scope"),
        required=False,
        help_text=_("Case references such as TD-2026-000123, separated by spaces or new lines."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scope_victim = forms.CharField(
        label=_("Victim (every case of this person)"), max_length=200, required=False
    )
    deadline = forms.DateTimeField(
        label=_("Answer due (UTC)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    expires_at = forms.DateTimeField(
        label=_("Access expires (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    investigators = forms.CharField(
        label=_("Investigator accounts"), help_text=_("User names, separated by spaces or commas."), max_length=2000
    )


class HoldForm(forms.Form):
    cases = forms.CharField(label=_("Cases to hold"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    legal_request = forms.IntegerField(required=False, widget=forms.HiddenInput)
