from django.urls import path

from measures import views, views_cycle

app_name = "measures"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/<int:org_id>/<int:year>/", views.report, name="report"),
    path(
        "report/<int:org_id>/<int:year>/findings/new/",
        views.finding_create,
        name="finding_create",
    ),
    path("report/<int:org_id>/<int:year>/oit/", views.oit_checklist_view, name="oit_checklist"),
    path(
        "report/<int:org_id>/<int:year>/measures/new/",
        views.measure_create,
        name="measure_create",
    ),
    path("report/<int:org_id>/<int:year>/suggest/", views.measure_suggest, name="suggest"),
    path("report/<int:org_id>/<int:year>/prepare/", views_cycle.report_prepare, name="prepare"),
    path("report/<int:org_id>/<int:year>/oit/open/", views_cycle.oit_open, name="oit_open"),
    path(
        "report/<int:org_id>/<int:year>/oit/ours/",
        views_cycle.oit_corrections,
        name="oit_corrections",
    ),
    path("report/<int:org_id>/<int:year>/carry/", views_cycle.measures_carry, name="carry"),
    path(
        "report/<int:org_id>/<int:year>/done/",
        views_cycle.implementation_page,
        name="implementation",
    ),
    path(
        "report/<int:org_id>/<int:year>/done/draft/",
        views_cycle.implementation_draft,
        name="implementation_draft",
    ),
    path("oit/<int:year>/items/", views_cycle.oit_items, name="oit_items"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
    path("<int:pk>/", views.measure_detail, name="measure_detail"),
    path("<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("<int:pk>/keep/", views.measure_keep, name="measure_keep"),
    path("<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
