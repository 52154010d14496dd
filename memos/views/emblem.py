"""The organisation's emblem for its memos: the settings page and the image its preview shows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ita.documents.emblem import MAX_BYTES as MAX_EMBLEM_BYTES
from ita.organisations import membership
from ita.organisations.models import Organisation
from ita.organisations.selectors import emblem_of
from memos import access, settings_services
from memos.forms import EmblemForm


def _get_organisation_for_member(request: HttpRequest, pk: int) -> Organisation:
    organisation = membership.member_organisation(request.user, pk)
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def emblem_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's emblem for its memos: upload a PNG or SVG, or remove it."""
    organisation = _get_organisation_for_member(request, pk)
    if not access.administers(request.user, organisation):
        raise PermissionDenied(
            _("Only the clerk or the head of the clerk's office can change the emblem.")
        )
    form = EmblemForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            settings_services.emblem_set(organisation=organisation, data=None, actor=request.user)
            messages.success(request, _("The emblem was removed; memos print without one."))
            return redirect("memos:emblem", pk=organisation.pk)
        form = EmblemForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte more than allowed is enough to refuse a file that is too large.
            data = upload.read(MAX_EMBLEM_BYTES + 1)
            try:
                settings_services.emblem_set(
                    organisation=organisation, data=data, filename=upload.name, actor=request.user
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("The emblem is saved: new PDFs print it."))
                return redirect("memos:emblem", pk=organisation.pk)
        status = 400
    return render(
        request,
        "memos/emblem.html",
        {"organisation": organisation, "form": form, "has_emblem": bool(organisation.emblem)},
        status=status,
    )


@login_required
@require_safe
def emblem_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The emblem as the PDF uses it (checked again), for the settings page's preview."""
    organisation = _get_organisation_for_member(request, pk)
    emblem = emblem_of(organisation)
    if emblem is None:
        raise Http404(_("This organisation has no emblem."))
    response = HttpResponse(emblem.data, content_type=emblem.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own is a document: it may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response
