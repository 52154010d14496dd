"""The account pages: change and reset a password, set up and use the second factor."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ita.accounts import requests, services
from ita.accounts.tokens import unlock_tokens
from ita.history.models import EventKind


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.account_event(
            action=EventKind.PASSWORD_CHANGE,
            user=self.request.user,
            data=services.seen(self.request),
        )
        return response


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to set a new password. The answer is the same whether the address is known
    or not, and so is the work done: the mail is queued either way (``ita.accounts.requests``)."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requests.password_reset_request(email=form.cleaned_data["email"], request=request)
        except requests.TooManyRequests:
            return _too_many(request)
        return redirect("accounts:password_reset_done")
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/password_reset_form.html", {"form": form}, status=status)


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _(
        "Too many requests from this address in the last hour (at most %(limit)s). Try again later."
    ) % {"limit": settings.ACCOUNT_MAIL_ADDRESS_LIMIT}
    return render(request, "registration/held.html", {"message": message}, status=429)


@require_http_methods(["POST"])
def unlock(request: HttpRequest) -> HttpResponse:
    """Ask for an unlock link for an account (from the locked page)."""
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            requests.unlock_request(username=form.cleaned_data["username"], request=request)
        except requests.TooManyRequests:
            return _too_many(request)
    return redirect("accounts:unlock_sent")


def unlock_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/unlock_sent.html")


def _unlock_user(uidb64: str, token: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return user if user is not None and unlock_tokens.check_token(user, token) else None


@require_http_methods(["GET", "HEAD", "POST"])
def unlock_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The e-mailed link: a button (a mail scanner's GET changes nothing) that gives this
    browser the account's device cookie, so it may log in despite the lockout."""
    user = _unlock_user(uidb64, token)
    if user is None:
        return render(request, "registration/unlock_confirm.html", {"valid": False}, status=400)
    if request.method == "POST":
        services.unlock_browser(user=user, request=request)
        messages.success(
            request,
            _("This browser may log in as %(username)s now; log in with your password")
            % {"username": user.get_username()},
        )
        return redirect("login")
    return render(request, "registration/unlock_confirm.html", {"valid": True, "user": user})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.account_event(
            action=EventKind.PASSWORD_RESET, user=form.user, data=services.seen(self.request)
        )
        return response


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=150)
