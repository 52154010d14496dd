"""The open-data API under /api/v1/ (included from ``ita.urls``)."""

from django.urls import path

from ita.api import views

urlpatterns = [
    path("", views.index, name="api-index"),
    path("openapi.json", views.openapi, name="api-openapi"),
    path("provinces", views.provinces, name="api-provinces"),
    path("districts", views.districts, name="api-districts"),
    path("organisations", views.organisations, name="api-organisations"),
    path("organisations/<int:pk>", views.organisation, name="api-organisation"),
    path("years", views.years, name="api-years"),
    path("years/<int:year>", views.year, name="api-year"),
    path("assessments", views.assessments, name="api-assessments"),
    path("scores", views.scores, name="api-scores"),
]
