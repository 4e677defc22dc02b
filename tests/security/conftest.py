"""Fixtures for the security tests."""

from __future__ import annotations

import pytest

from complaints import services
from complaints.vocabulary import Channel

PERSON = {
    "name": "Qiao Xuemei",
    "email": "qiao.xuemei@example.org",
    "phone": "+86 139 8765 4321",
    "id_number": "11010519491231002X",
    "victim": "Qiao Xiaolan",
}


def file_complaint(**overrides) -> services.Submission:
    """A valid guardian complaint carrying every kind of personal data, through the service."""
    data = services.ComplaintInput(
        relationship="guardian",
        complainant_name=PERSON["name"],
        complainant_email=PERSON["email"],
        complainant_phone=PERSON["phone"],
        complainant_id_number=PERSON["id_number"],
        victim_name=PERSON["victim"],
        items=[("https://social.example/p/77", "her school")],
        disclosed_info=["workplace_school"],
        explanation="My daughter's school and photo were posted.",
        evidence_excerpt="She studies at ...",
        good_faith_declaration=True,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return services.complaint_submit(data=data, channel=Channel.WEB)


@pytest.fixture
def person() -> dict[str, str]:
    return dict(PERSON)
