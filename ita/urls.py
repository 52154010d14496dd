from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ita import views

urlpatterns = [
    path("", views.home, name="home"),
    path("results/", views.results_index, name="results_index"),
    path(
        "results/<int:year>/<int:province_id>/",
        views.province_results_view,
        name="province_results",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("my/", views.my_organisation, name="my_organisation"),
    path("measures/", include("measures.urls")),
    path("memos/", include("memos.urls")),
    path("imports/", include("ita.imports.urls")),
    path("", include("ita.urls_insights")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
# Uploaded files (attachments, evidence) are private: each app serves them through a view that
# checks membership, never from MEDIA_URL.
