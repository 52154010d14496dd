"""The staff page of background tasks: failures left to look at, and what waits in the queue."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ita.lib import tasks
from ita.ops import services

# The operators' named permissions (``is_staff`` alone is not enough): to see the tasks, and to
# retry one.
VIEW = "django_tasks_database.view_dbtaskresult"
RETRY = "django_tasks_database.change_dbtaskresult"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_safe
@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require(request, VIEW)
    tasks.reap_stopped()  # a run a killed worker left "running" shows as failed, and retried
    return render(
        request,
        "ops/tasks.html",
        {"failed": tasks.failed(), "waiting": tasks.waiting()},
    )


@require_POST
@login_required
def task_retry(request: HttpRequest, result_id: UUID) -> HttpResponse:
    _require(request, RETRY)
    if services.task_retry(result_id=str(result_id), actor=request.user):
        messages.success(request, _("The task is queued again and will run shortly"))
    else:
        messages.error(request, _("This task has already been retried or is no longer failed"))
    return redirect("ops:tasks")
