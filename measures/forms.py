"""Forms validate and convert; the views hand ``cleaned_data`` to the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from ita.lib.fields import ThaiDateField, ThaiMonthField
from ita.results.models import Assessment, Indicator, Tool
from measures import periods
from measures.models import Finding, Measure, OitItem, OitStatus
from measures.selectors import OitReading, oit_items_for
from measures.services.checklist import OitAnswer
from measures.services.measures import MeasureData

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# "๑. ", "1) " at the start of a pasted step: the order is kept by position, not by the number.
_STEP_NUMBER = re.compile(r"^\s*[0-9๐-๙]{1,3}\s*[.)]\s*")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *, label: StrOrPromise, required: bool, help_text: StrOrPromise) -> None:
        super().__init__(
            label=label, required=required, help_text=help_text, widget=MultipleFileInput()
        )

    def clean(self, data: object, initial: object = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in items if d]


class OitItemsField(forms.ModelMultipleChoiceField):
    """The year's OIT items an organisation sees (the country's and its own), named as it
    corrected them (``selectors.oit_items_for``): ``offer`` sets both for one report."""

    def __init__(self, *, label: StrOrPromise) -> None:
        super().__init__(
            OitItem.objects.none(),
            label=label,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.names: dict[int, str] = {}

    def offer(self, assessment: Assessment) -> None:
        self.names = {
            i.pk: f"{i.code} {i.name}"
            for i in oit_items_for(assessment.organisation_id, assessment.year)
        }
        self.queryset = OitItem.objects.filter(year=assessment.year_id).seen_by(
            assessment.organisation_id
        )

    def label_from_instance(self, obj: OitItem) -> str:
        return self.names.get(obj.pk, f"{obj.code} {obj.name}")


class FindingsField(forms.ModelMultipleChoiceField):
    """A report's findings, each named by its tool and text."""

    def label_from_instance(self, obj: Finding) -> str:
        return f"{obj.tool}: {obj.text}"


def _oit_choices(field: forms.Field, assessment: Assessment) -> None:
    assert isinstance(field, OitItemsField)
    field.offer(assessment)


class FindingForm(forms.Form):
    tool = forms.ChoiceField(label=_("Tool"), choices=Tool.choices)
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=Indicator.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Issue to improve"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    oit_items = OitItemsField(label=_("OIT items cited"))

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        assessment: Assessment,
        initial: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial or {}))
        self.assessment = assessment
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = Indicator.objects.filter(year=assessment.year_id)
        _oit_choices(self.fields["oit_items"], assessment)

    def only_tool(self, tool: str) -> None:
        """Offer only ``tool``'s indicators (the form was opened for that tool)."""
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = Indicator.objects.filter(
            year=self.assessment.year_id, tool=tool
        ).order_by("number")

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        indicator, tool = data.get("indicator"), data.get("tool")
        if indicator is not None and tool and indicator.tool != tool:
            self.add_error(
                "indicator",
                _("Indicator %(number)s belongs to %(indicator_tool)s, not %(tool)s.")
                % {"number": indicator.number, "indicator_tool": indicator.tool, "tool": tool},
            )
        return data


class MeasureInitial(TypedDict):
    """A measure's form as its stored row fills it."""

    title: str
    steps_lead: str
    steps: str
    responsible_unit: str
    start_month: dt.date | None
    end_month: dt.date | None
    follow_up: str
    table: int
    findings: list[Finding]
    indicators: list[Indicator]
    oit_items: list[OitItem]


class MeasureForm(forms.Form):
    title = forms.CharField(label=_("Measure (มาตรการ/แนวทาง)"), max_length=500)
    steps_lead = forms.CharField(
        label=_("Introduction to the steps"),
        max_length=300,
        required=False,
        help_text=_("Optional, printed before the steps, e.g. ปรับปรุงเว็บไซต์ ดังนี้"),
    )
    steps = forms.CharField(
        label=_("Steps (วิธีการดำเนินการ)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("One step per line, in order; numbers in front are added when printed."),
    )
    responsible_unit = forms.CharField(
        label=_("Responsible unit (ผู้รับผิดชอบ)"), max_length=200, required=False
    )
    start_month = ThaiMonthField(label=_("First month"), required=False)
    end_month = ThaiMonthField(label=_("Last month"), required=False)
    follow_up = forms.CharField(label=_("Follow-up (การติดตามผล)"), max_length=300, required=False)
    table = forms.IntegerField(label=_("Table"), min_value=1, max_value=20, initial=1)
    findings = FindingsField(
        label=_("Findings answered"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    oit_items = OitItemsField(label=_("OIT items"))

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        assessment: Assessment,
        initial: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial or {}))
        findings, indicators = self.fields["findings"], self.fields["indicators"]
        assert isinstance(findings, FindingsField)
        assert isinstance(indicators, forms.ModelMultipleChoiceField)
        findings.queryset = Finding.objects.filter(assessment=assessment).order_by(
            "tool", "order", "pk"
        )
        indicators.queryset = Indicator.objects.filter(year=assessment.year_id)
        _oit_choices(self.fields["oit_items"], assessment)

    @staticmethod
    def initial_for(measure: Measure) -> MeasureInitial:
        return MeasureInitial(
            title=measure.title,
            steps_lead=measure.steps_lead,
            steps="\n".join(s.text for s in measure.steps.all()),
            responsible_unit=measure.responsible_unit,
            start_month=measure.start_month,
            end_month=measure.end_month,
            follow_up=measure.follow_up,
            table=measure.table,
            findings=list(measure.findings.all()),
            indicators=list(measure.indicators.all()),
            oit_items=list(measure.oit_items.all()),
        )

    def clean(self) -> dict[str, object]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_month"), data.get("end_month")
        if "start_month" in data and "end_month" in data:
            if (start is None) != (end is None):
                self.add_error(
                    "end_month" if end is None else "start_month",
                    _("Give both the first and the last month, or neither."),
                )
            elif start and end and end < start:
                self.add_error(
                    "end_month",
                    _("The last month (%(end)s) is before the first (%(start)s).")
                    % {
                        "end": periods.period_th(end, end),
                        "start": periods.period_th(start, start),
                    },
                )
        return data

    def measure_data(self) -> MeasureData:
        d = self.cleaned_data
        steps = [_STEP_NUMBER.sub("", line).strip() for line in d["steps"].splitlines()]
        return MeasureData(
            title=d["title"],
            steps=[s for s in steps if s],
            steps_lead=d["steps_lead"],
            responsible_unit=d["responsible_unit"],
            start_month=d["start_month"],
            end_month=d["end_month"],
            follow_up=d["follow_up"],
            table=d["table"],
            findings=list(d["findings"]),
            indicators=list(d["indicators"]),
            oit_items=list(d["oit_items"]),
        )


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    marks_done = forms.BooleanField(label=_("The measure is done"), required=False)

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        files: MultiValueDict[str, UploadedFile] | None = None,
    ) -> None:
        super().__init__(data, files)
        # A field named as Form.files (the uploads) is added here, not declared on the class,
        # and placed before the last tick as the page shows it.
        self.fields["files"] = MultipleFileField(
            label=_("Evidence files"),
            required=False,
            help_text=_("PDF, office documents, pictures or ZIP; several files at once."),
        )
        self.order_fields(["note", "files", "marks_done"])


class OitChecklistForm(forms.Form):
    """One status and evidence address per item of the year's checklist."""

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        rows: list[tuple[OitReading, OitStatus | None]],
    ) -> None:
        super().__init__(data)
        self.rows = rows
        for item, status in rows:
            self.fields[f"state_{item.pk}"] = forms.ChoiceField(
                label=_("Status of %(code)s") % {"code": item.code},
                choices=OitStatus.State.choices,
                initial=status.state if status else OitStatus.State.UNKNOWN,
            )
            self.fields[f"url_{item.pk}"] = forms.URLField(
                label=_("Evidence address of %(code)s") % {"code": item.code},
                required=False,
                max_length=500,
                assume_scheme="https",
                initial=status.evidence_url if status else "",
                widget=forms.URLInput(attrs={"placeholder": "https://"}),
            )

    def bound_rows(
        self,
    ) -> list[tuple[OitReading, OitStatus | None, forms.BoundField, forms.BoundField]]:
        return [
            (item, status, self[f"state_{item.pk}"], self[f"url_{item.pk}"])
            for item, status in self.rows
        ]

    def answers(self) -> dict[int, OitAnswer]:
        d = self.cleaned_data
        return {
            item.pk: OitAnswer(
                state=d[f"state_{item.pk}"],
                evidence_url=d[f"url_{item.pk}"] or "",
                note=status.note if status else "",
            )
            for item, status in self.rows
        }


class CheckDateForm(forms.Form):
    on = ThaiDateField(label=_("Memo date"), required=False)
