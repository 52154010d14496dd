from django.urls import path

from ita.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("template/<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/check/", views.batch_check, name="check"),
    path("<int:pk>/recheck/", views.batch_recheck, name="recheck"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/revert/", views.batch_revert, name="revert"),
    path("<int:pk>/job/", views.batch_job, name="job"),
    path("<int:pk>/discard/", views.batch_discard, name="discard"),
    path("<int:pk>/choose/", views.batch_choose, name="choose"),
    path("<int:pk>/rows/<int:row_id>/resolve/", views.row_resolve, name="resolve"),
]
