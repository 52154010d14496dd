from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from ita.lib.fields import ThaiDateField
from ita.results.models import AssessmentYear
from memos import roles
from memos.models import COMMENT_MAX_LENGTH, Memo, Outcome, SignOff, Urgency


class MemoForm(forms.Form):
    unit_name = forms.CharField(
        label=_("Issuing unit (ส่วนราชการ)"),
        max_length=300,
        help_text=_("As printed, e.g. งานกฎหมายและคดี สำนักปลัด องค์การบริหารส่วนตำบลสุโสะ"),
    )
    unit_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    letter_code = forms.CharField(
        label=_("Letter code"),
        max_length=40,
        required=False,
        help_text=_(
            "The number (ที่) is the code, “/” and the next number of the register, given when the memo is first sent."
        ),
    )
    # Not the browser's date picker: it shows the Christian-era year (08/25/2021).
    date = ThaiDateField(
        label=_("Date"),
        required=False,
        help_text=_("Left empty, it is the day the memo is first sent."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency (ชั้นความเร็ว)"),
        choices=Urgency.choices,
        required=False,
        help_text=_(
            "Printed in red at the top of the memo; leave it normal unless it must be handled faster."
        ),
    )
    subject = forms.CharField(label=_("Subject (เรื่อง)"), max_length=500)
    addressee = forms.CharField(label=_("To (เรียน)"), max_length=300)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Separate paragraphs with an empty line. Name references and enclosures in the body."
        ),
    )
    signature_name = forms.CharField(label=_("Signature name"), max_length=200)
    signature_position = forms.CharField(label=_("Signature position"), max_length=300)
    report_year = forms.ModelChoiceField(
        label=_("Attach the ITA report of the year"),
        queryset=AssessmentYear.objects.order_by("-year"),
        required=False,
        empty_label=_("— none —"),
    )

    @classmethod
    def initial_from(cls, memo: Memo) -> dict[str, object]:
        return {name: getattr(memo, name) for name in cls.base_fields}


class ExpectedForm(forms.Form):
    """What the user saw when they clicked: a second tab or click is told, not obeyed."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    expected_round = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class DecisionForm(ExpectedForm):
    ACTIONS = [
        (SignOff.Decision.FORWARD, _("Agree and send on")),
        (Outcome.ACKNOWLEDGED, _("Acknowledged")),
        (Outcome.APPROVED, _("Approved")),
        (Outcome.NOT_APPROVED, _("Not approved")),
        (SignOff.Decision.RETURN, _("Return to the author")),
    ]

    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    comment = forms.CharField(
        label=_("Comment (ความเห็น)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        initial: Mapping[str, object] | None = None,
        deciding: bool = False,
    ) -> None:
        super().__init__(data, initial=dict(initial or {}))
        self.deciding = deciding

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        action = data.get("action")
        if action == SignOff.Decision.RETURN and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Give the reason for returning the memo."))
        if action in Outcome.values and not self.deciding:
            self.add_error("action", _("Only the deciding step records an outcome."))
        words = roles.contradiction(action or "", data.get("comment") or "")
        if words:
            self.add_error(
                "comment",
                _("The comment begins with “%(words)s”, which contradicts your decision.")
                % {"words": words},
            )
        if action == SignOff.Decision.FORWARD and self.deciding:
            self.add_error(
                "action", _("Choose the decision: acknowledged, approved or not approved.")
            )
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class EmblemForm(forms.Form):
    """The Garuda emblem for the organisation's memos; the service checks the file itself."""

    file = forms.FileField(
        label=_("Emblem file (PNG or SVG)"),
        help_text=_(
            "Printed 1.5 cm high at the top left of every memo. PNG or SVG, at most 1 MB; "
            "an SVG may not contain scripts or links to other files."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".png,.svg,image/png,image/svg+xml", "aria-describedby": "emblem-help"}
        ),
    )


class CertificateForm(forms.Form):
    """The organisation's signing certificate: a PKCS#12 file and its password."""

    file = forms.FileField(
        label=_("Certificate file (PKCS#12: .p12 or .pfx)"),
        help_text=_(
            "The certificate with its private key, as your certification authority gave it."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"}),
    )
    password = forms.CharField(
        label=_("The file's password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class VerifyForm(forms.Form):
    """``/verify/``: a printed code, or a PDF file."""

    code = forms.CharField(label=_("Verification code"), required=False, max_length=40)
    file = forms.FileField(label=_("Or the PDF file"), required=False)
