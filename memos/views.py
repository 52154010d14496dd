from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ita.documents.emblem import MAX_BYTES as MAX_EMBLEM_BYTES
from ita.documents.render import CatalogueMissing
from ita.organisations import membership
from ita.organisations.models import Organisation, Position
from ita.organisations.selectors import emblem_of
from measures import checks
from memos import access, documents, selectors, services
from memos.drafts import (
    clear_autosave,
    login_required_keeping_post,
    take_autosave_clear,
    take_kept_post,
)
from memos.forms import (
    QUICK_PHRASES,
    AttachmentForm,
    DecisionForm,
    EmblemForm,
    ExpectedForm,
    MemoForm,
)
from memos.models import Attachment, Memo, Outcome, SignOff, State


def _get_memo_for_user(request: HttpRequest, pk: int) -> Memo:
    """The memo, if the user belongs to its organisation; 404 otherwise (no hint it exists)."""
    return get_object_or_404(
        selectors.visible_memos(request.user).select_related(
            "organisation", "author", "report_year"
        ),
        pk=pk,
    )


def _detail_path(pk: int) -> str:
    return reverse("memos:detail", args=[pk])


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _expected(request: HttpRequest) -> tuple[str | None, int | None]:
    form = ExpectedForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["expected_state"], form.cleaned_data["expected_round"]
    return None, None


