"""Priority of a notice (SPEC section 3, "Triage and deadlines"). Pure.

P0: sensitive personal information (PIPL Art. 28), the high-risk classes of the 2017
SPC/SPP interpretation (Art. 5: whereabouts, communication content, credit, property),
any victim who is a minor (PIPL Art. 28, 31), any threat to life or safety.
P1: trusted-flagger and authority notices, and home address, ID number, phone,
workplace or school. P2: everything else. The response is due that many hours after
the notice became valid (``response_due_at``), by the policy version stored with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

P0, P1, P2 = "P0", "P1", "P2"

SENSITIVE_KINDS = frozenset(
    {
        "face_image",
        "biometric",
        "religion",
        "health",
        "financial_account",
        "whereabouts",
        "communication_content",
    }
)
SAFETY_HARMS = frozenset({"threats", "offline_harassment", "self_harm_risk"})
IDENTIFYING_KINDS = frozenset({"home_address", "id_number", "phone", "workplace_school"})
PRIORITY_SOURCES = frozenset({"trusted_flagger", "authority"})


@dataclass(frozen=True)
class Triage:
    priority: str
    reasons: tuple[str, ...]
    threat_to_life: bool


def triage(
    *,
    disclosed_info: Iterable[str],
    harms: Iterable[str],
    victim_is_minor: bool,
    source: str,
) -> Triage:
    """Priority and the reasons for it, as stable codes (``kind:value``)."""
    kinds = sorted(set(disclosed_info))
    harm_set = sorted(set(harms))
    reasons: list[str] = []
    threat = [h for h in harm_set if h in SAFETY_HARMS]
    reasons += [f"threat_to_safety:{h}" for h in threat]
    if victim_is_minor:
        reasons.append("minor_victim")
    reasons += [f"sensitive_info:{k}" for k in kinds if k in SENSITIVE_KINDS]
    if reasons:
        return Triage(P0, tuple(reasons), bool(threat))
    if source in PRIORITY_SOURCES:
        reasons.append(f"source:{source}")
    reasons += [f"identifying_info:{k}" for k in kinds if k in IDENTIFYING_KINDS]
    if reasons:
        return Triage(P1, tuple(reasons), False)
    return Triage(P2, ("default",), False)


def response_due_at(valid_at: datetime, priority: str, hours_by_priority: Mapping[str, int]) -> datetime:
    """When a response is due: the clock starts when the notice became valid."""
    return valid_at + timedelta(hours=hours_by_priority[priority])
