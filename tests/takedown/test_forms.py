"""One mapping of a service's refusal onto an HTML form."""

from __future__ import annotations

from django import forms

from takedown.exceptions import InvalidInput
from takedown.forms import add_service_error


class _Form(forms.Form):
    title = forms.CharField(required=False)
    evidence = forms.CharField(required=False)


def test_field_problems_go_to_their_fields_and_the_message_to_the_form():
    form = _Form({})
    form.is_valid()
    add_service_error(form, InvalidInput("The incident is incomplete.", fields={"title": ["Name it."],
                                                                                 "unknown": ["Odd."]}))
    assert form.errors["title"] == ["Name it."]
    assert form.non_field_errors() == ["Odd.", "The incident is incomplete."]


def test_nested_per_item_problems_are_flattened_onto_the_default_field():
    form = _Form({})
    form.is_valid()
    error = InvalidInput("A file was refused.", fields={"evidence": {"0": ["scan.png: not an image"]}})
    add_service_error(form, error, default_field="evidence")
    assert form.errors["evidence"] == ["scan.png: not an image"]
    assert form.non_field_errors() == ["A file was refused."]


def test_a_refusal_without_fields_lands_on_the_default_field_or_the_form():
    form = _Form({})
    form.is_valid()
    add_service_error(form, InvalidInput("Too many files."), default_field="evidence")
    assert form.errors["evidence"] == ["Too many files."]
    other = _Form({})
    other.is_valid()
    add_service_error(other, InvalidInput("Nothing new was given."))
    assert other.non_field_errors() == ["Nothing new was given."]
