"""The second factor's pages: set it up, verify a session, replace or remove it (its owner's
rules: ``ita.accounts.factor``)."""

from __future__ import annotations

from typing import cast
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from ita.accounts import factor, second_factor, services
from ita.accounts.models import RecoveryCode

WRONG = gettext_lazy("The code does not match; check the app's clock and retry")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("The 6-digit code from the app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Type the 6 digits the app shows")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProofForm(forms.Form):
    proof = forms.CharField(
        label=gettext_lazy("A code from your current app, or one of your recovery codes"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


def _me(request: HttpRequest) -> User:
    """The logged-in user (every page here is ``login_required``)."""
    return cast(User, request.user)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _held(request: HttpRequest) -> HttpResponse:
    """Too many wrong codes from this session or address: this try is counted too."""
    factor.count_refused(request, _me(request))
    return render(
        request,
        "registration/held.html",
        {
            "message": _(
                "Too many wrong codes from this browser or this address. Wait %(minutes)s "
                "minutes and try again; your app keeps working."
            )
            % {"minutes": settings.SECOND_FACTOR_HOLD_MINUTES}
        },
        status=429,
    )


def _status_page(
    request: HttpRequest, proof_form: ProofForm | None = None, status: int = 200
) -> HttpResponse:
    """The owner's page of a confirmed device: replace it or remove it, with a proof."""
    device = second_factor.confirmed_device(request.user)
    return render(
        request,
        "registration/otp_status.html",
        {
            "device": device,
            "form": proof_form or ProofForm(),
            "codes_left": RecoveryCode.objects.filter(
                user=_me(request), used_at__isnull=True
            ).count(),
            "next": _next(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up the second factor: scan the QR code (or type the key), then give a first code.
    Replacing a confirmed device starts with a proof that this session holds it."""
    user = _me(request)
    if request.method == "POST" and "proof" in request.POST:
        if factor.held(request):
            return _held(request)
        proof_form = ProofForm(request.POST)
        if proof_form.is_valid() and services.second_factor_prove(
            user=user,
            proof=proof_form.cleaned_data["proof"],
            request=request,
        ):
            return redirect(f"{reverse('accounts:otp_enrol')}?next={quote(_next(request))}")
        if proof_form.is_valid():
            proof_form.add_error("proof", WRONG)
        return _status_page(request, proof_form, status=400)
    has_device = second_factor.confirmed_device(user) is not None
    if has_device and not factor.proven(request, user):
        if request.method == "POST":
            return _status_page(request, status=403)
        return _status_page(request)
    device = second_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if factor.held(request):
            return _held(request)
        codes = None
        if form.is_valid():
            codes = services.second_factor_confirm(
                device=device,
                token=form.cleaned_data["token"].strip(),
                actor=user,
                request=request,
            )
        if codes is not None:
            otp_login(request, device)
            return render(
                request, "registration/otp_codes.html", {"codes": codes, "next": _next(request)}
            )
        if form.is_valid():
            form.add_error("token", WRONG)
        status = 400
    return render(
        request,
        "registration/otp_enrol.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device),
            "secret": second_factor.secret_text(device),
            "has_device": has_device,
            "next": _next(request),
        },
        status=status,
    )


@login_required
@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    """Remove the second factor, with a proof of ownership given in the same form."""
    if factor.held(request):
        return _held(request)
    form = ProofForm(request.POST)
    if not form.is_valid():
        return _status_page(request, form, status=400)
    if not services.second_factor_prove(
        user=_me(request),
        proof=form.cleaned_data["proof"],
        request=request,
    ):
        form.add_error("proof", WRONG)
        return _status_page(request, form, status=400)
    services.second_factor_remove(
        user=_me(request),
        actor=request.user,
        request=request,
    )
    messages.success(request, _("The second factor is removed; you may set up a new app"))
    return redirect("accounts:otp_enrol")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Give a code from the app to verify this session (before signing, when required)."""
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('accounts:otp_enrol')}?next={quote(_next(request))}")
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if factor.held(request):
            return _held(request)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["token"].strip()):
                otp_login(request, device)
                return redirect(_next(request))
            services.code_refused(user=_me(request), request=request)
            form.add_error("token", WRONG)
        status = 400
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )
