"""Personal data stays in the case: statements of reasons refuse it, forwarded text is redacted,
investigators see no related case outside their legal request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from hostplatform.models import DemoPlatformAction, WebhookDelivery
from moderation.models import Decision
from preservation.models import LegalRequest
from tests.factories import verified_client
from tests.moderation.conftest import client_for, decision_body

PERSON = {
    "name": "Qiao Xuemei",
    "email": "qiao.xuemei@example.org",
    "phone": "+86 139 8765 4321",
    "id_number": "11010519491231002X",
}


@pytest.fixture
def case(submit):
    complaint, _token = submit(
        name=PERSON["name"],
        email=PERSON["email"],
        complainant_phone=PERSON["phone"],
        complainant_id_number=PERSON["id_number"],
        explanation=(
            f"I am {PERSON['name']}; the post gives my number 139 8765 4321 and my ID {PERSON['id_number']}. "
            "It also says where I live."
        ),
    )
    return complaint


def _decide(post, user, complaint, **fields):
    post(user, f"/api/v1/cases/{complaint.reference}/claim")
    return post(user, f"/api/v1/cases/{complaint.reference}/decisions", decision_body(**fields))


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("facts", "Qiao Xuemei's address was posted.", "name"),
        ("facts", "The post shows qiao xuemei and her school.", "name"),
        ("explanation", "Her phone +86 139 8765 4321 was published.", "phone"),
        ("explanation", "Call 13987654321 was written under the photo.", "phone"),
        ("legal_ground", "PIPL Art. 28 (ID 11010519491231002X)", "id_number"),
        ("facts", "Write to qiao.xuemei@example.org, the post says.", "email"),
        ("explanation", "Another victim, 440304198801011237, is named too.", "id_number"),
        ("facts", "Contact: someone.else@example.com", "email"),
    ],
)
def test_a_statement_of_reasons_with_personal_data_is_refused_naming_the_field(
    moderator, case, post, field, text, kind
):
    response = _decide(post, moderator, case, **{field: text})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert list(error["fields"]) == [field]
    assert kind in error["fields"][field][0] and text not in str(error)
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(code="decision.made").exists()


def test_the_notice_forwarded_to_the_poster_is_redacted_and_says_so(moderator, case, post, client):
    response = _decide(post, moderator, case)
    assert response.status_code == 201, response.content
    delivery = WebhookDelivery.objects.get(event="poster.notice")
    notice = delivery.payload["notice"]
    stored = str(delivery.payload) + str(list(DemoPlatformAction.objects.values_list("payload", flat=True)))
    for value in (PERSON["name"], "139 8765 4321", PERSON["id_number"], PERSON["email"]):
        assert value not in stored
    assert notice["redactions"] >= 3 and "[…]" in notice["explanation"]
    assert "It also says where I live." in notice["explanation"]
    poster_link = delivery.payload["counter_notice_url"].split("/counter-notice/", 1)[1]
    page = client.get(f"/counter-notice/{poster_link}").content.decode()
    assert "were removed from this text" in page and PERSON["name"] not in page


def test_investigators_see_no_related_case_outside_their_request(investigator, senior, submit, moderator):
    covered, _ = submit(items=[("https://social.example/p/9", "")])
    outside, _ = submit(items=[("https://social.example/p/9", "")])  # the same location: related
    request = LegalRequest.objects.create(
        authority="Public Security Bureau", reference_number="PSB-9", legal_basis="Criminal Procedure Law Art. 54",
        requesting_officer="Officer Li", registered_by=senior, registered_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30),
    )
    request.complaints.add(covered)
    request.investigators.add(investigator)
    as_moderator = client_for(moderator).get(f"/api/v1/cases/{covered.reference}/").json()
    assert outside.reference in [r["reference"] for r in as_moderator["related"]]
    as_investigator = client_for(investigator).get(f"/api/v1/cases/{covered.reference}/").json()
    assert as_investigator["related"] == []
    page = verified_client(investigator).get(f"/staff/cases/{covered.reference}/").content.decode()
    assert outside.reference not in page and "Group these into an incident" not in page
