"""An organisation's public page: its published results over the years, each tool's scores,
weights and contributions, and the issues its report found (the report's findings)."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ita.history.published import public_page
from ita.organisations.models import Organisation
from ita.results.selectors import organisation_assessments, tool_tables
from measures.models import Finding


@require_GET
@public_page
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("district__province"), pk=pk
    )
    assessments = organisation_assessments(organisation)
    prefetch_related_objects(
        assessments, Prefetch("findings", queryset=Finding.objects.select_related("indicator"))
    )
    detailed = []
    for a in assessments:
        findings = list(a.findings.all())
        if not (a.scores.all() or findings):
            continue
        tools = tool_tables(a)
        for table in tools:
            table["findings"] = [f for f in findings if f.tool == table["tool"].value]
        detailed.append({"assessment": a, "tools": tools})
    return render(
        request,
        "measures/organisation_detail.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "detailed": detailed,
            "aliases": list(organisation.aliases.all()),
        },
    )
