"""The invitation's page: the person opens the link from the mail, chooses their own login name
and password (or logs in with the account they have), and lands on their desk; where their
organisation requires it of signers, they set up the second factor first."""

from __future__ import annotations

from collections.abc import MutableMapping
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ita.accounts import invitations
from ita.accounts.invitations import InvitationRefused, NewAccount
from ita.accounts.models import Invitation
from ita.organisations.models import Position

BACKEND = "django.contrib.auth.backends.ModelBackend"


class AcceptForm(forms.Form):
    username = forms.RegexField(
        label=gettext_lazy("Login name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=gettext_lazy(
            "What you type to log in: letters, digits and @ . + - _ (your e-mail address will do)."
        ),
        error_messages={"invalid": gettext_lazy("Use only letters, digits and @ . + - _")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(
        label=gettext_lazy("First name (with title, e.g. นายสมชาย)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=gettext_lazy("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        email: str,
        initial: MutableMapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.email = email

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(
                _("The login name “%(name)s” is taken: choose another") % {"name": username}
            )
        return username

    def clean(self) -> dict:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ"))
        elif one:
            probe = get_user_model()(
                username=data.get("username", ""),
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(one, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


REFUSALS = {
    "unknown": (
        404,
        gettext_lazy(
            "This invitation link is not valid. Check that the whole link was copied from the "
            "e-mail, or ask your organisation's administrator for a new invitation."
        ),
    ),
    "accepted": (
        410,
        gettext_lazy("This invitation was already used. Log in with the login name you chose."),
    ),
    "expired": (
        410,
        gettext_lazy(
            "This invitation has expired. Ask your organisation's administrator to send it again."
        ),
    ),
    "account": (
        409,
        gettext_lazy(
            "An account with this e-mail address exists: log in with it and open the link again."
        ),
    ),
    "other_account": (
        403,
        gettext_lazy("This invitation is for another e-mail address than your account's."),
    ),
    "cancelled": (
        410,
        gettext_lazy("This invitation was withdrawn by your organisation's administrator."),
    ),
}


def _refused(request: HttpRequest, refusal: InvitationRefused) -> HttpResponse:
    status, text = REFUSALS.get(refusal.reason, REFUSALS["unknown"])
    return render(
        request,
        "accounts/invitation_refused.html",
        {"text": text, "reason": refusal.reason, "invitation": refusal.invitation},
        status=status,
    )


def _landing(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The person's desk, after the second factor where their organisation asks it of signers."""
    desk = reverse("memos:desk")
    signer = invitation.position.role != Position.Role.STAFF
    if signer and invitation.organisation.signers_need_second_factor:
        messages.info(
            request,
            _("%(organisation)s asks its signers for a second factor: set it up now")
            % {"organisation": invitation.organisation.name},
        )
        return redirect(f"{reverse('accounts:otp_enrol')}?next={quote(desk)}")
    return redirect(desk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    try:
        invitation = invitations.open_invitation(pk, token)
    except InvitationRefused as refusal:
        return _refused(request, refusal)
    existing = invitations.active_account(invitation.email)
    user: User | None = request.user if request.user.is_authenticated else None
    context: dict[str, object] = {"invitation": invitation}
    if existing is not None:
        # An account of this address exists: its owner logs in and accepts; nobody makes a
        # second one beside it.
        mine = user is not None and user.email.lower() == invitation.email
        if request.method == "POST" and mine and user is not None:
            try:
                invitations.invitation_accept_as(pk=pk, secret=token, user=user)
            except InvitationRefused as refusal:
                return _refused(request, refusal)
            messages.success(
                request,
                _("You now hold %(position)s of %(organisation)s")
                % {
                    "position": invitation.position.title,
                    "organisation": invitation.organisation.name,
                },
            )
            return _landing(request, invitation)
        context |= {
            "existing": True,
            "mine": mine,
            "login_url": f"{reverse('login')}?next={quote(request.get_full_path())}",
        }
        return render(request, "accounts/invitation.html", context)
    form = AcceptForm(
        request.POST or None,
        email=invitation.email,
        initial={
            "username": invitation.email,
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = invitations.invitation_accept(
                    pk=pk,
                    secret=token,
                    account=NewAccount(
                        username=data["username"],
                        first_name=data["first_name"].strip(),
                        last_name=data["last_name"].strip(),
                        password=data["password1"],
                    ),
                )
            except InvitationRefused as refusal:
                return _refused(request, refusal)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                login(request, new, backend=BACKEND)
                messages.success(
                    request,
                    _("Welcome. Your login name is %(username)s; you hold %(position)s")
                    % {"username": new.get_username(), "position": invitation.position.title},
                )
                return _landing(request, invitation)
        status = 400
    context |= {"form": form, "signed_in_as": user}
    return render(request, "accounts/invitation.html", context, status=status)
