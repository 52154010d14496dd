from typing import TypedDict

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ita.organisations.models import District, Organisation, Province
from ita.results.selectors import SORT_KEYS


class Filters(TypedDict):
    """What ``province_results`` filters and sorts the table by."""

    district_id: int | None
    kind: str
    level: str
    passed: bool | None
    sort: str
    descending: bool


class ResultsFilterForm(forms.Form):
    """The province table's filters and sort order, from the query string."""

    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("All districts"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    level = forms.ChoiceField(label=_("Level"), required=False)
    passed = forms.ChoiceField(
        label=_("Pass mark"),
        required=False,
        choices=[("", _("All")), ("yes", _("Passed")), ("no", _("Not passed"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(k, k) for k in SORT_KEYS] + [(f"-{k}", k) for k in SORT_KEYS],
    )

    def __init__(
        self, data: QueryDict | None = None, *, province: Province, levels: list[str]
    ) -> None:
        super().__init__(data)
        district, kind, level = self.fields["district"], self.fields["kind"], self.fields["level"]
        assert isinstance(district, forms.ModelChoiceField)
        assert isinstance(kind, forms.ChoiceField) and isinstance(level, forms.ChoiceField)
        district.queryset = District.objects.filter(province=province)
        # Agencies that are not local governments, and the special-form local governments, are
        # listed only where an import stored one.
        rare = {Organisation.Kind.AGENCY, Organisation.Kind.SPECIAL}
        stored = set(
            Organisation.objects.filter(kind__in=rare)
            .order_by()
            .values_list("kind", flat=True)
            .distinct()
        )
        kinds = [(k, label) for k, label in Organisation.Kind.choices if k not in rare - stored]
        kind.choices = [("", _("All kinds")), *kinds]
        level.choices = [("", _("All levels"))] + [(lv, lv) for lv in levels]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        passed = {"yes": True, "no": False}.get(data.get("passed") or "")
        sort = data.get("sort") or "rank"
        return {
            "district_id": data["district"].pk if data.get("district") else None,
            "kind": data.get("kind") or "",
            "level": data.get("level") or "",
            "passed": passed,
            "sort": sort.lstrip("-"),
            "descending": sort.startswith("-"),
        }


class DownloadForm(forms.Form):
    """Which table of an overview page to download, and as what (``?download=<key>&format=``)."""

    download = forms.CharField(required=False, max_length=40)
    format = forms.ChoiceField(
        required=False, choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv"
    )


class OverviewForm(DownloadForm):
    highlight = forms.IntegerField(label=_("Organisation"), required=False, min_value=1)


class OrganisationInsightsForm(DownloadForm):
    year = forms.IntegerField(label=_("Fiscal year"), required=False, min_value=2500)
