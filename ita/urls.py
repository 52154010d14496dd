from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from ita.administration import onboarding_views
from ita.ops import health
from measures import public
from memos.views import record

admin.site.site_header = _("ITA for local government: administration")
admin.site.site_title = _("ITA administration")
admin.site.index_title = _("Data and settings")

urlpatterns = [
    path("", include("ita.results.urls")),
    path("organisations/<int:pk>/", public.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/manage/", include("ita.administration.urls")),
    path(
        "organisations/<int:org_id>/reports/<int:year>/",
        public.report_published,
        name="report_published",
    ),
    path(
        "organisations/<int:org_id>/reports/<int:year>/pdf/",
        public.report_published_pdf,
        name="report_published_pdf",
    ),
    path(
        "organisations/<int:org_id>/reports/<int:year>/implementation/",
        public.implementation_published,
        name="implementation_published",
    ),
    path(
        "organisations/<int:org_id>/reports/<int:year>/implementation/pdf/",
        public.implementation_published_pdf,
        name="implementation_published_pdf",
    ),
    path(
        "organisations/<int:org_id>/reports/<int:year>/implementation/evidence/<int:pk>/",
        public.implementation_evidence,
        name="implementation_evidence",
    ),
    path("api/v1/", include("ita.api.urls")),
    path("measures/", include("measures.urls")),
    path("memos/", include("memos.urls")),
    path("imports/", include("ita.imports.urls")),
    path("onboarding/", onboarding_views.onboarding_page, name="onboarding"),
    path("verify/", record.verify, name="verify"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A visitor's pages are cached and shared, so they carry no CSRF token: choosing a language
    # (a cookie, nothing else) is open to any form.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("accounts/", include("ita.accounts.urls")),
    path("admin/", admin.site.urls),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("ops/", include("ita.ops.urls")),
]
# Uploaded files (attachments, evidence) are private: each app serves them through a view that
# checks membership, never from MEDIA_URL.
