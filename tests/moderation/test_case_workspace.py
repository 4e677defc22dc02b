"""The case page's workspace aids: evidence blurred and grey until the moderator asks
(remembered on the server), shortcuts listed, the decision locked until claimed, and the
next case one link away."""

from __future__ import annotations

import re

from audit.models import AuditEvent
from complaints.services import UploadedEvidence, complaint_add_evidence
from moderation.models import StaffPreference
from tests.conftest import make_png
from tests.moderation.conftest import logged_in


def evidence_section(html: str) -> str:
    return re.search(r'<section id="evidence".*?</section>', html, re.S).group(0)


def test_revealed_evidence_is_protected_until_the_moderator_asks_and_the_choice_is_kept(submit, moderator):
    complaint, _ = submit()
    complaint_add_evidence(complaint=complaint, files=[UploadedEvidence("shot.png", make_png())])
    client = logged_in(moderator)
    url = f"/staff/cases/{complaint.reference}/"
    first = evidence_section(client.get(url).content.decode())
    assert 'class="evidence-protected"' in first and 'class="evidence-content"' in first
    assert ">See evidence clearly</button>" in first and 'name="clear" value="1"' in first

    # Without JavaScript: the form posts and comes back to the evidence.
    response = client.post("/staff/preferences/evidence-view/", {"clear": "1", "next": url + "#evidence"})
    assert response.status_code == 302 and response["Location"] == url + "#evidence"
    assert StaffPreference.objects.get(user=moderator).evidence_clear is True
    clear = evidence_section(client.get(url).content.decode())
    assert 'class="evidence-clear"' in clear and ">Blur and grey evidence again</button>" in clear
    assert AuditEvent.objects.filter(code="staff.evidence_view_set", details__clear=True).count() == 1

    # The page's script asks for JSON and toggles in place.
    back = client.post("/staff/preferences/evidence-view/", {"clear": "0"}, HTTP_ACCEPT="application/json")
    assert back.json() == {"clear": False}
    assert 'class="evidence-protected"' in evidence_section(client.get(url).content.decode())


def test_the_preference_is_each_moderators_own(submit, moderator, moderator_b):
    complaint, _ = submit()
    a, b = logged_in(moderator), logged_in(moderator_b)
    a.post("/staff/preferences/evidence-view/", {"clear": "1"})
    url = f"/staff/cases/{complaint.reference}/"
    assert 'class="evidence-clear"' in evidence_section(a.get(url).content.decode())
    assert 'class="evidence-protected"' in evidence_section(b.get(url).content.decode())


def test_a_foreign_next_address_is_not_followed(submit, moderator):
    client = logged_in(moderator)
    response = client.post("/staff/preferences/evidence-view/", {"clear": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/staff/queue/"


def test_the_decision_is_locked_until_the_viewer_claims_the_case(submit, moderator, moderator_b):
    complaint, _ = submit()
    url = f"/staff/cases/{complaint.reference}/"
    a, b = logged_in(moderator), logged_in(moderator_b)
    locked = a.get(url).content.decode()
    assert re.search(r'<fieldset id="decide-fields" disabled', locked) and 'id="decide-locked"' in locked
    a.post(url + "claim/")
    mine = a.get(url).content.decode()
    assert re.search(r'<fieldset id="decide-fields" >', mine) and 'id="decide-locked"' not in mine
    theirs = b.get(url).content.decode()
    assert re.search(r'<fieldset id="decide-fields" disabled', theirs)
    # The server refuses too, whatever the page shows.
    refused = b.post(url + "decide/", {"measure": "no_action", "ground_type": "terms", "explanation": "x",
                                       "expected_version": ""})
    assert refused.status_code in (400, 409)
    assert "Claim the case before deciding it." in refused.content.decode() or "is reviewing" in refused.content.decode()


def test_the_shortcuts_are_listed_on_the_queue_and_the_case_page(submit, moderator):
    complaint, _ = submit()
    client = logged_in(moderator)
    queue = client.get("/staff/queue/").content.decode()
    case = client.get(f"/staff/cases/{complaint.reference}/").content.decode()
    for html, keys in ((queue, ["j", "k", "c", "n"]), (case, ["n", "c", "r", "d", "m"])):
        box = re.search(r'<aside id="shortcuts".*?</aside>', html, re.S).group(0)
        assert "Keyboard shortcuts" in box
        assert all(f"<kbd>{k}</kbd>" in box for k in keys)
        assert 'src="/static/moderation/workspace.js"' in html


def test_next_case_skips_the_current_one_and_cases_others_review(submit, moderator, moderator_b):
    first, _ = submit(disclosed_info=["home_address"], harms=["threats"])
    second, _ = submit(disclosed_info=["home_address"])
    third, _ = submit(disclosed_info=["other"])
    b = logged_in(moderator_b)
    b.post(f"/staff/cases/{second.reference}/claim/")
    a = logged_in(moderator)
    assert a.get("/staff/queue/next/")["Location"] == f"/staff/cases/{first.reference}/"
    assert a.get(f"/staff/queue/next/?after={first.reference}")["Location"] == f"/staff/cases/{third.reference}/"
    a.post(f"/staff/cases/{first.reference}/claim/")
    a.post(f"/staff/cases/{third.reference}/claim/")
    b.post(f"/staff/cases/{first.reference}/release/")
    assert a.get(f"/staff/queue/next/?after={third.reference}")["Location"] == f"/staff/cases/{first.reference}/"
