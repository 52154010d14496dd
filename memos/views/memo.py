"""A memo's page and its actions: write and edit a draft, read it, send it up the chain, decide,
withdraw, publish."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ita.accounts import second_factor
from ita.organisations import membership
from measures import checks
from memos import (
    access,
    archive,
    chain,
    documents,
    kept_pages,
    publishing,
    register,
    roles,
    selectors,
    services,
)
from memos.checks import memo_year_checks
from memos.drafting import memo_defaults
from memos.drafts import (
    AUTOSAVE_CLEAR_KEY,
    SESSION_KEY,
    clear_autosave,
    keep_post,
    login_required_keeping_post,
    take_autosave_clear,
    take_kept_post,
)
from memos.forms import (
    AttachmentForm,
    DecisionForm,
    ExpectedForm,
    MemoForm,
)
from memos.models import Memo, Outcome, SignOff, State

logger = logging.getLogger(__name__)


def _get_memo_for_user(request: HttpRequest, pk: int) -> Memo:
    """The memo, if the user belongs to its organisation; 404 otherwise (no hint it exists).
    With its organisation's memo chain (``chain.configured_roles`` reads it)."""
    memo = get_object_or_404(
        selectors.visible_memos(request.user).select_related(
            "organisation__memo_settings", "author", "report_year"
        ),
        pk=pk,
    )
    access.read_as_member(memo, request.user)  # found among the memos the user's membership shows
    return memo


def _detail_path(pk: int) -> str:
    return reverse("memos:detail", args=[pk])


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _expected(request: HttpRequest) -> tuple[str | None, int | None]:
    form = ExpectedForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["expected_state"], form.cleaned_data["expected_round"]
    return None, None


@login_required_keeping_post()
@require_http_methods(["GET", "HEAD", "POST"])
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
        form = MemoForm(initial=kept or memo_defaults(request.user, position))
        status = 200
    return render(
        request,
        "memos/form.html",
        {"form": form, "memo": None, "autosave_key": autosave_key},
        status=status,
    )


@login_required_keeping_post()
@require_http_methods(["GET", "HEAD", "POST"])
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
    keeping: kept_pages.Keeping | None = None,
) -> HttpResponse:
    """The memo's page; kept at ``keeping`` (``memos.kept_pages``) unless it shows something
    its version does not cover: the author's checks of the attached report (the report's data
    changes without a memo's write)."""
    page = selectors.memo_page(memo)
    today = timezone.localdate()
    user = request.user
    # The chain's steps of the day, read once for the paper's blank blocks and the signer's.
    route = None
    if memo.is_pending or memo.state in Memo.EDITABLE_STATES:
        roles = chain.configured_roles(memo.organisation)
        # The administrators' roles too: who is told a missing emblem (access.administers).
        roles += [r for r in access.ADMINISTRATOR_ROLES if r not in roles]
        route = chain.steps(memo.organisation, today, roles=roles)
        if (memo.signing_day or today) == today:
            access.signer(memo, user, route)  # kept on the memo for the checks below
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
    report_checks = author_checks(memo, today, next_url=_detail_path(memo.pk)) if can_edit else []
    navigation: dict[str, object] = {}
    if keeping is not None:  # read already: the page's navigation is the one it is kept beside
        nav = keeping.nav
        navigation = {
            "nav": nav,
            "memo_inbox_count": nav.inbox,
            "memo_returned_count": nav.returned,
        }
    return kept_pages.render(
        request,
        "memos/detail.html",
        {
            **navigation,
            "memo": memo,
            # The memo as it prints, from the data its PDF is made of (one document, two views).
            "paper": documents.memo_doc(memo, today=today, with_emblem=False, route=route),
            "page": page,
            "signer": signer,
            "decision_form": decision_form if signer else None,
            "deciding": deciding,
            "outcomes": Outcome.choices,
            "decisions": _decisions(memo.state) if signer else [],
            "checks_sent": _checks_sent(page),
            "is_author": is_author,
            "can_edit": can_edit,
            "can_send": access.can_send(user, memo),
            "can_withdraw": access.can_withdraw(user, memo),
            # Only those who can upload the emblem are told it is missing.
            "missing_emblem": not memo.organisation.emblem
            and access.administers(user, memo.organisation, today, route),
            "attachment_form": AttachmentForm() if can_edit else None,
            "autosave_key": f"decide-{memo.pk}-{memo.round}-{memo.state}",
            "autosave_clear": take_autosave_clear(request),
            "signoff_labels": dict(SignOff.Decision.choices),
            "report_checks": report_checks,
            "can_publish": access.can_publish(user, memo),
            "publication": publishing.publication_of(memo),
            "record": archive.record_of(memo, page.signoffs),
        },
        None if can_edit else keeping,
        status=status,
    )


def author_checks(memo: Memo, today: dt.date, *, next_url: str) -> list[checks.Check]:
    """What the author should fix before sending, each with the form that fixes it: the memo's
    own checks (``memos.checks``), then those of the yearly report it carries."""
    found = [
        checks.Check("memo_year", message, reverse("memos:edit", args=[memo.pk]), "memo", memo.pk)
        for message in memo_year_checks(memo)
    ]
    if memo.report_year is not None and memo.implementation_id is None:
        found += checks.report_checks(
            memo.organisation, memo.report_year, memo.date or today, next_url=next_url
        )
    return found