@login_required
@require_GET
def memo_list(request: HttpRequest) -> HttpResponse:
    positions = list(membership.positions_of(request.user))
    organisation = positions[0].organisation if positions else None
    return render(
        request,
        "memos/list.html",
        {
            "mine": list(selectors.authored(request.user)[:200]),
            "organisation": organisation,
            "sent": list(selectors.organisation_memos(organisation)[:50]) if organisation else [],
            "can_write": organisation is not None,
            "can_set_emblem": organisation is not None
            and access.administers(request.user, organisation),
        },
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Oldest first, a page at a time: an executive back from leave may find hundreds."""
    count = selectors.inbox_count(request.user)
    pages = max(1, -(-count // selectors.INBOX_PAGE_SIZE))
    try:
        page = min(max(1, int(request.GET.get("page") or 1)), pages)
    except ValueError:
        page = 1
    start = (page - 1) * selectors.INBOX_PAGE_SIZE
    memos = list(selectors.inbox(request.user)[start : start + selectors.INBOX_PAGE_SIZE])
    return render(
        request,
        "memos/inbox.html",
        {
            "memos": memos,
            "memo_inbox_count": count,
            "page": page,
            "pages": pages,
            "first": start + 1,
            "last": start + len(memos),
        },
    )


def _new_memo_initial(request: HttpRequest, position: Position) -> dict[str, Any]:
    user = request.user
    assert user.is_authenticated  # memo_new is login_required
    organisation = position.organisation
    mayor = organisation.positions.filter(role=Position.Role.MAYOR).first()
    unit = position.unit.strip()
    return {
        "unit_name": f"{unit} {organisation.name}".strip(),
        "unit_phone": organisation.phone,
        "letter_code": organisation.letter_code,
        "addressee": mayor.title if mayor else "",
        "signature_name": user.get_full_name(),
        "signature_position": position.title,
    }


@login_required_keeping_post()
@require_http_methods(["GET", "POST"])
def memo_new(request: HttpRequest) -> HttpResponse:
    positions = list(membership.positions_of(request.user))
    if not positions:
        raise PermissionDenied(_("Only members of an organisation can write memos."))
    position = positions[0]
    autosave_key = f"memo-new-{position.organisation_id}"
    if request.method == "POST":
        form = MemoForm(request.POST)
        if form.is_valid():
            try:
                memo = services.memo_create(
                    organisation=position.organisation,
                    data=form.cleaned_data,
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                clear_autosave(request, autosave_key)
                messages.success(request, _("The draft is saved."))
                return redirect("memos:detail", pk=memo.pk)
        status = 400
    else:
        kept = take_kept_post(request)
        form = MemoForm(initial=kept or _new_memo_initial(request, position))
        status = 200
    return render(
        request,
        "memos/form.html",
        {"form": form, "memo": None, "autosave_key": autosave_key},
        status=status,
    )


@login_required_keeping_post()
@require_http_methods(["GET", "POST"])
def memo_edit(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _get_memo_for_user(request, pk)
    if not access.may_author(memo, request.user):
        raise PermissionDenied(_("Only the memo's author can edit it."))
    autosave_key = f"memo-{memo.pk}"
    if not access.can_edit(request.user, memo):
        messages.error(request, _("This memo has been sent: it can no longer be edited."))
        return redirect("memos:detail", pk=memo.pk)
    if request.method == "POST":
        form = MemoForm(request.POST)
        expected_state, expected_round = _expected(request)
        if form.is_valid():
            try:
                services.memo_update(
                    memo=memo,
                    data=form.cleaned_data,
                    actor=request.user,
                    expected_state=expected_state,
                    expected_round=expected_round,
                )
            except services.MemoActionError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                clear_autosave(request, autosave_key)
                messages.success(request, _("The draft is saved."))
                return redirect("memos:detail", pk=memo.pk)
        status = 400
    else:
        kept = take_kept_post(request)
        form = MemoForm(initial=kept or MemoForm.initial_from(memo))
        status = 200
    return render(
        request,
        "memos/form.html",
        {
            "form": form,
            "memo": memo,
            "autosave_key": autosave_key,
            "expected": {"expected_state": memo.state, "expected_round": memo.round},
        },
        status=status,
    )


def _render_detail(
    request: HttpRequest,
    memo: Memo,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = selectors.memo_page(memo)
    today = timezone.localdate()
    user = request.user
    # The buttons come from the same rules the services enforce (memos.access).
    signer = access.signer(memo, user) if access.can_act(user, memo) else None
    can_edit = access.can_edit(user, memo)
    deciding = memo.state == State.MAYOR
    if signer and decision_form is None:
        kept = take_kept_post(request)
        decision_form = DecisionForm(
            initial={
                "expected_state": memo.state,
                "expected_round": memo.round,
                "comment": (kept or {}).get("comment", ""),
            },
            deciding=deciding,
        )
    is_author = memo.author_id == user.pk
    # The attached report's checks (measures.checks), shown to the author before sending; each
    # links to the form that fixes it and comes back here.
    report_checks = []
    if can_edit and memo.report_year is not None:
        report_checks = checks.report_checks(
            memo.organisation,
            memo.report_year,
            memo.date or today,
            next_url=_detail_path(memo.pk),
        )
    return render(
        request,
        "memos/detail.html",
        {
            "memo": memo,
            "page": page,
            "signer": signer,
            "decision_form": decision_form if signer else None,
            "deciding": deciding,
            "outcomes": Outcome.choices,
            "quick_phrases": QUICK_PHRASES,
            "is_author": is_author,
            "can_edit": can_edit,
            "can_send": access.can_send(user, memo),
            "can_withdraw": access.can_withdraw(user, memo),
            "attachment_form": AttachmentForm() if can_edit else None,
            "autosave_key": f"decide-{memo.pk}-{memo.round}-{memo.state}",
            "autosave_clear": take_autosave_clear(request),
            "signoff_labels": dict(SignOff.Decision.choices),
            "report_checks": report_checks,
        },
        status=status,
    )


@login_required
@require_GET
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _get_memo_for_user(request, pk))


def _stale(request: HttpRequest, exc: services.MemoActionError, pk: int) -> HttpResponse:
    messages.warning(request, str(exc))
    return redirect("memos:detail", pk=pk)


@login_required_keeping_post(form_path=_detail_path)
@require_POST
def memo_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve with a comment, decide, or return with a reason: one form, one step."""
    memo = _get_memo_for_user(request, pk)
    # The step the user saw decides which buttons were valid; the service checks it is current.
    form = DecisionForm(request.POST, deciding=request.POST.get("expected_state") == State.MAYOR)
    if not form.is_valid():
        return _render_detail(request, memo, decision_form=form, status=400)
    data = form.cleaned_data
    expected = {
        "expected_state": data["expected_state"],
        "expected_round": data["expected_round"],
    }
    try:
        if data["action"] == SignOff.Decision.RETURN:
            services.memo_return(memo=memo, actor=request.user, reason=data["comment"], **expected)
            messages.success(request, _("The memo was returned to its author."))
        else:
            outcome = data["action"] if data["action"] in Outcome.values else ""
            services.memo_approve(
                memo=memo, actor=request.user, comment=data["comment"], outcome=outcome, **expected
            )
            messages.success(request, _("Your decision is recorded."))
    except services.MemoActionError as exc:
        return _stale(request, exc, pk)
    except ValidationError as exc:
        form.add_error(None, _errors(exc))
        return _render_detail(request, memo, decision_form=form, status=400)
    clear_autosave(request, f"decide-{memo.pk}-{data['expected_round']}-{data['expected_state']}")
    if selectors.inbox_count(request.user):
        return redirect("memos:inbox")
    return redirect("memos:detail", pk=pk)


@login_required
@require_POST
def memo_send(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _get_memo_for_user(request, pk)
    expected_state, expected_round = _expected(request)
    try:
        memo = services.memo_send(
            memo=memo,
            actor=request.user,
            expected_state=expected_state,
            expected_round=expected_round,
        )
    except services.MemoActionError as exc:
        return _stale(request, exc, pk)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("memos:detail", pk=pk)
    messages.success(
        request,
        _("The memo %(number)s was sent: it is now “%(state)s”.")
        % {"number": memo.number_display, "state": memo.get_state_display()},
    )
    return redirect("memos:detail", pk=pk)


@login_required
@require_POST
def memo_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    memo = _get_memo_for_user(request, pk)
    expected_state, expected_round = _expected(request)
    try:
        services.memo_withdraw(
            memo=memo,
            actor=request.user,
            expected_state=expected_state,
            expected_round=expected_round,
        )
    except services.MemoActionError as exc:
        return _stale(request, exc, pk)
    messages.success(request, _("The memo was withdrawn. Its number is not given again."))
    return redirect("memos:detail", pk=pk)


@login_required
@require_GET
def memo_pdf(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The official PDF at any state: pending steps print as blank blocks to sign by hand."""
    memo = _get_memo_for_user(request, pk)
    try:
        pdf = documents.memo_pdf(memo)
    except CatalogueMissing as error:
        # Not translatable by definition: the message carries its Thai itself.
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = FileResponse(
        io.BytesIO(pdf),
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


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    attachment = _get_attachment(request, pk, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the server.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
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


def _get_organisation_for_member(request: HttpRequest, pk: int) -> Organisation:
    organisation = membership.member_organisation(request.user, pk)
    if organisation is None:
        raise Http404(_("No such organisation."))
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
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
            services.emblem_set(organisation=organisation, data=None, actor=request.user)
            messages.success(request, _("The emblem was removed; memos print without one."))
            return redirect("memos:emblem", pk=organisation.pk)
        form = EmblemForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # One byte more than allowed is enough to refuse a file that is too large.
            data = upload.read(MAX_EMBLEM_BYTES + 1)
            try:
                services.emblem_set(
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
@require_GET
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
