"""My desk (งานของท่าน): what waits for me and what happened to my memos, beside the e-mails."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ita.organisations import holders
from ita.organisations.models import Organisation
from memos import selectors


@login_required
@require_safe
def desk(request: HttpRequest) -> HttpResponse:
    """Returned memos with the reason, memos to sign, my drafts, and the latest moves of my memos
    by others (from the history, the same rows as each memo's timeline)."""
    administered = holders.roles_held(
        request.user, timezone.localdate(), roles=holders.ADMINISTRATOR_ROLES
    )
    return render(
        request,
        "memos/desk.html",
        {
            "desk": selectors.desk(request.user),
            # The organisations the user administers today (their administration's pages).
            "administered": list(
                Organisation.objects.filter(pk__in={org_id for org_id, _role in administered})
            )
            if administered
            else [],
        },
    )
