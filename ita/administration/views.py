"""The organisation's own administration, ``/organisations/<id>/manage/``: its people and
invitations, positions, acting holders, memo chain, signers' second factor and history.

Only its administrators see it (``ita.organisations.holders.administers``); to anyone else,
members and outsiders alike, it does not exist (404). The forms validate; the services
(``ita.administration.services``) check again and write, each change with its history row.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ita.accounts.models import Invitation
from ita.administration import forms, selectors, services
from ita.organisations import holders
from ita.organisations.models import ActingAppointment, Organisation, Position
from ita.organisations.people import person_name
from memos import chain
from memos.models import SigningCertificate

View = Callable[..., HttpResponse]


def administered(view: View) -> View:
    """Login, then the organisation ``pk`` if the user administers it today; 404 otherwise."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: object, **kwargs: object) -> HttpResponse:
        organisation = (
            Organisation.objects.select_related("district__province", "memo_settings")
            .filter(pk=pk)
            .first()
        )
        if organisation is None or not holders.administers(request.user, organisation):
            raise Http404(_("No such organisation."))
        return view(request, organisation, *args, **kwargs)

    return wrapper


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _form_errors(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for text in errors:
                form.add_error(field if field in form.fields else None, text)
    else:
        for text in exc.messages:
            form.add_error(None, text)


def _page(
    request: HttpRequest,
    template: str,
    organisation: Organisation,
    section: str,
    *,
    status: int = 200,
    **context: object,
) -> HttpResponse:
    return render(
        request,
        f"administration/{template}",
        {"organisation": organisation, "section": section, **context},
        status=status,
    )


def _person(organisation: Organisation, user_id: int) -> User:
    """A person of the organisation (holding one of its positions, active or not), else 404."""
    person = (
        get_user_model()
        .objects.filter(pk=user_id, positions__organisation=organisation)
        .distinct()
        .first()
    )
    if person is None:
        raise Http404(_("No such person in this organisation."))
    return person


# --- people and invitations -------------------------------------------------------------------


def _invite_form(organisation: Organisation, data: forms.Data = None) -> forms.InviteForm:
    return forms.InviteForm(
        data,
        positions=selectors.positions(organisation),
        initial={"new_role": Position.Role.STAFF},
    )


@administered
@require_safe
def people(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _page(
        request,
        "people.html",
        organisation,
        "people",
        people=selectors.people(organisation),
        invitations=selectors.open_invitations(organisation),
        form=_invite_form(organisation),
    )


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = _invite_form(organisation, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                invitation = services.person_invite(
                    organisation=organisation,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    position=data["position"],
                    new_title=data["new_title"],
                    new_role=data["new_role"] or Position.Role.STAFF,
                    new_unit=data["new_unit"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(email)s is invited to %(position)s: the e-mail is on its way")
                    % {"email": invitation.email, "position": invitation.position.title},
                )
                return redirect("administration:people", organisation.pk)
        status = 400
    return _page(request, "invite.html", organisation, "people", form=form, status=status)


def _invitation(organisation: Organisation, invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("organisation", "position"),
        pk=invitation_id,
        organisation=organisation,
    )


@administered
@require_POST
def invitation_renew(
    request: HttpRequest, organisation: Organisation, invitation_id: int
) -> HttpResponse:
    invitation = _invitation(organisation, invitation_id)
    try:
        services.invitation_renew(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is sent again with a new link")
            % {"email": invitation.email},
        )
    return redirect("administration:people", organisation.pk)


@administered
@require_POST
def invitation_cancel(
    request: HttpRequest, organisation: Organisation, invitation_id: int
) -> HttpResponse:
    invitation = _invitation(organisation, invitation_id)
    services.invitation_withdraw(invitation=invitation, actor=request.user)
    messages.success(
        request, _("The invitation to %(email)s is withdrawn") % {"email": invitation.email}
    )
    return redirect("administration:people", organisation.pk)


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def person(request: HttpRequest, organisation: Organisation, user_id: int) -> HttpResponse:
    someone = _person(organisation, user_id)
    form = forms.PersonForm(
        request.POST or None,
        initial={
            "first_name": someone.first_name,
            "last_name": someone.last_name,
            "email": someone.email,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.person_change(
                    organisation=organisation,
                    person=someone,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Saved"))
                return redirect("administration:person", organisation.pk, someone.pk)
        status = 400
    held = list(
        Position.objects.filter(organisation=organisation, holder=someone).order_by("role", "pk")
    )
    return _page(
        request,
        "person.html",
        organisation,
        "people",
        person=someone,
        form=form,
        positions=held,
        second_factor=selectors.has_second_factor(someone),
        is_self=someone.pk == request.user.pk,
        status=status,
    )


def _person_action(
    request: HttpRequest, organisation: Organisation, user_id: int, action: Callable, done: str
) -> HttpResponse:
    someone = _person(organisation, user_id)
    try:
        action(organisation=organisation, person=someone, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done % {"name": person_name(someone)})
    return redirect("administration:person", organisation.pk, someone.pk)


@administered
@require_POST
def person_deactivate(
    request: HttpRequest, organisation: Organisation, user_id: int
) -> HttpResponse:
    return _person_action(
        request,
        organisation,
        user_id,
        services.person_leave,
        _("%(name)s is deactivated: they can no longer log in; their signatures stay"),
    )


@administered
@require_POST
def person_reactivate(
    request: HttpRequest, organisation: Organisation, user_id: int
) -> HttpResponse:
    return _person_action(
        request,
        organisation,
        user_id,
        services.person_return,
        _("%(name)s is active again"),
    )


@administered
@require_POST
def person_second_factor_reset(
    request: HttpRequest, organisation: Organisation, user_id: int
) -> HttpResponse:
    return _person_action(
        request,
        organisation,
        user_id,
        services.person_second_factor_reset,
        _("The second factor of %(name)s is reset; they are told by e-mail"),
    )


# --- positions ---------------------------------------------------------------------------------


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def positions(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = forms.PositionForm(request.POST or None, initial={"role": Position.Role.STAFF})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            position = services.position_add(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
            messages.success(request, _("%(title)s is added") % {"title": position.title})
            return redirect("administration:positions", organisation.pk)
        status = 400
    return _page(
        request,
        "positions.html",
        organisation,
        "positions",
        positions=list(selectors.positions(organisation)),
        form=form,
        status=status,
    )


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def position(request: HttpRequest, organisation: Organisation, position_id: int) -> HttpResponse:
    row = get_object_or_404(
        Position.objects.select_related("holder"), pk=position_id, organisation=organisation
    )
    form = forms.PositionEditForm(
        request.POST or None,
        members=selectors.members(organisation),
        initial={"title": row.title, "role": row.role, "unit": row.unit, "holder": row.holder},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.position_change(
                    organisation=organisation, position=row, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Saved"))
                return redirect("administration:positions", organisation.pk)
        status = 400
    return _page(
        request, "position.html", organisation, "positions", position=row, form=form, status=status
    )


@administered
@require_POST
def position_delete(
    request: HttpRequest, organisation: Organisation, position_id: int
) -> HttpResponse:
    row = get_object_or_404(Position, pk=position_id, organisation=organisation)
    try:
        services.position_remove(organisation=organisation, position=row, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("administration:position", organisation.pk, row.pk)
    messages.success(request, _("%(title)s is removed") % {"title": row.title})
    return redirect("administration:positions", organisation.pk)


# --- acting holders ----------------------------------------------------------------------------


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def acting(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = forms.ActingForm(
        request.POST or None,
        positions=selectors.positions(organisation).exclude(role=Position.Role.STAFF),
        members=selectors.members(organisation),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appointment = services.acting_appoint(
                    organisation=organisation, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s acts for %(position)s")
                    % {
                        "name": person_name(appointment.user),
                        "position": appointment.position.title,
                    },
                )
                return redirect("administration:acting", organisation.pk)
        status = 400
    today = timezone.localdate()
    return _page(
        request,
        "acting.html",
        organisation,
        "acting",
        appointments=selectors.acting(organisation, today),
        today=today,
        form=form,
        status=status,
    )


@administered
@require_POST
def acting_delete(
    request: HttpRequest, organisation: Organisation, appointment_id: int
) -> HttpResponse:
    appointment = get_object_or_404(
        ActingAppointment.objects.select_related("position"),
        pk=appointment_id,
        position__organisation=organisation,
    )
    try:
        services.acting_remove(
            organisation=organisation, appointment=appointment, actor=request.user
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The acting appointment is removed"))
    return redirect("administration:acting", organisation.pk)


# --- the memo chain, the signers' second factor, the history -----------------------------------


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def memo_chain(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = forms.ChainForm(
        request.POST or None, initial={"roles": chain.configured_roles(organisation)}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.chain_set(
                    organisation=organisation,
                    roles=form.cleaned_data["roles"],
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The sign-off chain is saved"))
                return redirect("administration:chain", organisation.pk)
        status = 400
    today = timezone.localdate()
    return _page(
        request,
        "chain.html",
        organisation,
        "chain",
        form=form,
        steps=[
            (forms.ROLE_LABELS[step.role], step)
            for step in chain.steps(organisation, today).values()
        ],
        status=status,
    )


@administered
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = forms.SecondFactorForm(
        request.POST or None, initial={"required": organisation.signers_need_second_factor}
    )
    if request.method == "POST" and form.is_valid():
        services.second_factor_require(
            organisation=organisation, required=form.cleaned_data["required"], actor=request.user
        )
        messages.success(request, _("Saved"))
        return redirect("administration:settings", organisation.pk)
    return _page(
        request,
        "settings.html",
        organisation,
        "settings",
        form=form,
        certificate=SigningCertificate.objects.filter(organisation=organisation).first(),
    )


@administered
@require_safe
def history(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    page = Paginator(selectors.history(organisation), 50).get_page(request.GET.get("page"))
    return _page(
        request,
        "history.html",
        organisation,
        "history",
        page_obj=page,
        rows=selectors.describe(list(page.object_list)),
    )
