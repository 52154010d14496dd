"""The cycle's forms: the year's OIT checklist items, the period of what was done, and what was
done about each measure with the evidence files to publish."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita.lib.fields import ThaiMonthField
from ita.results.models import AssessmentYear, Indicator
from measures import implementation
from measures.models import OitItem
from measures.selectors import OitReading
from measures.services.checklist import Correction, ItemData


class OitItemsForm(forms.Form):
    reviewed = forms.BooleanField(
        label=gettext_lazy("I have checked the list against the year's published checklist"),
        required=False,
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        items: list[OitItem],
        year: AssessmentYear,
    ) -> None:
        super().__init__(data)
        self.items = items
        indicators = Indicator.objects.filter(year=year).order_by("number")
        for item in items:
            p = f"item-{item.pk}-"
            self.fields[p + "number"] = forms.IntegerField(
                label=_("Number"), min_value=1, max_value=999, initial=item.number
            )
            self.fields[p + "name"] = forms.CharField(
                label=_("Name"), max_length=300, initial=item.name
            )
            self.fields[p + "indicator"] = forms.ModelChoiceField(
                label=_("Indicator"),
                queryset=indicators,
                required=False,
                initial=item.indicator_id,
            )
            self.fields[p + "group"] = forms.CharField(
                label=_("Sub-indicator"), max_length=200, required=False, initial=item.group
            )
            self.fields[p + "from_report"] = forms.BooleanField(
                label=_("Answered by the published report"),
                required=False,
                initial=item.from_report,
            )
            self.fields[p + "from_implementation"] = forms.BooleanField(
                label=_("Answered by the published implementation report"),
                required=False,
                initial=item.from_implementation,
            )

    def rows(self) -> list[tuple[OitItem, list[forms.BoundField]]]:
        names = ("number", "name", "indicator", "group", "from_report", "from_implementation")
        return [(i, [self[f"item-{i.pk}-{n}"] for n in names]) for i in self.items]

    def data_for(self) -> dict[int, ItemData]:
        d = self.cleaned_data
        return {
            i.pk: ItemData(
                number=d[f"item-{i.pk}-number"],
                name=d[f"item-{i.pk}-name"],
                indicator=d[f"item-{i.pk}-indicator"],
                group=d[f"item-{i.pk}-group"],
                from_report=d[f"item-{i.pk}-from_report"],
                from_implementation=d[f"item-{i.pk}-from_implementation"],
            )
            for i in self.items
        }


class OitCorrectionsForm(forms.Form):
    """The organisation's reading of the year's checklist: each item's name and description,
    or the item marked not applicable with the reason; and an item of its own to add."""

    new_name = forms.CharField(
        label=gettext_lazy("Name of an item to add"), max_length=300, required=False
    )
    new_description = forms.CharField(
        label=gettext_lazy("Its description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, data: Mapping[str, object] | None = None, *, items: list[OitReading]
    ) -> None:
        super().__init__(data)
        self.items = items
        for item in items:
            p = f"c-{item.pk}-"
            self.fields[p + "name"] = forms.CharField(
                label=_("Name of %(code)s") % {"code": item.code},
                max_length=300,
                required=False,
                initial=item.name,
                help_text=_("Empty: the country's name."),
            )
            self.fields[p + "description"] = forms.CharField(
                label=_("Description of %(code)s") % {"code": item.code},
                required=False,
                initial=item.description,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.fields[p + "na"] = forms.BooleanField(
                label=_("%(code)s does not apply to us") % {"code": item.code},
                required=False,
                initial=item.not_applicable,
            )
            self.fields[p + "reason"] = forms.CharField(
                label=_("Why %(code)s does not apply") % {"code": item.code},
                max_length=500,
                required=False,
                initial=item.reason,
            )

    def rows(self) -> list[tuple[OitReading, list[forms.BoundField]]]:
        names = ("name", "description", "na", "reason")
        return [(i, [self[f"c-{i.pk}-{n}"] for n in names]) for i in self.items]

    def corrections(self) -> dict[int, Correction]:
        d = self.cleaned_data
        return {
            i.pk: Correction(
                name=d[f"c-{i.pk}-name"] or "",
                description=d[f"c-{i.pk}-description"] or "",
                not_applicable=d[f"c-{i.pk}-na"],
                reason=d[f"c-{i.pk}-reason"] or "",
            )
            for i in self.items
        }

    def added(self) -> Correction:
        d = self.cleaned_data
        return Correction(name=d["new_name"], description=d["new_description"])


class PeriodForm(forms.Form):
    start_month = ThaiMonthField(label=gettext_lazy("First month"))
    end_month = ThaiMonthField(label=gettext_lazy("Last month"))


class DoneForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Printed before the table; optional."),
    )

    def __init__(
        self,
        data: Mapping[str, object] | None = None,
        *,
        rows: list[implementation.EntryRow],
        initial: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial or {}))
        self.entry_rows = rows
        for r in rows:
            e, p = r.entry, f"entry-{r.entry.pk}-"
            self.fields[p + "done"] = forms.CharField(
                label=_("What was done"),
                required=False,
                initial=e.done,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[p + "when"] = forms.CharField(
                label=_("When"), required=False, max_length=200, initial=e.when
            )
            self.fields[p + "result"] = forms.CharField(
                label=_("Result"),
                required=False,
                initial=e.result,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[p + "evidence"] = forms.MultipleChoiceField(
                label=_("Publish these evidence files with the report"),
                required=False,
                choices=[(str(f.pk), f.original_name) for f in r.evidence],
                initial=[str(pk) for pk in r.public],
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self) -> list[tuple[implementation.EntryRow, list[forms.BoundField]]]:
        names = ("done", "when", "result", "evidence")
        return [(r, [self[f"entry-{r.entry.pk}-{n}"] for n in names]) for r in self.entry_rows]

    def entries(self) -> dict[int, implementation.EntryData]:
        d = self.cleaned_data
        return {
            r.entry.pk: implementation.EntryData(
                done=d[f"entry-{r.entry.pk}-done"],
                when=d[f"entry-{r.entry.pk}-when"],
                result=d[f"entry-{r.entry.pk}-result"],
                evidence=[int(i) for i in d[f"entry-{r.entry.pk}-evidence"]],
            )
            for r in self.entry_rows
        }
