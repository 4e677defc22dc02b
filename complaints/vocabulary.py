"""The closed vocabularies of a complaint, with plain-language labels and hints.

Keys are the API's enumeration values (SPEC section 4); labels are what the form shows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relationship(models.TextChoices):
    SELF = "self", _("I am the person whose information was posted")
    GUARDIAN = "guardian", _("I am the parent or guardian of a child whose information was posted")
    REPRESENTATIVE = "representative", _("I represent the person (lawyer, relative, organisation)")
    TRUSTED_FLAGGER = "trusted_flagger", _("I report as a trusted flagger organisation")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("API")
    BATCH = "batch", _("Partner batch")


class Source(models.TextChoices):
    """Who stands behind the notice, as established by authentication, not by claim."""

    PUBLIC = "public", _("Member of the public")
    ANONYMOUS = "anonymous", _("Anonymous")
    TRUSTED_FLAGGER = "trusted_flagger", _("Trusted flagger")
    AUTHORITY = "authority", _("Authority")


# (key, label, hint) — the hint tells a frightened person what counts.
DISCLOSED_KINDS: list[tuple[str, object, object]] = [
    ("id_number", _("ID number"), _("Resident ID card, passport or other identity document number")),
    ("phone", _("Phone number"), _("Mobile or landline number")),
    ("email", _("E-mail address"), _("Any e-mail address of yours")),
    ("home_address", _("Home address"), _("Where you live, or your building or room number")),
    ("workplace_school", _("Workplace or school"), _("Where you work or study")),
    ("whereabouts", _("Whereabouts"), _("Where you are or will be; your movements, location tracking")),
    ("face_image", _("Photos of your face"), _("Pictures or video that show your face")),
    ("family_members", _("Family members"), _("Names, photos or details of your relatives")),
    ("financial_account", _("Bank or payment account"), _("Card numbers, bank or payment accounts, property")),
    ("health", _("Health information"), _("Illness, medical records, medication")),
    ("biometric", _("Biometric data"), _("Fingerprints, voice, face data")),
    ("religion", _("Religion or beliefs"), _("Your religion or beliefs")),
    ("communication_content", _("Private messages"), _("Contents of your chats, calls or mails")),
    ("other", _("Something else"), _("Any other information about you")),
]
DISCLOSED_KIND_KEYS = frozenset(k for k, _label, _hint in DISCLOSED_KINDS)

HARMS: list[tuple[str, object]] = [
    ("threats", _("I have been threatened")),
    ("offline_harassment", _("People have come to my home, work or school")),
    ("contact_by_strangers", _("Strangers are calling or messaging me")),
    ("incitement", _("Others are being urged to attack me")),
    ("self_harm_risk", _("I am afraid I might hurt myself")),
]
HARM_KEYS = frozenset(k for k, _label in HARMS)

LANGUAGES = ("en", "zh-hans")

# What to tell a person about each missing element of their notice.
MISSING_LABELS: dict[str, object] = {
    "complainant_name": _("Your full name"),
    "complainant_contact": _("An e-mail address or phone number where we can reach you"),
    "victim": _("The name of the person you report for"),
    "items": _("At least one link (URL) to where the information was posted"),
    "disclosed_info": _("Which kinds of personal information were posted"),
    "explanation": _("An explanation of why the posting is unlawful or harmful"),
    "evidence": _("Evidence: a screenshot, a file, or the copied text of the post"),
    "good_faith_declaration": _("Your declaration that the report is accurate"),
}

PRIORITY_LABELS: dict[str, object] = {
    "P0": _("Urgent"),
    "P1": _("High"),
    "P2": _("Normal"),
}

# Why triage (or a later assessment) set a notice's priority: ``kind`` or ``kind:value``.
REASON_LABELS: dict[str, object] = {
    "threat_to_safety": _("Threat to safety"),
    "minor_victim": _("The person concerned is a minor"),
    "sensitive_info": _("Sensitive information"),
    "identifying_info": _("Identifying information"),
    "source": _("Notice from"),
    "serious_circumstances": _("Serious circumstances"),
    # why another case is listed as related to this one
    "same_url": _("same link"),
    "same_victim": _("same person concerned"),
    "same_evidence": _("same evidence file"),
    "same_value": _("same disclosed information"),
}
SERIOUSNESS_LABELS: dict[str, object] = {
    "none": _("not serious"),
    "serious": _("serious"),
    "especially_serious": _("especially serious"),
}


def disclosed_label(key: str) -> str:
    return str(_DISCLOSED_LABELS.get(key, key))


def harm_label(key: str) -> str:
    return str(_HARM_LABELS.get(key, key))


def reason_label(code: str) -> str:
    """A priority reason in words, e.g. ``identifying_info:home_address`` as
    "Identifying information: Home address"; an unknown code is shown as it is."""
    kind, _sep, value = code.partition(":")
    if kind not in REASON_LABELS:
        return code
    if not value:
        return str(REASON_LABELS[kind])
    if kind == "threat_to_safety":
        shown = harm_label(value)
    elif kind == "source":
        shown = str(Source(value).label) if value in Source.values else value
    elif kind == "serious_circumstances":
        shown = str(SERIOUSNESS_LABELS.get(value, value))
    else:
        shown = disclosed_label(value)
    return f"{REASON_LABELS[kind]}: {shown}"


_DISCLOSED_LABELS = {key: label for key, label, _hint in DISCLOSED_KINDS}
_HARM_LABELS = dict(HARMS)
