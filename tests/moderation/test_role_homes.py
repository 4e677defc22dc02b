"""Each role lands on its own home, sees only the pages it may open, and a refused page
keeps the staff layout with a way back."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from takedown import roles
from tests.moderation.conftest import PASSWORD, code_for, make_staff


def login(user, next_url: str = "") -> tuple[Client, str]:
    client = Client()
    first = client.post("/staff/login/", {"username": user.username, "password": PASSWORD, "next": next_url})
    assert first.status_code == 302
    second = client.post(first["Location"], {"code": code_for(user), "next": next_url})
    assert second.status_code == 302
    return client, second["Location"]


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="staff".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize(("role", "home"), [
    (roles.MODERATOR, "/staff/queue/"),
    (roles.SENIOR_MODERATOR, "/staff/deadlines/"),
    (roles.INVESTIGATOR, "/staff/legal-requests/"),
    (roles.ADMIN, "/staff/queue/"),
])
def test_each_role_lands_on_its_own_home_after_login(db, role, home):
    user = make_staff(f"user-{role}", role)
    client, landed = login(user)
    assert landed == home
    assert client.get(landed).status_code == 200
    assert client.get("/staff/")["Location"] == home


def test_a_page_asked_for_before_login_wins_over_the_home(db, submit):
    user = make_staff("inv-next", roles.INVESTIGATOR)
    _, landed = login(user, next_url="/staff/holds/")
    assert landed == "/staff/holds/"


def test_the_investigator_sees_only_pages_an_investigator_may_open(db):
    user = make_staff("inv-nav", roles.INVESTIGATOR)
    client, landed = login(user)
    links = nav_links(client.get(landed).content.decode())
    assert links == ["/staff/legal-requests/", "/staff/holds/", "/staff/exports/"]
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_moderator_sees_review_pages_and_no_legal_requests_or_misuse(db):
    user = make_staff("mod-nav", roles.MODERATOR)
    client, landed = login(user)
    html = client.get(landed).content.decode()
    links = nav_links(html)
    assert links[:4] == ["/staff/queue/", "/staff/incidents/", "/staff/appeals/", "/staff/deadlines/"]
    assert "/staff/legal-requests/" not in links and "/staff/misuse/" not in links
    assert "/staff/misuse/" not in html  # nor linked from the queue
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_senior_also_sees_misuse_and_legal_requests(db):
    user = make_staff("senior-nav", roles.SENIOR_MODERATOR)
    client, landed = login(user)
    links = nav_links(client.get(landed).content.decode())
    assert {"/staff/misuse/", "/staff/legal-requests/", "/staff/holds/", "/staff/queue/"} <= set(links)
    assert "/staff/exports/" not in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_refused_staff_page_keeps_the_layout_and_leads_to_the_role_home(db):
    user = make_staff("inv-403", roles.INVESTIGATOR)
    client, _ = login(user)
    refused = client.get("/staff/queue/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert 'class="staff"' in html and "You may not open this page" in html
    assert re.search(r'<a id="forbidden-home" href="/staff/legal-requests/">Back to your start page</a>', html)
    assert nav_links(html)[0] == "/staff/legal-requests/"


def test_the_refused_page_speaks_chinese_too(db):
    user = make_staff("mod-403", roles.MODERATOR)
    client, _ = login(user)
    client.cookies["django_language"] = "zh-hans"
    refused = client.get("/staff/misuse/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "您无权打开此页面" in html and "返回您的起始页" in html


def test_the_queue_table_has_a_caption_and_scoped_headers(db, submit):
    complaint, _ = submit()
    user = make_staff("mod-a11y", roles.MODERATOR)
    client, _ = login(user)
    html = client.get("/staff/queue/").content.decode()
    table = re.search(r'<table class="data queue".*?</table>', html, re.S).group(0)
    assert "<caption>" in table
    head = re.search(r"<thead>.*?</thead>", table, re.S).group(0)
    assert head.count('<th scope="col">') == 8 and "<th>" not in head and "<td" not in head
    assert f'<th scope="row"><a href="/staff/cases/{complaint.reference}/"' in table
    assert 'class="priority priority-p0"' in table or 'class="priority priority-p1"' in table
