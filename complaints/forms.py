"""The public complaint form. It builds the same ComplaintInput the API does."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.api import validate_phone
from complaints.services import ComplaintInput
from complaints.validators import MAX_ITEMS, validate_location, validate_timezone
from complaints.vocabulary import DISCLOSED_KINDS, HARMS, Relationship
from takedown.zones import language_zone

DEFAULT_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. The files are checked by the intake service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _kind_choices():
    return [
        (key, format_html('{}<span class="hint">{}</span>', label, hint)) for key, label, hint in DISCLOSED_KINDS
    ]


class ReportForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Who are you?"), choices=Relationship.choices, initial=Relationship.SELF, widget=forms.RadioSelect
    )
    complainant_name = forms.CharField(
        label=_("Your full name"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    complainant_email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    complainant_phone = forms.CharField(
        label=_("Your phone number"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    complainant_id_number = forms.CharField(
        label=_("Your ID document number (optional)"), max_length=40, required=False
    )
    victim_name = forms.CharField(
        label=_("Name of the person whose information was posted"), max_length=200, required=False
    )
    victim_is_minor = forms.BooleanField(label=_("This person is under 18"), required=False)
    disclosed_info = forms.MultipleChoiceField(
        label=_("What was posted about you?"), choices=_kind_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    harms = forms.MultipleChoiceField(
        label=_("What is happening to you because of it?"),
        choices=HARMS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    explanation = forms.CharField(
        label=_("Why is this posting wrong? Tell us in your own words"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
        strip=False,
    )
    evidence = MultipleFileField(label=_("Screenshots or documents"), required=False)
    evidence_excerpt = forms.CharField(
        label=_("Or copy the text of the post here"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        strip=False,
    )
    good_faith_declaration = forms.BooleanField(
        label=_("I declare in good faith that the information in this report is accurate and complete."),
        required=False,
    )
    timezone = forms.CharField(widget=forms.HiddenInput, required=False)
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_ITEMS)

    def __init__(self, *args, row_count: int = DEFAULT_ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = max(1, min(row_count, MAX_ITEMS))
        self.fields["rows"].initial = self.row_count
        for i in range(self.row_count):
            self.fields[f"item_url_{i}"] = forms.CharField(
                label=_("Address (URL) of the post %(n)s") % {"n": i + 1}, max_length=2048, required=False,
                widget=forms.TextInput(attrs={"inputmode": "url", "autocapitalize": "off", "spellcheck": "false"}),
            )
            self.fields[f"item_note_{i}"] = forms.CharField(
                label=_("What is there (optional) %(n)s") % {"n": i + 1}, max_length=2000, required=False
            )

    @property
    def item_rows(self):
        return [(self[f"item_url_{i}"], self[f"item_note_{i}"]) for i in range(self.row_count)]

    def clean_complainant_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["complainant_phone"])
        except serializers.ValidationError as exc:
            raise ValidationError(_("Enter a phone number, with the country code if outside China.")) from exc

    def clean(self):
        cleaned = super().clean()
        for i in range(self.row_count):
            url = (cleaned.get(f"item_url_{i}") or "").strip()
            if url:
                try:
                    cleaned[f"item_url_{i}"] = validate_location(url)
                except ValidationError as exc:
                    self.add_error(f"item_url_{i}", exc)
        return cleaned

    def to_input(self, language: str) -> ComplaintInput:
        c = self.cleaned_data
        items = []
        for i in range(self.row_count):
            url = (c.get(f"item_url_{i}") or "").strip()
            if url:
                items.append((url, (c.get(f"item_note_{i}") or "").strip()))
        return ComplaintInput(
            relationship=c["relationship"],
            complainant_name=c["complainant_name"],
            complainant_email=c["complainant_email"],
            complainant_phone=c["complainant_phone"],
            complainant_id_number=c["complainant_id_number"],
            victim_name=c["victim_name"],
            victim_is_minor=c["victim_is_minor"],
            items=items,
            disclosed_info=list(c["disclosed_info"]),
            harms=list(c["harms"]),
            explanation=c["explanation"],
            evidence_excerpt=c["evidence_excerpt"],
            good_faith_declaration=c["good_faith_declaration"],
            language=language,
            timezone=validate_timezone(c.get("timezone") or language_zone(language)),
        )


class AddEvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("Screenshots or documents"), required=False)
    excerpt = forms.CharField(
        label=_("Or copy the text of the post here"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20000
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
