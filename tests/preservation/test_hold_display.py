"""A held case shows its hold on the staff case page (through moderation's case panels),
and a legal request's page lists every hold on its cases, however it was placed."""

from __future__ import annotations

import re

import pytest

from preservation import holds

pytestmark = pytest.mark.django_db


def test_a_held_case_shows_a_banner_and_an_unheld_one_none(make_complaint, make_user, browser_session):
    held, free = make_complaint(), make_complaint()
    hold = holds.place_hold(complaints=[held], reason="Court order 9/2026: preserve everything.", actor="user:1")
    client = browser_session(make_user("mona", "moderator"))
    page = client.get(f"/staff/cases/{held.reference}/").content.decode()
    banner = re.search(r'<section id="legal-hold".*?</section>', page, re.S).group(0)
    assert "Under legal hold: nothing in this case may change" in banner
    assert f'data-hold="{hold.pk}"' in banner and "Court order 9/2026" in banner
    assert 'id="legal-hold"' not in client.get(f"/staff/cases/{free.reference}/").content.decode()
    holds.release_hold(hold, actor="user:1")
    assert 'id="legal-hold"' not in client.get(f"/staff/cases/{held.reference}/").content.decode()


def test_the_banner_speaks_chinese(make_complaint, make_user, browser_session):
    held = make_complaint()
    holds.place_hold(complaints=[held], reason="Court order", actor="user:1")
    client = browser_session(make_user("mona", "moderator"))
    page = client.get(f"/staff/cases/{held.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "处于证据保全中" in page


def test_the_request_page_lists_holds_placed_for_it_for_another_request_and_without_one(
        make_complaint, make_user, browser_session, legal_request_for):
    a, b, outside = make_complaint(), make_complaint(), make_complaint()
    ines = make_user("ines", "investigator")
    request = legal_request_for(ines, [a, b])
    other = legal_request_for(make_user("ivan", "investigator"), [b])
    mine = holds.place_hold(complaints=[a], reason="Preserve for CP", actor="user:1", legal_request=request)
    theirs = holds.place_hold(complaints=[b, outside], reason="Preserve for the other", actor="user:1",
                              legal_request=other)
    by_proof = holds.place_hold(complaints=[a], reason="Counter-notice 3: the complainant proved a lawsuit.",
                                actor="user:2")
    unrelated = holds.place_hold(complaints=[outside], reason="Elsewhere", actor="user:1")
    page = browser_session(ines).get(f"/staff/legal-requests/{request.pk}/").content.decode()
    table = re.search(r'<table class="data" id="request-holds".*?</table>', page, re.S).group(0)
    rows = dict(re.findall(r'<tr data-hold="(\d+)">(.*?)</tr>', table, re.S))
    assert set(rows) == {str(mine.pk), str(theirs.pk), str(by_proof.pk)}
    assert str(unrelated.pk) not in rows
    assert "For this request" in rows[str(mine.pk)]
    assert "For another legal request" in rows[str(theirs.pk)]
    # A case outside this request is not named, even when the hold covers it.
    assert b.reference in rows[str(theirs.pk)] and outside.reference not in rows[str(theirs.pk)]
    assert "Without a legal request" in rows[str(by_proof.pk)] and "proved a lawsuit" in rows[str(by_proof.pk)]
