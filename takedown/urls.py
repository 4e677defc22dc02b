from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from takedown import views

# The Django admin demands the second factor too: a password alone opens nothing.
admin.site.__class__ = OTPAdminSite

api_v1 = [
    # The host platform calls screening and signals for every post: resolved first.
    path("", include("prevention.api_urls")),
    path("", include("complaints.api_urls")),
    path("", include("moderation.api_urls")),
    path("", include("hostplatform.api_urls")),
    path("", include("audit.api_urls")),
    path("", include("preservation.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    # First: API calls (the host platform's screening and signals above all) then skip
    # trying every web pattern; no web address starts with "api/".
    path("api/v1/", include(api_v1)),
    path("", RedirectView.as_view(url="/report/", permanent=False)),
    path("", include("complaints.urls")),
    path("staff/", include("moderation.urls")),
    path("staff/", include("deadlines.urls")),
    path("staff/", include("preservation.urls")),
    path("staff/", include("prevention.urls")),
    path("", include("moderation.public_urls")),
    path("", include("reports.urls")),
    path("", include("hostplatform.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", views.healthz, name="healthz"),
]

handler400 = "takedown.views.bad_request"
handler403 = "takedown.views.forbidden"
handler404 = "takedown.views.not_found"
handler500 = "takedown.views.server_error"
