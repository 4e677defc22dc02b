"""API routes of the moderation app, mounted under /api/v1/.

Action routes are written without a trailing slash, as in the spec; the slash is
accepted too.
"""

from django.urls import path, re_path

from moderation import api

REF = r"(?P<reference>TD-\d{4}-\d{6,})"

urlpatterns = [
    path("queue/", api.QueueApi.as_view(), name="api-queue"),
    path("cases/<str:reference>/", api.CaseApi.as_view(), name="api-case"),
    re_path(rf"^cases/{REF}/claim/?$", api.ClaimApi.as_view(), name="api-case-claim"),
    re_path(rf"^cases/{REF}/release/?$", api.ReleaseApi.as_view(), name="api-case-release"),
    re_path(rf"^cases/{REF}/decisions/?$", api.DecisionsApi.as_view(), name="api-case-decisions"),
    path("counter-notices/", api.CounterNoticesApi.as_view(), name="api-counter-notices"),
    re_path(r"^counter-notices/(?P<pk>\d+)/proof/?$", api.CounterNoticeProofApi.as_view(), name="api-counter-notice-proof"),
    path("appeals/", api.AppealsApi.as_view(), name="api-appeals"),
    re_path(r"^appeals/(?P<pk>\d+)/decision/?$", api.AppealDecisionApi.as_view(), name="api-appeal-decision"),
    path("incidents/", api.IncidentsApi.as_view(), name="api-incidents"),
    path("incidents/<int:pk>/", api.IncidentApi.as_view(), name="api-incident"),
    re_path(r"^incidents/(?P<pk>\d+)/cases/?$", api.IncidentCasesApi.as_view(), name="api-incident-cases"),
    re_path(r"^incidents/(?P<pk>\d+)/decisions/?$", api.IncidentDecisionsApi.as_view(), name="api-incident-decisions"),
    path("misuse/", api.MisuseFiguresApi.as_view(), name="api-misuse"),
    re_path(r"^misuse/warn/?$", api.MisuseWarnApi.as_view(), name="api-misuse-warn"),
    re_path(r"^misuse/suspend/?$", api.MisuseSuspendApi.as_view(), name="api-misuse-suspend"),
]
