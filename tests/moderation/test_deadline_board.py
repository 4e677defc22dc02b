"""The deadline board and the notification pages, as staff see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from audit.services import audit_record
from complaints.selectors import DECISION_EVENT, performance
from deadlines import services
from deadlines.models import StaffNotification
from deadlines.selectors import unread_notification_count
from deadlines.sweep import sweep
from takedown import roles
from tests.factories import make_user as make_staff
from tests.factories import submit_notice, verified_client


def _decide(complaint):
    """Stands in for a moderation decision now: the audit event its service writes."""
    with transaction.atomic():
        audit_record(actor="user:1", code=DECISION_EVENT, target=complaint, details={})


@pytest.mark.django_db
def test_board_is_for_verified_staff_only():
    anonymous = Client().get("/staff/deadlines/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/staff/login/")

    flagger = make_staff("flagger", roles.TRUSTED_FLAGGER)
    assert verified_client(flagger).get("/staff/deadlines/").status_code == 403

    unverified = Client()
    unverified.force_login(make_staff("nofactor", roles.MODERATOR))
    assert unverified.get("/staff/deadlines/").status_code == 302


@pytest.mark.django_db
def test_board_lists_open_notices_by_time_left_with_breaches_and_figures(
    moderator, senior, long_ago, django_assert_max_num_queries
):
    overdue = submit_notice(received=long_ago)
    soon = submit_notice(received=timezone.now() - timedelta(hours=70))  # 2 h left
    later = submit_notice(received=timezone.now())
    sweep()
    # Two notices decided now: one after 10 h (inside its 72 h), one after 100 h (late).
    quick = submit_notice(received=timezone.now() - timedelta(hours=10))
    slow = submit_notice(received=timezone.now() - timedelta(hours=100))
    _decide(quick)
    _decide(slow)

    client = verified_client(moderator)
    with django_assert_max_num_queries(16):
        page = client.get("/staff/deadlines/")
    html = page.content.decode()
    assert page.status_code == 200
    order = [html.index(c.reference) for c in (overdue, soon, later)]
    assert order == sorted(order), "soonest deadline first"
    assert "breach recorded" in html
    soon_row = html[html.index(soon.reference):].split("</tr>")[0]
    assert "1\xa0hour" in soon_row or "2\xa0hours" in soon_row, soon_row  # about 2 h left
    assert "Received" in soon_row
    assert "<svg" in html and "Open notices by time left" in html
    # Judged against the deadline: the two decided and the overdue one breached without a
    # decision; only the quick one was within it.
    assert "33.3 %" in html
    assert "55.0 h" in html  # median of 10 h and 100 h
    assert "91.0 h" in html  # 90th percentile, interpolated

    perf = performance()
    assert perf.handled == 2 and perf.within_deadline == 1 and perf.breaches >= 1


@pytest.mark.django_db
def test_notifications_page_shows_only_ones_own_and_marks_them_read(moderator):
    other = make_staff("mod2", roles.MODERATOR)
    with transaction.atomic():
        services.notify_staff(users=[moderator], kind="t", subject="For you", body="Look", link="/staff/cases/x/")
        services.notify_staff(users=[other], kind="t", subject="Not for you")
    client = verified_client(moderator)

    page = client.get("/staff/notifications/").content.decode()
    assert "For you" in page and "Not for you" not in page
    assert unread_notification_count(moderator) == 1

    mine = StaffNotification.objects.get(user=moderator)
    theirs = StaffNotification.objects.get(user=other)
    # Marking someone else's notification does nothing.
    client.post("/staff/notifications/read", {"id": theirs.pk})
    assert unread_notification_count(other) == 1
    done = client.post("/staff/notifications/read", {"id": mine.pk, "next": "https://evil.example/"})
    assert done.status_code == 302 and done["Location"] == "/staff/notifications/"
    assert unread_notification_count(moderator) == 0


@pytest.mark.django_db
def test_notification_badge_tag_shows_the_unread_count(moderator, rf):
    from django.template import Context, Template

    with transaction.atomic():
        services.notify_staff(users=[moderator], kind="t", subject="One")
        services.notify_staff(users=[moderator], kind="t", subject="Two")
    request = rf.get("/staff/queue/")
    request.user = moderator
    html = Template("{% load deadline_tags %}{% notification_badge %}").render(Context({"request": request}))
    assert 'href="/staff/notifications/"' in html and "2 notifications" in html and "has-unread" in html
