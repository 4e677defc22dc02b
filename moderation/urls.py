"""Web routes of the moderation app, mounted under /staff/."""

from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.login_verify, name="login-verify"),
    path("logout/", views.logout, name="logout"),
    path("queue/", views.queue, name="queue"),
    path("queue/next/", views.next_case, name="next-case"),
    path("cases/<str:reference>/", views.case, name="case"),
    path("cases/<str:reference>/claim/", views.case_claim, name="case-claim"),
    path("cases/<str:reference>/release/", views.case_release, name="case-release"),
    path("cases/<str:reference>/decide/", views.case_decide, name="case-decide"),
    path("cases/<str:reference>/reply/", views.case_reply, name="case-reply"),
    path("preferences/evidence-view/", views.evidence_view, name="evidence-view"),
    path("cases/<str:reference>/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("cases/<str:reference>/appeals/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
    path("cases/<str:reference>/counter-notices/<int:pk>/proof/", views.counter_notice_proof, name="counter-notice-proof"),
    path("cases/<str:reference>/counter-notices/<int:pk>/forward/", views.counter_notice_forward,
         name="counter-notice-forward"),
    path("incidents/", views.incidents, name="incidents"),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("appeals/", views.appeals, name="appeals"),
    path("misuse/", views.misuse, name="misuse"),
    path("deadlines/", views.deadline_board, name="deadline-board"),
]
