"""The account pages: change and reset a password, set up and use the second factor."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from ita.accounts import second_factor, services
from ita.history.models import EventKind


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_event(
            action=EventKind.PASSWORD_CHANGE, user=self.request.user, request=self.request
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Whether the address is known is not said, here or in the history.
        services.account_event(
            action=EventKind.PASSWORD_RESET_REQUEST, user=None, request=self.request
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.account_event(
            action=EventKind.PASSWORD_RESET, user=form.user, request=self.request
        )
        return response


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("The 6-digit code from the app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Type the 6 digits the app shows")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: scan the QR code (or type the key), then give a first code."""
    device = second_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and services.second_factor_confirm(
            device=device, token=form.cleaned_data["token"].strip(), actor=request.user
        ):
            otp_login(request, device)
            messages.success(request, _("The second factor is set up; this session is verified"))
            return redirect(_next(request))
        if form.is_valid():
            form.add_error("token", _("The code does not match; check the app's clock and retry"))
        status = 400
    return render(
        request,
        "registration/otp_enrol.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device),
            "secret": second_factor.secret_text(device),
            "has_device": second_factor.confirmed_device(request.user) is not None,
            "next": _next(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Give a code from the app to verify this session (before signing, when required)."""
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:otp_enrol')}?next={quote(_next(request))}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                return redirect(_next(request))
            services.account_event(
                action=EventKind.SECOND_FACTOR_FAILED, user=request.user, request=request
            )
            form.add_error("token", _("The code does not match; check the app's clock and retry"))
        status = 400
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page django-axes shows to a locked account or address (``AXES_LOCKOUT_CALLABLE``)."""
    return render(
        request,
        "registration/locked.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": round(settings.AXES_COOLOFF_TIME * 60),
        },
        status=429,
    )
