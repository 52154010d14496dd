from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ita.imports import parsing
from ita.imports.models import ImportBatch
from ita.organisations.models import Province


class ImportUploadForm(forms.Form):
    """A file or pasted text, the year and (when the table does not say) the province."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    text = forms.CharField(
        label=_("Or paste the table's text (copied from the PDF)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 100, "spellcheck": "false"}),
    )
    year = forms.IntegerField(label=_("Fiscal year (BE)"), min_value=2500, max_value=2700)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.order_by("name"),
        required=False,
        empty_label=_("As the table says"),
    )
    kind = forms.ChoiceField(
        label=_("Table kind"),
        required=False,
        choices=[("", _("Detect from the header")), *ImportBatch.Kind.choices],
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        limit = min(parsing.MAX_BYTES, settings.MAX_UPLOAD_BYTES)
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(upload.size / 1024 / 1024, 1), "limit": limit // 1024 // 1024}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        has_file = data.get("file") is not None
        has_text = bool((data.get("text") or "").strip())
        if has_file == has_text and not self.errors.get("file"):
            raise forms.ValidationError(
                _("Choose a file or paste the table's text (one of the two).")
            )
        return data

    def payload(self) -> tuple[bytes, str, str]:
        """(bytes, file name, source) of what was given."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read(), upload.name, ImportBatch.Source.UPLOAD
        return self.cleaned_data["text"].encode("utf-8"), "", ImportBatch.Source.PASTE


class ResolveForm(forms.Form):
    """An unknown name: one of the suggested organisations, or a new one."""

    choice = forms.CharField()

    def clean_choice(self) -> str:
        value = self.cleaned_data["choice"]
        if value != "create" and not (value.isdigit() and int(value) > 0):
            raise forms.ValidationError(_("Choose an organisation, or create a new one."))
        return value
