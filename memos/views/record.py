"""Pages of the document of record: the organisation's signing certificate, and ``/verify/``."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ita.accounts.addresses import client_ip
from ita.documents import signing as pdf_signing
from ita.organisations import membership
from memos import access, signing, verification
from memos.forms import CertificateForm, VerifyForm
from memos.models import SigningCertificate

# A PKCS#12 file is a few kilobytes; anything far larger is not one.
MAX_CERTIFICATE_BYTES = 256 * 1024


def _wait_for_files(request: HttpRequest) -> int:
    """Seconds until this address may check another file (0: now). /verify/ is public: a code
    costs a few queries, a file a child process. Files are counted per client address and per
    clock minute: the count starts again at the next minute, whatever was tried meanwhile (a
    counter whose expiry each try renewed kept an address out for the cache's whole day)."""
    # The address the lockout counts too: REMOTE_ADDR, or the one the first of PROXY_COUNT
    # proxies saw (a client's own X-Forwarded-For is never trusted).
    now = time.time()
    minute = int(now // 60)
    key = f"verify-files:{client_ip(request)}:{minute}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return 0
    if count <= settings.VERIFY_FILES_PER_MINUTE:
        return 0
    return max(1, math.ceil((minute + 1) * 60 - now))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's signing certificate: upload a PKCS#12 file with its password, or
    remove it. Its administrators only (``memos.access.administers``)."""
    organisation = membership.member_organisation(request.user, pk)
    if organisation is None:
        raise Http404(_("No such organisation."))
    if not access.administers(request.user, organisation):
        raise PermissionDenied(
            _("Only the clerk or the head of the clerk's office can change the certificate.")
        )
    form = CertificateForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            signing.certificate_remove(organisation=organisation, actor=request.user)
            messages.success(
                request, _("The certificate was removed: memos decided from now on are unsigned.")
            )
            return redirect("memos:certificate", pk=organisation.pk)
        form = CertificateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_CERTIFICATE_BYTES + 1)
            try:
                if len(data) > MAX_CERTIFICATE_BYTES:
                    raise ValidationError(
                        signing.error_message(pdf_signing.CertificateError("not_pkcs12"))
                    )
                signing.certificate_set(
                    organisation=organisation,
                    data=data,
                    password=form.cleaned_data["password"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(
                    request, _("The certificate is saved: memos decided from now on are signed.")
                )
                return redirect("memos:certificate", pk=organisation.pk)
        status = 400
    return render(
        request,
        "memos/certificate.html",
        {
            "organisation": organisation,
            "form": form,
            "certificate": SigningCertificate.objects.filter(organisation=organisation).first(),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: a verification code (GET ``?code=``) or an uploaded PDF (POST) — which memo it
    is, who signed and when, and whether the file is the one decided."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    file_result = None
    asked = ""
    status = 200
    retry_after = 0
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["file"]:
            upload = form.cleaned_data["file"]
            wait = _wait_for_files(request)
            if wait:
                form.add_error(
                    "file",
                    _("Too many files checked from here this minute: try again in %(seconds)s s.")
                    % {"seconds": wait},
                )
                status, retry_after = 429, wait
            elif (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
                form.add_error(
                    "file",
                    _("The file is larger than %(limit)s MB.")
                    % {"limit": settings.MAX_UPLOAD_BYTES // 1_048_576},
                )
                status = 400
            else:
                try:
                    file_result = verification.by_file(upload.read())
                except verification.Busy:
                    form.add_error(
                        "file",
                        _("Other files are being checked right now: try again in a few seconds."),
                    )
                    status, retry_after = 503, 5
                else:
                    result = file_result.memo
                    asked = "file"
        elif form.is_valid() and form.cleaned_data["code"]:
            asked = form.cleaned_data["code"]
            result = verification.by_code(asked)
        else:
            form.add_error(
                None, _("Type the code printed at the foot of the page, or choose the PDF file.")
            )
            status = 400
    elif request.GET.get("code"):
        asked = request.GET["code"][:40]
        form = VerifyForm(initial={"code": asked})
        result = verification.by_code(asked)
    response = render(
        request,
        "memos/verify.html",
        {"form": form, "asked": asked, "result": result, "file_result": file_result},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
