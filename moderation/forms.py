"""Web forms of the moderator workspace and of the poster's and complainant's pages.

They parse and check shapes only; the services judge meaning, exactly as for the API.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.models import Appeal, Decision, Incident, Measure


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)


class TotpForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from your authenticator app"), regex=r"^\s*\d{6,8}\s*$", max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"invalid": _("Enter the 6-digit code.")},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the complainant"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "id": "reply-body"}),
        help_text=_("Shown on their tracking page and sent to them by e-mail, in their language as you write it. "
                    "Never name the poster's contact details or other staff."),
    )


class DecisionForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    items = forms.TypedMultipleChoiceField(label=_("Items (none ticked: all)"), coerce=int, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    territorial_scope = forms.CharField(label=_("Territorial scope (country codes, blank: worldwide)"),
                                        required=False, max_length=900)
    end_date = forms.DateField(label=_("End date (blank: no end)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    facts = forms.CharField(label=_("Facts and circumstances relied on"), widget=forms.Textarea(attrs={"rows": 3}),
                            required=False, max_length=20_000)
    ground_type = forms.ChoiceField(label=_("Ground"), choices=Decision.GroundType.choices)
    legal_ground = forms.CharField(label=_("Legal or terms-of-service ground"), required=False, max_length=5_000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(label=_("Explanation (shown to the complainant and the poster)"),
                                  widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=20_000)
    automated_detection = forms.BooleanField(label=_("The content was detected by automated means"), required=False)
    automated_decision = forms.BooleanField(label=_("The decision was taken by automated means"), required=False)
    manifestly_unfounded = forms.BooleanField(label=_("The notice is manifestly unfounded (no action only)"),
                                              required=False)
    expected_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = list(item_choices)

    def to_input(self) -> services.DecisionInput:
        data = self.cleaned_data
        scope = [c.strip().upper() for c in data["territorial_scope"].replace(";", ",").split(",") if c.strip()]
        return services.DecisionInput(
            measure=data["measure"], item_ids=data["items"] or None, territorial_scope=scope,
            end_date=data["end_date"], facts=data["facts"], ground_type=data["ground_type"],
            legal_ground=data["legal_ground"], explanation=data["explanation"],
            automated_detection=data["automated_detection"], automated_decision=data["automated_decision"],
            manifestly_unfounded=data["manifestly_unfounded"], expected_version=data["expected_version"] or None,
        )


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    cases = forms.CharField(label=_("Case references (one per line or comma-separated)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}), max_length=30_000)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5_000)

    def references(self) -> list[str]:
        raw = self.cleaned_data.get("cases", "")
        return [r.strip() for r in raw.replace(",", "\n").splitlines() if r.strip()]


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[(Appeal.State.UPHELD, _("Uphold the decision")),
                                                             (Appeal.State.REVERSED, _("Reverse the decision"))])
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000)
    new_measure = forms.ChoiceField(label=_("Measure to take instead (reversing a no-action decision)"),
                                    required=False,
                                    choices=[("", "—")] + [c for c in Measure.choices
                                                          if c[0] not in ("no_action", "request_info")])
    legal_ground = forms.CharField(label=_("Legal ground of the new measure"), required=False, max_length=5_000)


class CounterNoticeForm(forms.Form):
    name = forms.CharField(label=_("Your full legal name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    id_number = forms.CharField(label=_("Identity document number (optional)"), max_length=40, required=False)
    statement = forms.CharField(label=_("Why the content does not infringe anyone's rights"),
                                widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, required=False)
    evidence = forms.CharField(label=_("Your evidence (describe it or paste links)"),
                               widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000, required=False)


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("Why should the decision change?"), widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=10_000)


class ProofForm(forms.Form):
    kind = forms.ChoiceField(label=_("What did you do?"), choices=[
        ("authority_complaint", _("I complained to the police or another authority")),
        ("lawsuit", _("I went to court")),
    ])
    note = forms.CharField(label=_("Authority or court, and the case or receipt number"), max_length=5_000,
                           widget=forms.Textarea(attrs={"rows": 2}))
