"""The memo's files: its official PDF and its attachments, each served only to members and only
while it is what was signed (attachments by their SHA-256, the decided PDF as stored)."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ita.documents.render import CatalogueMissing
from memos import archive, attachments, documents, downloads, services
from memos.forms import AttachmentForm
from memos.models import Attachment
from memos.views.memo import _detail_path, _errors, _get_memo_for_user, _stale

logger = logging.getLogger(__name__)


def _preparing(request: HttpRequest, queued: downloads.Queued, *, back: str) -> HttpResponse:
    """The PDF is queued: where it stands and how long it should take; the page asks again by
    itself (202 Accepted: nothing failed, the download starts when the PDF is ready)."""
    retry = max(1, min(queued.seconds, settings.PDF_RENDER_RETRY_SECONDS))
    response = render(
        request,
        "memos/busy.html",
        {"retry_after": retry, "queued": queued, "back": back},
        status=202,
    )
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


def _signing_delayed(request: HttpRequest, *, back: str) -> HttpResponse:
    """The decided memo cannot be stored signed yet (no timestamp): a page that asks again."""
    retry = settings.PDF_RENDER_RETRY_SECONDS
    response = render(
        request,
        "memos/busy.html",
        {"retry_after": retry, "back": back, "delayed": True},
        status=503,
    )
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def memo_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The official PDF at any state: pending steps print as blank blocks to sign by hand."""
    memo = _get_memo_for_user(request, pk)
    for attachment in memo.attachments.all():  # printed as signed only while unchanged
        try:
            attachments.verified_bytes(attachment)
        except attachments.AttachmentChanged as exc:
            return _changed_on_disk(request, attachment, str(exc))
    try:
        # Stored and cached bytes are served at once; a render waits its turn in the queue
        # (memos.downloads), so that the pages stay quick and every download is served.
        got = downloads.request_pdf(memo, int(request.user.pk or 0))  # login_required: a member
    except archive.SigningDelayed:
        # The timestamp authority has not answered: the archiving task retries; so does the page.
        return _signing_delayed(request, back=_detail_path(pk))
    except CatalogueMissing as error:
        # Not translatable by definition: the message carries its Thai itself.
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    except archive.ArchiveError:
        logger.exception("memo %s: its archived PDF cannot be served", memo.pk)
        return render(request, "memos/archive_missing.html", {"memo": memo}, status=503)
    if isinstance(got, downloads.Queued):
        return _preparing(request, got, back=_detail_path(pk))
    response = FileResponse(
        io.BytesIO(got.pdf),
        as_attachment=True,
        filename=documents.memo_pdf_filename(memo),
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _get_memo_for_user(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("memos:detail", pk=pk)
    try:
        attachment = services.attachment_add(
            memo=memo, upload=form.cleaned_data["file"], actor=request.user
        )
    except services.MemoActionError as exc:
        return _stale(request, exc, pk)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("memos:detail", pk=pk)
    messages.success(request, _("Attached %(name)s.") % {"name": attachment.name})
    return redirect("memos:detail", pk=pk)


def _get_attachment(request: HttpRequest, pk: int, attachment_id: int) -> Attachment:
    memo = _get_memo_for_user(request, pk)
    return get_object_or_404(Attachment.objects.select_related("memo"), pk=attachment_id, memo=memo)


def _changed_on_disk(request: HttpRequest, attachment: Attachment, found: str) -> HttpResponse:
    attachments.attachment_mismatch_record(attachment=attachment, found=found, actor=request.user)
    messages.error(
        request,
        _(
            "The file %(name)s on the server is not the one attached (its SHA-256 differs): it "
            "is not served or printed. Tell the administrator; the change is recorded"
        )
        % {"name": attachment.name},
    )
    return redirect("memos:detail", pk=attachment.memo_id)


@login_required
@require_safe
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    attachment = _get_attachment(request, pk, attachment_id)
    try:  # served only while it is the file uploaded (and signed): its SHA-256 is checked
        data = attachments.verified_bytes(attachment)
    except attachments.AttachmentChanged as exc:
        return _changed_on_disk(request, attachment, str(exc))
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = _get_attachment(request, pk, attachment_id)
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except services.MemoActionError as exc:
        return _stale(request, exc, pk)
    messages.success(request, _("Removed %(name)s.") % {"name": attachment.name})
    return redirect("memos:detail", pk=pk)
