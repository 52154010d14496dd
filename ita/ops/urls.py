from django.urls import path

from ita.ops import views

app_name = "ops"

urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<uuid:result_id>/retry/", views.task_retry, name="task_retry"),
]
