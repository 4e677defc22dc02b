"""The public transparency report: figures, JSON, CSV, the page; constant queries, no personal data."""

import csv
import io

from django.test import Client
from django.utils import timezone

from reports.transparency import figures, parse_period
from tests.reports.conftest import decide, submit


def _world(senior):
    first = submit(disclosed=["home_address", "phone"]).complaint
    second = submit(disclosed=["whereabouts"], harms=["threats"], name="Wang Fang").complaint
    submit(disclosed=["phone"])
    decide(first, senior, "remove")
    decide(second, senior, "restrict_interaction")
    return first, second


def test_figures_count_notices_measures_time_to_act_and_referrals(db, senior):
    _world(senior)
    report = figures(parse_period(None, None))
    assert report["notices"]["total"] == 3
    assert report["notices"]["by_source"] == {"public": 3}
    assert report["notices"]["by_kind"] == {"home_address": 1, "phone": 2, "whereabouts": 1}
    assert report["measures"]["by_measure"] == {"remove": 1, "restrict_interaction": 1}
    assert report["time_to_act"]["handled"] == 2
    assert report["time_to_act"]["share_within_deadline"] == 1.0
    assert report["time_to_act"]["median_hours"] is not None
    assert report["referrals"] == {"total": 1, "by_authority": {"public_security": 1}}
    assert report["breaches"] == 0 and report["appeals"]["reversals"] == 0


def test_figures_take_a_constant_number_of_queries(db, senior, django_assert_max_num_queries):
    _world(senior)
    with django_assert_max_num_queries(12) as few:
        figures(parse_period(None, None))
    for _ in range(5):
        submit(disclosed=["phone"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        figures(parse_period(None, None))


def test_json_api_has_no_personal_data(db, senior, api_client):
    _world(senior)
    today = timezone.localdate().isoformat()
    response = api_client.get(f"/api/v1/transparency/?from=2020-01-01&to={today}")
    assert response.status_code == 200
    text = response.content.decode()
    for personal in ("Chen Jing", "Wang Fang", "chen@example.com", "138", "social.example"):
        assert personal not in text
    assert response.json()["period"] == {"from": "2020-01-01", "to": today}


def test_csv_by_format_parameter_and_by_suffix(db, senior, api_client):
    _world(senior)
    for url in ("/api/v1/transparency/?format=csv", "/api/v1/transparency.csv"):
        response = api_client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == ["section", "key", "value"]
        assert ["notices", "total", "3"] in rows
        assert ["measures.by_measure", "remove", "1"] in rows


def test_bad_dates_are_refused_in_the_one_error_shape(db, api_client):
    # Not a date: 400. Dates that make no period (reversed, too long): 422.
    for query, status, code in (("from=yesterday", 400, "invalid"), ("to=2026-13-01", 400, "invalid"),
                                ("from=2026-05-01&to=2026-04-01", 422, "unprocessable"),
                                ("from=1990-01-01&to=2026-04-01", 422, "unprocessable")):
        response = api_client.get(f"/api/v1/transparency/?{query}")
        assert response.status_code == status
        error = response.json()["error"]
        assert error["code"] == code and "from" in error["fields"] or "to" in error["fields"]


def test_page_renders_svg_charts_and_a_period_form(db, senior):
    _world(senior)
    page = Client().get("/transparency/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") == 4 and 'name="from"' in html and 'name="to"' in html
    assert "Notices by source" in html and "Chen Jing" not in html
    bad = Client().get("/transparency/?from=nonsense")
    assert bad.status_code == 400 and "The period is not valid." in bad.content.decode()


def test_page_speaks_chinese_when_asked(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/transparency/")
    html = page.content.decode()
    assert "透明度报告" in html and "按来源统计的通知" in html


def _with_an_overdue_notice(senior):
    """Two notices decided in time, one open within its deadline, one breached and undecided."""
    from datetime import timedelta

    from complaints.response_timers import breach_record

    _world(senior)
    late = submit(disclosed=["phone"], now=timezone.now() - timedelta(days=6)).complaint
    assert late.response_due_at < timezone.now()
    assert breach_record(complaint=late, due_at=late.response_due_at) is not None


def test_within_the_deadline_counts_only_notices_decided_or_breached(db, senior):
    _with_an_overdue_notice(senior)
    report = figures(parse_period(None, None))
    assert report["time_to_act"]["handled"] == 2
    assert report["time_to_act"]["within_deadline"] == 2
    assert report["time_to_act"]["judged_against_deadline"] == 3  # the open notice is not judged yet
    assert report["time_to_act"]["share_within_deadline"] == round(2 / 3, 4)
    assert report["breaches"] == 1


def test_the_page_says_what_the_share_counts_and_lists_each_line_once(db, senior):
    import re

    _with_an_overdue_notice(senior)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/transparency/").content.decode()
    assert "66.7 %" in html
    assert "Of 3 notices decided or breached in the period" in html
    labels = re.findall(r"<dt>([^<]+)</dt>", html) + re.findall(r"<text[^>]*>([^<]+)</text>", html)
    labels = [label.strip() for label in labels if not label.strip().isdigit()]
    assert len(labels) == len(set(labels)), labels
    for name in ("Deadline breaches", "Referrals to authorities", "reversed on appeal"):
        assert html.lower().count(name.lower()) == 1, name


def test_each_platform_of_the_group_has_its_own_figures(db, senior, api_client):
    from hostplatform.platforms import platform_create

    forum = platform_create(slug="forum", name="Forum", domains=["forum.example"]).platform
    on_both = submit(disclosed=["phone"], urls=("https://social.example/p/1", "https://forum.example/t/1")).complaint
    on_host = submit(disclosed=["home_address"]).complaint
    on_forum = submit(disclosed=["whereabouts"], urls=("https://forum.example/t/2",)).complaint
    decide(on_host, senior, "remove")
    decide(on_forum, senior, "restrict_interaction")
    decide(on_both, senior, "remove")
    today = timezone.localdate().isoformat()

    def report(slug=""):
        response = api_client.get(f"/api/v1/transparency/?from=2020-01-01&to={today}&platform={slug}")
        assert response.status_code == 200, response.content
        return response.json()

    group, host, of_forum = report(), report("host"), report("forum")
    assert (group["platform"], host["platform"], of_forum["platform"]) == (None, "host", "forum")
    assert group["notices"]["total"] == 3
    assert host["notices"]["total"] == 2 and of_forum["notices"]["total"] == 2
    assert of_forum["notices"]["by_kind"] == {"phone": 1, "whereabouts": 1}
    assert host["measures"]["by_measure"] == {"remove": 2}
    assert of_forum["measures"]["by_measure"] == {"remove": 1, "restrict_interaction": 1}
    assert of_forum["time_to_act"]["handled"] == 2 and group["time_to_act"]["handled"] == 3
    assert forum.slug in api_client.get("/api/v1/transparency.csv?platform=forum").headers["Content-Disposition"]

    unknown = api_client.get("/api/v1/transparency/?platform=nowhere")
    assert unknown.status_code == 422 and "platform" in unknown.json()["error"]["fields"]

    page = Client().get("/transparency/?platform=forum").content.decode()
    assert '<option value="forum" selected>Forum</option>' in page and "Figures of Forum" in page
    assert "platform=forum" in page  # the JSON and CSV links keep the platform
