"""Which elements of a valid notice are missing (Civil Code Art. 1195; DSA Art. 16).

Pure: works on plain values so the web form, the API and the tracking page all
judge a notice the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

# Missing-element keys, in the order a person is asked to add them.
COMPLAINANT_NAME = "complainant_name"
COMPLAINANT_CONTACT = "complainant_contact"
VICTIM = "victim"
ITEMS = "items"
DISCLOSED_INFO = "disclosed_info"
EXPLANATION = "explanation"
EVIDENCE = "evidence"
GOOD_FAITH = "good_faith_declaration"

ALL_ELEMENTS = (
    COMPLAINANT_NAME,
    COMPLAINANT_CONTACT,
    VICTIM,
    ITEMS,
    DISCLOSED_INFO,
    EXPLANATION,
    EVIDENCE,
    GOOD_FAITH,
)


@dataclass(frozen=True)
class NoticeFacts:
    complainant_name: str
    complainant_email: str
    complainant_phone: str
    relationship: str
    victim_name: str
    item_count: int
    disclosed_info: tuple[str, ...]
    explanation: str
    evidence_excerpt: str
    evidence_file_count: int
    good_faith_declaration: bool

    @property
    def is_anonymous(self) -> bool:
        """No name and no way to reach the sender: the general, anonymous channel."""
        return not (
            self.complainant_name.strip()
            or self.complainant_email.strip()
            or self.complainant_phone.strip()
        )


def missing_elements(facts: NoticeFacts) -> list[str]:
    """The elements a valid notice still lacks; empty when the notice is valid.

    An anonymous report cannot supply an identity, so identity is not asked of it;
    it is triaged like any other notice but never starts a counter-notice process.
    """
    missing: list[str] = []
    if not facts.is_anonymous:
        if not facts.complainant_name.strip():
            missing.append(COMPLAINANT_NAME)
        if not (facts.complainant_email.strip() or facts.complainant_phone.strip()):
            missing.append(COMPLAINANT_CONTACT)
    if facts.relationship in {"guardian", "representative"} and not facts.victim_name.strip():
        missing.append(VICTIM)
    if facts.item_count < 1:
        missing.append(ITEMS)
    if not facts.disclosed_info:
        missing.append(DISCLOSED_INFO)
    if not facts.explanation.strip():
        missing.append(EXPLANATION)
    if facts.evidence_file_count < 1 and not facts.evidence_excerpt.strip():
        missing.append(EVIDENCE)
    if not facts.good_faith_declaration:
        missing.append(GOOD_FAITH)
    return missing
