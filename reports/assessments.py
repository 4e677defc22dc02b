"""Computing, storing and acting on serious-circumstances assessments."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.actors import SYSTEM
from complaints.models import Complaint
from complaints.services import complaint_raise_priority
from reports import events, seriousness
from reports.models import Assessment

# Facts a moderator may establish beyond the notice (see ``assessment_set_staff_facts``).
STAFF_FACT_FLAGS = ("used_for_crime", "grave_consequence", "obtained_in_duty")
STAFF_FACT_NUMBERS = ("shares", "views")


def _facts(
    *, kinds_by_location: dict[str, set[str]], harms: set[str], minor: bool, staff: dict[str, Any]
) -> seriousness.Facts:
    """Facts from the locations and the moderator's findings.

    Each location (URL) that discloses a kind is one item of it; the same URL reported
    twice is the same information and counts once (Art. 11). A moderator's count for a
    kind (a leaked list of 3,000 rows) replaces the count from locations.
    """
    counts: dict[str, int] = {}
    for kinds in kinds_by_location.values():
        for kind in kinds:
            if kind in seriousness.TIER_OF_KIND:
                counts[kind] = counts.get(kind, 0) + 1
    for kind, number in (staff.get("counts") or {}).items():
        if kind in seriousness.TIER_OF_KIND:
            counts[kind] = int(number)
    return seriousness.Facts(
        counts=counts,
        harms=frozenset(harms),
        victim_is_minor=minor,
        used_for_crime=bool(staff.get("used_for_crime")),
        grave_consequence=bool(staff.get("grave_consequence")),
        obtained_in_duty=bool(staff.get("obtained_in_duty")),
        locations=len(kinds_by_location),
        shares=int(staff.get("shares") or 0),
        views=int(staff.get("views") or 0),
    )


def complaint_facts(complaint: Complaint, staff: dict[str, Any]) -> seriousness.Facts:
    kinds = set(complaint.disclosed_info)
    locations = {item.url.strip(): kinds for item in complaint.items.all()}
    return _facts(kinds_by_location=locations, harms=set(complaint.harms), minor=complaint.victim_is_minor, staff=staff)


def incident_facts(incident, staff: dict[str, Any]) -> seriousness.Facts:
    locations: dict[str, set[str]] = {}
    harms: set[str] = set()
    minor = False
    for complaint in incident.complaints.prefetch_related("items"):
        harms.update(complaint.harms)
        minor = minor or complaint.victim_is_minor
        for item in complaint.items.all():
            locations.setdefault(item.url.strip(), set()).update(complaint.disclosed_info)
    return _facts(kinds_by_location=locations, harms=harms, minor=minor, staff=staff)


def _store(
    subject_type: str, subject_id: int, result: seriousness.Result, *, actor: str, new: bool = False
) -> tuple[Assessment, bool]:
    """Upsert the assessment; True when the level changed. Call inside a transaction.

    A first assessment at level ``none`` is the starting state and writes no event; any
    other first level, and every later change of level, does.
    """
    now = timezone.now()
    row = None
    if not new:
        row = Assessment.objects.select_for_update().filter(subject_type=subject_type, subject_id=subject_id).first()
    changed = row.level != result.level if row is not None else result.level != seriousness.NONE
    if row is None:
        row = Assessment(subject_type=subject_type, subject_id=subject_id, staff_facts={})
    row.level = result.level
    row.percent = min(result.percent, 2_000_000_000)
    row.result = result.as_dict()
    row.computed_at = now
    row.save(force_insert=new)
    if changed:
        events.assessment_changed(actor=actor, subject=(subject_type, subject_id), result=result)
    return row, changed


def _staff_facts(subject_type: str, subject_id: int) -> dict[str, Any]:
    row = Assessment.objects.filter(subject_type=subject_type, subject_id=subject_id).only("staff_facts").first()
    return dict(row.staff_facts) if row else {}


def assess_complaint(complaint: Complaint, *, actor: str = SYSTEM, new: bool = False) -> Assessment:
    """(Re)assess a case and act on the result: raise priority, propose referrals.

    Runs inside the caller's transaction when there is one (the intake hooks), so the
    assessment and the notice are stored together. ``new``: the notice was stored in
    this transaction, so there is no earlier assessment or moderator finding to read.
    """
    from reports.referrals import propose_referral

    # No savepoint: a failure here must roll the caller's change back anyway, and at
    # intake a savepoint would cost two round trips per notice.
    with transaction.atomic(savepoint=False):
        staff = {} if new else _staff_facts("complaint", complaint.pk)
        result = seriousness.assess(complaint_facts(complaint, staff))
        row, changed = _store("complaint", complaint.pk, result, actor=actor, new=new)
        if result.raise_priority and complaint.priority != "P0":
            complaint_raise_priority(complaint=complaint, reason=f"serious_circumstances:{result.level}", actor=actor)
        for authority in result.referrals:
            propose_referral(
                subject=complaint,
                authority=authority,
                reason=_referral_reason(result, authority),
                actor=actor,
                automatic=True,
            )
    return row


def assess_new_complaints(complaints: list[Complaint], *, actor: str = SYSTEM) -> None:
    """``assess_complaint(c, new=True)`` for notices stored together (the batch endpoint).

    The usual first result (level ``none``: no event, no priority raised, no referral) is
    stored for all such notices in one insert; any other goes the single way.
    """
    now = timezone.now()
    plain = []
    for complaint in complaints:
        result = seriousness.assess(complaint_facts(complaint, {}))
        if result.level != seriousness.NONE or result.raise_priority or result.referrals:
            assess_complaint(complaint, actor=actor, new=True)
            continue
        plain.append(Assessment(subject_type="complaint", subject_id=complaint.pk, staff_facts={},
                                level=result.level, percent=min(result.percent, 2_000_000_000),
                                result=result.as_dict(), computed_at=now))
    if plain:
        Assessment.objects.bulk_create(plain)


def assess_incident(incident, *, actor: str = SYSTEM) -> Assessment:
    """(Re)assess an incident over all its cases; call when its membership changes."""
    from reports.referrals import propose_referral

    with transaction.atomic(savepoint=False):
        result = seriousness.assess(incident_facts(incident, _staff_facts("incident", incident.pk)))
        row, changed = _store("incident", incident.pk, result, actor=actor)
        for authority in result.referrals:
            propose_referral(
                subject=incident, authority=authority, reason=_referral_reason(result, authority), actor=actor, automatic=True
            )
    return row


def assessment_set_staff_facts(*, subject, facts: dict[str, Any], actor: str) -> Assessment:
    """Record what a moderator established (counts by kind, use for a crime, spread), then reassess."""
    subject_type = subject._meta.model_name
    clean: dict[str, Any] = {}
    counts = facts.get("counts") or {}
    clean["counts"] = {k: int(v) for k, v in counts.items() if k in seriousness.TIER_OF_KIND and int(v) >= 0}
    for name in STAFF_FACT_FLAGS:
        clean[name] = bool(facts.get(name))
    for name in STAFF_FACT_NUMBERS:
        clean[name] = max(int(facts.get(name) or 0), 0)
    with transaction.atomic():
        row, _created = Assessment.objects.select_for_update().get_or_create(
            subject_type=subject_type,
            subject_id=subject.pk,
            defaults={"level": Assessment.Level.NONE, "computed_at": timezone.now(), "staff_facts": {}},
        )
        row.staff_facts = clean
        row.save(update_fields=["staff_facts"])
        events.assessment_staff_facts(actor=actor, subject=(subject_type, subject.pk), facts=clean)
        if subject_type == "complaint":
            return assess_complaint(subject, actor=actor)
        return assess_incident(subject, actor=actor)


def _referral_reason(result: seriousness.Result, authority: str) -> str:
    level = {"none": "qualitative factors", "serious": "serious circumstances", "especially_serious": "especially serious circumstances"}[
        result.level
    ]
    why = {
        seriousness.PUBLIC_SECURITY: "possible crime of infringing citizens' personal information or threat to safety",
        seriousness.CAC: "wide spread online",
        seriousness.PROCURATORATE: "minor victim or mass scale: public-interest protection",
    }[authority]
    return f"Automatic proposal from the assessment ({level}, {result.percent} % of the quantity standard): {why}."


def assessment_for(subject_type: str, subject_id: int) -> Assessment | None:
    return Assessment.objects.filter(subject_type=subject_type, subject_id=subject_id).first()


def assessment_context(complaint: Complaint, language: str = "en") -> dict[str, Any]:
    """Context for ``templates/reports/_assessment.html`` on a case page."""
    return _context(assessment_for("complaint", complaint.pk), language)


def incident_assessment_context(incident, language: str = "en") -> dict[str, Any]:
    return _context(assessment_for("incident", incident.pk), language)


def _context(row: Assessment | None, language: str) -> dict[str, Any]:
    if row is None:
        return {"assessment": None}
    chinese = language.lower().startswith("zh")
    lines = [
        {"text": line["zh"] if chinese else line["en"], "article": line.get("article", "")}
        for line in row.result.get("lines", [])
    ]
    return {
        "assessment": {
            "level": row.level,
            "level_label": row.get_level_display(),
            "percent": row.percent,
            "lines": lines,
            "flags": row.result.get("flags", []),
            "proposed_referrals": row.result.get("referrals", []),
            "computed_at": row.computed_at,
            "staff_facts": row.staff_facts,
        }
    }
