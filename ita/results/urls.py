"""The public results pages: the home page, a province's table and overview, an organisation's
trends (its own page, with the report's findings, is ``measures.public``)."""

from django.urls import path

from ita.results import views

urlpatterns = [
    path("", views.home, name="home"),
    path("results/", views.results_index, name="results_index"),
    path(
        "results/<int:year>/<int:province_id>/",
        views.province_results_view,
        name="province_results",
    ),
    path(
        "results/<int:year>/<int:province_id>/overview/",
        views.province_overview,
        name="province_overview",
    ),
    path(
        "organisations/<int:pk>/insights/",
        views.organisation_insights,
        name="organisation_insights",
    ),
    path("my/", views.my_organisation, name="my_organisation"),
]