def _decisions(step: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The signer's buttons at ``step``, each with the quick phrases that fit it (memos.roles):
    (action, label, style, phrases)."""
    buttons: list[tuple[str, str, str]]
    if step == State.MAYOR:
        buttons = [
            (Outcome.ACKNOWLEDGED, _("Acknowledged"), ""),
            (Outcome.APPROVED, _("Approved"), ""),
            (Outcome.NOT_APPROVED, _("Not approved"), "danger"),
        ]
    else:
        buttons = [(SignOff.Decision.FORWARD, _("Agree and send on"), "")]
    buttons.append((SignOff.Decision.RETURN, _("Return to the author"), "secondary"))
    return [(str(a), label, css, roles.quick_phrases(step, a)) for a, label, css in buttons]


def _checks_sent(page: selectors.MemoPage) -> list[str] | None:
    """The attached report's checks as they stood at the last send (kept in its history row),
    for every reader; None when the memo was never sent with a report."""
    sends = [e.checks for e in page.timeline if e.checks is not None]
    return sends[-1] if sends else None


@login_required
@require_safe
def memo_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The memo's page: as kept for this person while nothing it shows has changed
    (``memos.kept_pages``), else rendered and kept. Not when the session holds something the
    page takes once (a form's text kept over a login, an autosave to clear)."""
    keeping: kept_pages.Keeping | None = None
    if not (SESSION_KEY in request.session or AUTOSAVE_CLEAR_KEY in request.session):
        keeping, found = kept_pages.find(request, f"memo:{pk}:{translation.get_language()}")
        if found is not None:
            return found
    return _render_detail(request, _get_memo_for_user(request, pk), keeping=keeping)


def _stale(request: HttpRequest, exc: services.MemoActionError, pk: int) -> HttpResponse:
    messages.warning(request, str(exc))
    return redirect("memos:detail", pk=pk)


@login_required_keeping_post(form_path=_detail_path)
@require_POST
def memo_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve with a comment, decide, or return with a reason: one form, one step."""
    memo = _get_memo_for_user(request, pk)
    # An organisation may require its signers' second factor: set it up or give a code first;
    # the typed comment is kept and put back.
    second_step = second_factor.signing_redirect(request.user, memo.organisation, _detail_path(pk))
    if second_step:
        keep_post(request, _detail_path(pk))
        messages.info(request, _("Your organisation asks for the second factor before signing"))
        return redirect(second_step)
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
@require_http_methods(["GET", "HEAD", "POST"])
def memo_send(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will happen, the report's checks and, for a memo dated in another fiscal year,
    the choice of register; POST (from that page): send."""
    memo = _get_memo_for_user(request, pk)
    may_send = access.can_send(request.user, memo)
    if not may_send and request.method != "POST":
        messages.error(request, _("Only the author of a draft or a returned memo can send it."))
        return redirect("memos:detail", pk=pk)
    today = timezone.localdate()
    choices = register.register_choices(memo.date, today) if memo.register_number is None else ()
    chosen: int | None = None
    error = ""
    if request.method == "POST":
        expected_state, expected_round = _expected(request)
        try:
            chosen = int(request.POST.get("register_year") or 0) or None
        except ValueError:
            chosen = None
        # Refusals of the person or the state come from the service, with their reasons.
        if may_send and len(choices) > 1 and chosen not in choices:
            error = _("Choose the register that numbers this memo.")
        else:
            try:
                memo = services.memo_send(
                    memo=memo,
                    actor=request.user,
                    expected_state=expected_state,
                    expected_round=expected_round,
                    register_year=chosen,
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
    report_checks = author_checks(memo, today, next_url=reverse("memos:send", args=[pk]))
    return render(
        request,
        "memos/send.html",
        {
            "memo": memo,
            "report_checks": report_checks,
            "register_choices": choices if len(choices) > 1 else (),
            "register_chosen": chosen,
            "dated_year": register.register_year(memo.date) if memo.date else None,
            "error": error,
            # What the service would refuse to send without, said before the author clicks.
            "missing": [
                Memo._meta.get_field(f).verbose_name
                for f in services.REQUIRED_TO_SEND
                if not getattr(memo, f)
            ],
        },
        status=400 if error else 200,
    )


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
@require_http_methods(["GET", "HEAD", "POST"])
def memo_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the report a decided memo carries: a page that says what will be public, and
    asks to confirm (measures.publishing)."""
    memo = _get_memo_for_user(request, pk)
    reason = access.publish_refusal(request.user, memo)
    if reason:
        raise PermissionDenied(reason)
    newer = publishing.newer_refusal(memo)
    if request.method == "POST":
        try:
            publishing.memo_publish_report(
                memo=memo,
                actor=request.user,
                replace_newer=request.POST.get("replace_newer") == "1",
            )
        except ValidationError as exc:
            return render(
                request,
                "memos/publish.html",
                {
                    "memo": memo,
                    "publication": publishing.publication_of(memo),
                    "newer": newer,
                    "error": _errors(exc),
                },
                status=400,
            )
        messages.success(request, _("The report is published."))
        assert memo.report_year is not None  # publish_refusal
        year = memo.report_year.year
        if memo.implementation_id is not None:
            return redirect("implementation_published", memo.organisation_id, year)
        return redirect("report_published", memo.organisation_id, year)
    return render(
        request,
        "memos/publish.html",
        {"memo": memo, "publication": publishing.publication_of(memo), "newer": newer},
    )
