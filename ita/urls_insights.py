"""The overview pages and the open-data API (``/api/v1/``), included from ``ita.urls``."""

from django.urls import path

from ita import views
from ita.views import api

urlpatterns = [
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
    path("api/v1/", api.index, name="api-index"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("api/v1/provinces", api.provinces, name="api-provinces"),
    path("api/v1/districts", api.districts, name="api-districts"),
    path("api/v1/organisations", api.organisations, name="api-organisations"),
    path("api/v1/organisations/<int:pk>", api.organisation, name="api-organisation"),
    path("api/v1/years", api.years, name="api-years"),
    path("api/v1/years/<int:year>", api.year, name="api-year"),
    path("api/v1/assessments", api.assessments, name="api-assessments"),
    path("api/v1/scores", api.scores, name="api-scores"),
]
