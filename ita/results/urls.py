"""The public results pages: the home page, a province's table and overview, an organisation's
trends (its own page, with the report's findings, is ``measures.public``)."""

from django.urls import path

from ita.results.views import insights, results

urlpatterns = [
    path("", results.home, name="home"),
    path("results/", results.results_index, name="results_index"),
    path(
        "results/<int:year>/<int:province_id>/",
        results.province_results_view,
        name="province_results",
    ),
    path(
        "results/<int:year>/<int:province_id>/overview/",
        insights.province_overview,
        name="province_overview",
    ),
    path(
        "organisations/<int:pk>/insights/",
        insights.organisation_insights,
        name="organisation_insights",
    ),
    path("my/", results.my_organisation, name="my_organisation"),
]
