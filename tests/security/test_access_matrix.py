"""Every endpoint and page against every kind of caller: expected allow or deny.

The routes are enumerated from the URL resolver, so a new route without a row in
ROUTES fails ``test_every_route_has_a_row``. Each row names who may pass; the test
calls the route as each caller and classifies the answer:

* deny: 401, 403, a redirect to the staff login, or 404 when the object exists (the
  caller is not told it is there: nothing is reachable by guessing);
* allow: anything else below 500 (a 400 means the gate let the caller in and the input
  was then judged).

Callers: anonymous; ``own`` (the complainant of case A with A's tracking token);
``other`` (the complainant of case B, trying B's token on A's objects); ``poster``
(the counter-notice link of A's poster); moderator; senior; admin; an investigator
with a live legal request covering A (``inv``) and one without (``inv_out``); and the
host platform's API token (``platform``). Staff use a session verified by both login
steps.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import make_png

pytestmark = pytest.mark.django_db

ALL = frozenset({"anon", "own", "other", "poster", "mod", "senior", "admin", "inv", "inv_out", "platform"})
REV = frozenset({"mod", "senior", "admin"})
SEN = frozenset({"senior", "admin"})
STAFF = REV | {"inv", "inv_out"}
CASE_A = REV | {"inv"}  # reviewers, and the investigator whose request covers case A
NOBODY = frozenset()
MISSING = 987654


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # placeholders: {ref} {token} {evidence} {counter} {request} {incident} {missing}
    allowed: frozenset
    exists: bool = False  # the addressed object exists: a 404 then means "denied"
    check: bool = True  # False: only "no server error" (login steps, logout, language switch)


def get(path, allowed, **kw):
    return Probe("GET", path, frozenset(allowed), **kw)


def post(path, allowed, **kw):
    return Probe("POST", path, frozenset(allowed), **kw)


# route (as the resolver spells it) -> probes
ROUTES: dict[str, list[Probe]] = {
    # Public pages
    "": [get("/", ALL)],
    "report/": [get("/report/", ALL)],
    "report/receipt/": [get("/report/receipt/", ALL)],
    "transparency/": [get("/transparency/", ALL)],
    "healthz": [get("/healthz", ALL)],
    "i18n/setlang/": [post("/i18n/setlang/", ALL, check=False)],
    "api/schema/": [get("/api/schema/", ALL)],
    "api/docs/": [get("/api/docs/", ALL)],
    # The complainant's private pages: only the token opens them.
    "track/<str:token>/": [get("/track/{token}/", {"own", "other"}, exists=True)],
    "track/<str:token>/evidence-pack.pdf": [get("/track/{token}/evidence-pack.pdf", {"own", "other"}, exists=True)],
    "track/<str:token>/appeal/": [post("/track/{token}/appeal/", {"own", "other"}, exists=True)],
    "track/<str:token>/counter-notice/<int:pk>/proof/": [
        post("/track/{token}/counter-notice/{counter}/proof/", {"own"}, exists=True)
    ],
    "counter-notice/<str:token>/": [get("/counter-notice/{token}/", {"poster"}, exists=True)],
    # Staff login steps are open to everyone by nature.
    "staff/login/": [get("/staff/login/", ALL)],
    "staff/login/verify/": [get("/staff/login/verify/", ALL, check=False)],
    "staff/logout/": [post("/staff/logout/", ALL, check=False)],
    "staff/": [get("/staff/", STAFF)],
    # Moderation
    "staff/queue/": [get("/staff/queue/", REV)],
    "staff/cases/<str:reference>/": [get("/staff/cases/{ref}/", CASE_A, exists=True)],
    "staff/cases/<str:reference>/claim/": [post("/staff/cases/{ref}/claim/", REV, exists=True)],
    "staff/cases/<str:reference>/release/": [post("/staff/cases/{ref}/release/", REV, exists=True)],
    "staff/cases/<str:reference>/decide/": [post("/staff/cases/{ref}/decide/", REV, exists=True)],
    "staff/cases/<str:reference>/reply/": [post("/staff/cases/{ref}/reply/", REV, exists=True)],
    "staff/queue/next/": [get("/staff/queue/next/", REV)],
    # One's own way of seeing evidence: no case data, any staff member.
    "staff/preferences/evidence-view/": [post("/staff/preferences/evidence-view/", STAFF)],
    "staff/cases/<str:reference>/evidence/<int:pk>/": [
        get("/staff/cases/{ref}/evidence/{evidence}/", CASE_A, exists=True)
    ],
    "staff/cases/<str:reference>/appeals/<int:pk>/decide/": [
        post("/staff/cases/{ref}/appeals/{missing}/decide/", REV)
    ],
    "staff/cases/<str:reference>/counter-notices/<int:pk>/proof/": [
        post("/staff/cases/{ref}/counter-notices/{counter}/proof/", REV, exists=True)
    ],
    "staff/cases/<str:reference>/counter-notices/<int:pk>/forward/": [
        post("/staff/cases/{ref}/counter-notices/{counter}/forward/", REV, exists=True)
    ],
    "staff/incidents/": [get("/staff/incidents/", REV)],
    # An incident holding case A (covered by inv's request) and case B (not): still reviewers only.
    "staff/incidents/<int:pk>/": [get("/staff/incidents/{incident}/", REV, exists=True)],
    "staff/appeals/": [get("/staff/appeals/", REV)],
    "staff/misuse/": [get("/staff/misuse/", SEN)],
    "staff/deliveries/": [get("/staff/deliveries/", REV)],
    # Deadlines: the board lists every open case, so it is for reviewers only.
    "staff/deadlines/": [get("/staff/deadlines/", REV)],
    "staff/notifications/": [get("/staff/notifications/", STAFF)],
    "staff/notifications/read": [post("/staff/notifications/read", STAFF)],
    # Audit: legal requests, holds, exports
    "staff/legal-requests/": [get("/staff/legal-requests/", SEN | {"inv", "inv_out"})],
    "staff/legal-requests/<int:pk>/": [get("/staff/legal-requests/{request}/", SEN | {"inv"}, exists=True)],
    "staff/legal-requests/<int:pk>/cases/<str:reference>/": [
        get("/staff/legal-requests/{request}/cases/{ref}/", SEN | {"inv"}, exists=True)
    ],
    "staff/holds/": [get("/staff/holds/", SEN | {"inv", "inv_out"})],
    "staff/holds/<int:pk>/release/": [post("/staff/holds/{missing}/release/", SEN)],
    "staff/exports/": [get("/staff/exports/", {"admin", "inv", "inv_out"})],
    "staff/exports/<int:pk>/download": [get("/staff/exports/{missing}/download", {"inv", "inv_out"})],
    # Prevention
    "staff/alerts/": [get("/staff/alerts/", REV)],
    "staff/alerts/<int:pk>/": [get("/staff/alerts/{missing}/", REV)],
    "staff/alerts/<int:pk>/chart.svg": [get("/staff/alerts/{missing}/chart.svg", REV)],
    "staff/interventions/": [get("/staff/interventions/", REV)],
    "staff/interventions/<int:pk>/lift": [post("/staff/interventions/{missing}/lift", SEN)],
    # Reports
    "staff/referrals/": [get("/staff/referrals/", REV)],
    "staff/referrals/<int:referral_id>/": [get("/staff/referrals/{missing}/", REV)],
    # The demo host platform: its webhook checks the signature, its log is for reviewers.
    "demo-platform/webhook": [post("/demo-platform/webhook", NOBODY)],
    "demo-platform/<slug:slug>/webhook": [post("/demo-platform/host/webhook", NOBODY, exists=True)],
    "demo-platform/": [get("/demo-platform/", REV)],
    # API: intake and tracking
    "api/v1/complaints/": [post("/api/v1/complaints/", ALL)],
    # Batch filing is for trusted flaggers and authorities (tested in tests/complaints).
    "api/v1/complaints/batch/": [post("/api/v1/complaints/batch/", NOBODY)],
    "api/v1/track/<str:token>/": [get("/api/v1/track/{token}/", {"own", "other"}, exists=True)],
    "api/v1/track/<str:token>/evidence": [post("/api/v1/track/{token}/evidence", {"own", "other"}, exists=True)],
    "api/v1/track/<str:token>/messages": [post("/api/v1/track/{token}/messages", {"own", "other"}, exists=True)],
    r"api/v1/^track/(?P<token>[A-Za-z0-9_-]{20,100})/protection/?$": [
        post("/api/v1/track/{token}/protection", {"own", "other"}, exists=True)
    ],
    r"api/v1/^track/(?P<token>[A-Za-z0-9_-]{20,100})/protection/end/?$": [
        post("/api/v1/track/{token}/protection/end", {"own", "other"}, exists=True)
    ],
    # API: moderation
    "api/v1/queue/": [get("/api/v1/queue/", REV)],
    "api/v1/cases/<str:reference>/": [get("/api/v1/cases/{ref}/", CASE_A, exists=True)],
    r"api/v1/^cases/(?P<reference>TD-\d{4}-\d{6,})/claim/?$": [post("/api/v1/cases/{ref}/claim", REV, exists=True)],
    r"api/v1/^cases/(?P<reference>TD-\d{4}-\d{6,})/release/?$": [
        post("/api/v1/cases/{ref}/release", REV, exists=True)
    ],
    r"api/v1/^cases/(?P<reference>TD-\d{4}-\d{6,})/decisions/?$": [
        post("/api/v1/cases/{ref}/decisions", REV, exists=True)
    ],
    "api/v1/counter-notices/": [post("/api/v1/counter-notices/", ALL)],
    r"api/v1/^counter-notices/(?P<pk>\d+)/proof/?$": [
        post("/api/v1/counter-notices/{counter}/proof", REV, exists=True)
    ],
    "api/v1/appeals/": [post("/api/v1/appeals/", ALL), get("/api/v1/appeals/", REV)],
    r"api/v1/^appeals/(?P<pk>\d+)/decision/?$": [post("/api/v1/appeals/{missing}/decision", REV)],
    "api/v1/incidents/": [get("/api/v1/incidents/", REV)],
    "api/v1/incidents/<int:pk>/": [get("/api/v1/incidents/{missing}/", REV)],
    r"api/v1/^incidents/(?P<pk>\d+)/cases/?$": [post("/api/v1/incidents/{missing}/cases", REV)],
    r"api/v1/^incidents/(?P<pk>\d+)/decisions/?$": [post("/api/v1/incidents/{missing}/decisions", SEN)],
    "api/v1/misuse/": [get("/api/v1/misuse/", SEN)],
    r"api/v1/^misuse/warn/?$": [post("/api/v1/misuse/warn", SEN)],
    r"api/v1/^misuse/suspend/?$": [post("/api/v1/misuse/suspend", SEN)],
    # API: audit
    "api/v1/audit/checkpoint": [get("/api/v1/audit/checkpoint", ALL)],
    "api/v1/audit/proof/inclusion": [get("/api/v1/audit/proof/inclusion?index=0&tree_size=1", STAFF)],
    "api/v1/audit/proof/consistency": [get("/api/v1/audit/proof/consistency?first=1&second=1", STAFF)],
    "api/v1/legal-requests/": [get("/api/v1/legal-requests/", SEN | {"inv", "inv_out"})],
    "api/v1/legal-requests/<int:pk>/": [get("/api/v1/legal-requests/{request}/", SEN | {"inv"}, exists=True)],
    # Probed on a missing request: revoking the real one would change what later probes see.
    "api/v1/legal-requests/<int:pk>/revoke/": [post("/api/v1/legal-requests/{missing}/revoke/", SEN)],
    "api/v1/legal-requests/<int:pk>/cases/<str:reference>/": [
        get("/api/v1/legal-requests/{request}/cases/{ref}/", SEN | {"inv"}, exists=True)
    ],
    "api/v1/holds/": [get("/api/v1/holds/", SEN), post("/api/v1/holds/", SEN | {"inv", "inv_out"})],
    "api/v1/holds/<int:pk>/release/": [post("/api/v1/holds/{missing}/release/", SEN)],
    "api/v1/exports/": [post("/api/v1/exports/", {"admin", "inv", "inv_out"})],
    "api/v1/exports/<int:pk>": [get("/api/v1/exports/{missing}", {"admin", "inv", "inv_out"})],
    "api/v1/exports/<int:pk>/download": [get("/api/v1/exports/{missing}/download", {"inv", "inv_out"})],
    # API: prevention (the host platform's calls need its token)
    "api/v1/screen/": [post("/api/v1/screen/", {"platform"})],
    "api/v1/signals/": [post("/api/v1/signals/", {"platform"})],
    "api/v1/item-actions/<int:pk>/report/": [post("/api/v1/item-actions/{missing}/report/", {"platform"})],
    r"api/v1/^platforms/(?P<slug>[-a-zA-Z0-9_]+)/actions/(?P<pk>\d+)/?$": [
        post("/api/v1/platforms/host/actions/{missing}", {"platform"})],
    "api/v1/alerts/": [get("/api/v1/alerts/", REV)],
    "api/v1/interventions/": [get("/api/v1/interventions/", REV), post("/api/v1/interventions/", SEN)],
    r"api/v1/^interventions/(?P<pk>\d+)/lift/?$": [post("/api/v1/interventions/{missing}/lift", SEN)],
    # API: reports
    "api/v1/cases/<str:reference>/referrals": [get("/api/v1/cases/{ref}/referrals", REV, exists=True)],
    "api/v1/cases/<str:reference>/assessment": [get("/api/v1/cases/{ref}/assessment", REV, exists=True)],
    "api/v1/referrals/<int:referral_id>": [get("/api/v1/referrals/{missing}", REV)],
    "api/v1/referrals/<int:referral_id>/status": [post("/api/v1/referrals/{missing}/status", REV)],
    "api/v1/transparency/": [get("/api/v1/transparency/", ALL)],
    "api/v1/transparency.csv": [get("/api/v1/transparency.csv", ALL)],
    "api/v1/statements-of-reasons/": [get("/api/v1/statements-of-reasons/", REV | {"platform"})],
    # API: the group's platforms (admins only; a platform's own token manages nothing)
    "api/v1/platforms/": [get("/api/v1/platforms/", {"admin"}), post("/api/v1/platforms/", {"admin"})],
    "api/v1/platforms/<int:pk>/": [get("/api/v1/platforms/{platform}/", {"admin"}, exists=True),
                                   Probe("PATCH", "/api/v1/platforms/{platform}/", frozenset({"admin"}), exists=True)],
}

# Routes whose own access rules are tested where they live.
NOT_IN_MATRIX = ("admin/",)

# Where the code grants more (or less) than the policy above. Each is reported to the
# owning app; the test fails when one is fixed (remove it here) or a new one appears.
# Where the code grants more than the policy above (none at present): each entry must
# name a real gap, and the test fails once it is fixed so the entry is removed.
KNOWN_GAPS: set[str] = set()


def resolver_routes() -> list[str]:
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return sorted({r for r in walk(get_resolver().url_patterns) if not r.startswith(NOT_IN_MATRIX)})


def test_every_route_has_a_row():
    routes = set(resolver_routes())
    assert sorted(routes - set(ROUTES)) == [], "new routes need a row in the access matrix"
    assert sorted(set(ROUTES) - routes) == [], "rows for routes that no longer exist"


# --- The world ----------------------------------------------------------------------------------


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    from complaints import services as intake
    from complaints.vocabulary import Channel
    from hostplatform.models import DemoPlatformAction, Platform
    from moderation.models import CounterNotice
    from preservation.legal import register_legal_request
    from takedown import roles
    from tests.moderation.conftest import client_for, decision_body, logged_in, make_staff

    def file(name: str):
        data = intake.ComplaintInput(
            complainant_name=name, complainant_email=f"{name.split()[0].lower()}@example.org",
            items=[("https://social.example/p/" + name.split()[0], "")], disclosed_info=["home_address"],
            explanation="My address was posted.", evidence_excerpt="12 Example Road", good_faith_declaration=True,
        )
        with django_capture_on_commit_callbacks(execute=True):
            return intake.complaint_submit(
                data=data, files=[intake.UploadedEvidence("shot.png", make_png())], channel=Channel.WEB
            )

    a, b = file("Alice Case"), file("Bob Case")
    staff = {name: make_staff(f"matrix-{name}", role) for name, role in (
        ("mod", roles.MODERATOR), ("senior", roles.SENIOR_MODERATOR), ("admin", roles.ADMIN),
        ("inv", roles.INVESTIGATOR), ("inv_out", roles.INVESTIGATOR))}
    # Case A is decided, the poster is told and objects: every kind of object exists.
    api = client_for(staff["mod"])
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/cases/{a.complaint.reference}/claim", {}, format="json").status_code == 200
        decided = api.post(f"/api/v1/cases/{a.complaint.reference}/decisions", decision_body(), format="json")
        assert decided.status_code == 201, decided.content
    link = DemoPlatformAction.objects.filter(event="poster.notice").latest("pk").payload["counter_notice_url"]
    poster_token = link.rstrip("/").rsplit("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        counter = Client().post("/api/v1/counter-notices/", {
            "token": poster_token, "name": "Liu Yang", "email": "liu@example.net",
            "statement": "The address is a shop.", "evidence": "Business licence 123"},
            content_type="application/json")
        assert counter.status_code == 201, counter.content
    legal = register_legal_request(
        actor_user=staff["admin"], authority="Public Security Bureau", reference_number="PSB-2026-7",
        legal_basis="Criminal Procedure Law Art. 54", scope_references=[a.complaint.reference], scope_victim="",
        requesting_officer="Officer Wang", expires_at=timezone.now() + timedelta(days=30),
        investigators=[staff["inv"]],
    )
    from moderation.services import incident_create
    incident = incident_create(user=staff["mod"], title="One leak", kind="same_leak",
                               complaints=[a.complaint, b.complaint])
    platform = User.objects.create_user("matrix-platform")
    platform.groups.add(Group.objects.get_or_create(name=roles.PLATFORM)[0])
    clients = {name: logged_in(user) for name, user in staff.items()}
    clients.update(anon=Client(), own=Client(), other=Client(), poster=Client(),
                   platform=Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=platform).key}"))
    guess = secrets.token_urlsafe(32)
    tokens = {name: guess for name in clients}
    tokens.update(own=a.token, other=b.token, poster=poster_token)
    values = {
        "ref": a.complaint.reference,
        "evidence": a.complaint.evidence.get().pk,
        "counter": CounterNotice.objects.get().pk,
        "request": legal.pk,
        "incident": incident.pk,
        "missing": MISSING,
        "other_ref": b.complaint.reference,
        "platform": Platform.objects.get(is_default=True).pk,
    }
    return clients, tokens, values


def classify(response, probe: Probe) -> str:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status in (401, 403):
        return "deny"
    if status in (301, 302, 303, 307) and "/staff/login/" in response.get("Location", ""):
        return "deny"
    if status == 404 and (probe.exists or probe.path.startswith(("/track/", "/api/v1/track/", "/counter-notice/"))):
        return "deny"
    if status == 405:
        return "method not allowed (fix the row)"
    return "allow"


def test_every_caller_gets_exactly_the_access_the_matrix_gives(world):
    clients, tokens, values = world
    wrong = []
    # Logging out ends the session the other probes use: do it last.
    for route in sorted(resolver_routes(), key=lambda r: r == "staff/logout/"):
        for probe in ROUTES.get(route, []):
            for role, client in clients.items():
                path = probe.path.format(token=tokens[role], **values)
                if probe.method in ("POST", "PATCH"):
                    call = client.post if probe.method == "POST" else client.patch
                    response = call(path, {}, content_type="application/json")
                else:
                    response = client.get(path)
                outcome = classify(response, probe)
                if not probe.check:
                    if outcome.startswith("server error"):
                        wrong.append(f"{probe.method} {path} as {role}: {outcome}")
                    continue
                expected = "allow" if role in probe.allowed else "deny"
                if outcome != expected:
                    wrong.append((f"{probe.method} {probe.path.split('?')[0]} as {role}",
                                  f"{probe.method} {path} as {role}: expected {expected}, got {outcome} "
                                  f"({response.status_code})"))
    unexpected = [detail for key, detail in wrong if key not in KNOWN_GAPS]
    assert unexpected == [], "\n" + "\n".join(unexpected)
    fixed = KNOWN_GAPS - {key for key, _ in wrong}
    assert fixed == set(), f"fixed, remove from KNOWN_GAPS: {sorted(fixed)}"


def test_case_references_cannot_be_walked_by_someone_without_access(world):
    clients, _tokens, values = world
    year, number = re.match(r"TD-(\d{4})-(\d+)", values["ref"]).groups()
    for role in ("anon", "own", "other", "poster", "inv_out", "platform"):
        for n in range(1, int(number) + 3):
            reference = f"TD-{year}-{n:06d}"
            for path in (f"/api/v1/cases/{reference}/", f"/staff/cases/{reference}/"):
                response = clients[role].get(path)
                assert classify(response, Probe("GET", path, NOBODY, exists=True)) == "deny", (role, path)


def test_an_investigator_meets_nothing_outside_the_legal_request(world):
    """Related cases, incidents and counts: the pages an investigator may open name no
    case outside the request, and no incident that groups one."""
    clients, _tokens, values = world
    client = clients["inv"]
    pages = [f"/staff/cases/{values['ref']}/", f"/staff/legal-requests/{values['request']}/",
             f"/staff/legal-requests/{values['request']}/cases/{values['ref']}/", "/staff/legal-requests/",
             "/staff/holds/", "/staff/exports/", "/staff/", "/staff/notifications/",
             f"/api/v1/legal-requests/{values['request']}/", f"/api/v1/cases/{values['ref']}/"]
    for path in pages:
        response = client.get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        body = response.content.decode()
        assert values["other_ref"] not in body, f"{path} names a case outside the request"
        assert f"/staff/incidents/{values['incident']}/" not in body, f"{path} links the incident"
        assert "One leak" not in body, f"{path} shows the incident"
    # A reviewer does see the incident and case B (so the check above can fail).
    reviewer = clients["mod"].get(f"/staff/incidents/{values['incident']}/").content.decode()
    assert "One leak" in reviewer and values["other_ref"] in reviewer


def test_django_admin_demands_the_second_factor():
    from takedown import roles
    from tests.moderation.conftest import logged_in, make_staff

    admin_user = make_staff("matrix-admin-site", roles.ADMIN)
    password_only = Client()
    password_only.force_login(admin_user)  # a session without the verified second factor
    response = password_only.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert password_only.get("/admin/complaints/deadlinepolicy/").status_code == 302
    # The admin's own login form asks for the one-time code as well.
    assert "otp_token" in Client().get("/admin/login/").content.decode()
    assert logged_in(admin_user).get("/admin/").status_code == 200


# --- Platforms of the group ---------------------------------------------------------------------

# Every route the matrix opens to a platform's token and to no member of the public, and what
# keeps platforms apart on it (checked below, one platform against another).
PLATFORM_ROUTES = {
    "api/v1/screen/": "staydown holds only the platform's own cases and those of platforms sharing it",
    "api/v1/signals/": "a platform counting apart stores its targets under its own slug",
    "api/v1/item-actions/<int:pk>/report/": "another platform's action is 404",
    r"api/v1/^platforms/(?P<slug>[-a-zA-Z0-9_]+)/actions/(?P<pk>\d+)/?$": "another platform's action is 404",
    "api/v1/statements-of-reasons/": "a platform's token gets only its own statements",
}


def test_every_route_open_to_platform_tokens_is_listed_with_what_keeps_platforms_apart():
    opened = {route for route, probes in ROUTES.items()
              if any("platform" in p.allowed and "anon" not in p.allowed for p in probes)}
    assert opened == set(PLATFORM_ROUTES)


def test_one_platform_reads_and_changes_nothing_of_another(django_capture_on_commit_callbacks):
    import secrets

    from django.test import Client

    from hostplatform import platforms
    from hostplatform.models import Platform
    from moderation.models import ItemAction
    from prevention import signals
    from takedown import roles
    from tests.factories import file_notice
    from tests.reports.conftest import decide, make_staff

    platforms.platform_update(platform=Platform.objects.get(is_default=True), domains=["host.example"])
    forum = platforms.platform_create(slug="forum", domains=["forum.example"], dsa_platform_id="forum-eu")
    blog = platforms.platform_create(slug="blog", domains=["blog.example"], dsa_platform_id="blog-eu")
    as_forum, as_blog = (Client(HTTP_AUTHORIZATION=f"Token {p.token}") for p in (forum, blog))
    complaint = file_notice(items=[("https://forum.example/t/1", "my phone")], disclosed_info=["phone"],
                            evidence_excerpt="call her on 139 1234 5678").complaint
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(complaint, make_staff("senior-platforms", roles.SENIOR_MODERATOR), "remove")
    action = ItemAction.objects.get(decision=decision)

    def screen(client):
        return client.post("/api/v1/screen/", {"text": "她的电话 13912345678", "context": "post"},
                           content_type="application/json").json()

    def statements(client):
        return [s["puid"] for s in client.get("/api/v1/statements-of-reasons/").json()["statements"]]

    # The platform the case is on sees and answers its own.
    assert [f["staydown"] for f in screen(as_forum)["findings"] if f["type"] == "phone"] == [
        {"case": complaint.reference}]
    assert statements(as_forum) == [f"forum-eu-decision-{decision.pk}"]
    # The other platform: nothing of it, in any answer...
    seen = screen(as_blog)
    assert complaint.reference not in str(seen) and all(f.get("staydown") is None for f in seen["findings"])
    assert statements(as_blog) == []
    for path in (f"/api/v1/platforms/blog/actions/{action.pk}", f"/api/v1/platforms/forum/actions/{action.pk}",
                 f"/api/v1/item-actions/{action.pk}/report/"):
        answer = as_blog.post(path, {"outcome": "refused", "note": "not ours"}, content_type="application/json")
        assert answer.status_code == 404, path
    assert as_blog.get("/api/v1/platforms/").status_code == 403
    assert as_blog.get(f"/api/v1/platforms/{forum.platform.pk}/").status_code == 403
    # ...and nothing it sends changes the other's: not the action, not the other's trend counts.
    action.refresh_from_db()
    assert action.reported_at is None
    now, user = int(timezone.now().timestamp()), f"user-{secrets.token_hex(4)}"  # counters may live in Redis
    for client in (as_forum, as_blog):
        sent = client.post("/api/v1/signals/", {"signals": [{"type": "share", "target": user, "at": now}] * 2},
                           content_type="application/json")
        assert sent.status_code == 202, sent.content
    counts = signals.bucket_counts(now // signals.bucket_seconds() * signals.bucket_seconds())
    assert counts[f"forum/{user}"] == {"share": 2} and counts[f"blog/{user}"] == {"share": 2}
    assert user not in counts
