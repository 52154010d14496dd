"""The operators' onboarding page: a CSV of organisations and e-mail addresses, previewed, then
invited in one step (``ita.administration.onboarding``). Named permission
``accounts.onboard_administrators`` (not ``is_staff`` alone)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ita.administration import onboarding

PERMISSION = "accounts.onboard_administrators"
MAX_BYTES = 2 * 1024 * 1024


class OnboardingForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "First line: รหัส (the organisation's code) or หน่วยงาน and อำเภอ (its name and "
            "district; จังหวัด helps), and อีเมล (the administrator's e-mail)."
        ),
    )
    text = forms.CharField(
        label=_("Or paste the rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def payload(self) -> bytes:
        upload = self.cleaned_data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise ValidationError(_("The file is larger than 2 MB: split it"))
            return upload.read()
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise ValidationError(_("Choose a CSV file or paste its rows"))
        return text.encode("utf-8")


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def onboarding_page(request: HttpRequest) -> HttpResponse:
    form = OnboardingForm(request.POST or None, request.FILES or None)
    rows: list[onboarding.Row] = []
    applied = False
    csv_text = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            data = form.payload()
            rows = onboarding.read_rows(data)
            if request.POST.get("action") == "apply":
                rows = onboarding.administrators_invite(rows=rows, actor=request.user)
                applied = True
            else:
                rows = onboarding.plan(rows)
                # The confirmation posts the rows again: they are checked again when run.
                csv_text = onboarding.as_text(data)
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
            status = 400
    elif request.method == "POST":
        status = 400
    counts = onboarding.counts(rows)
    return render(
        request,
        "administration/onboarding.html",
        {
            "form": form,
            "rows": rows,
            "applied": applied,
            "csv_text": csv_text,
            "counts": [(onboarding.STATUS_LABELS[s], n, s) for s, n in sorted(counts.items())],
            "to_invite": counts.get(onboarding.INVITE, 0),
        },
        status=status,
    )
