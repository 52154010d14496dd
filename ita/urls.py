from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from measures import public
from memos import record_views

admin.site.site_header = _("ITA for local government: administration")
admin.site.site_title = _("ITA administration")
admin.site.index_title = _("Data and settings")

urlpatterns = [
    path("", include("ita.results.urls")),
    path("organisations/<int:pk>/", public.organisation_detail, name="organisation_detail"),
    path("api/v1/", include("ita.api.urls")),
    path("measures/", include("measures.urls")),
    path("memos/", include("memos.urls")),
    path("imports/", include("ita.imports.urls")),
    path("verify/", record_views.verify, name="verify"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files (attachments, evidence) are private: each app serves them through a view that
# checks membership, never from MEDIA_URL.
