"""The public pages of the report: an organisation's page (its published results over the years,
each tool's scores, weights and contributions, and its published reports) and each published
report, as the memo carried it to the mayor, with the memo's signed PDF.

Nothing of a report being worked on shows here (findings, measures, the OIT checklist): only
what ``measures.publishing`` made public.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ita.history.published import public_page
from ita.organisations.models import Organisation
from ita.results.selectors import organisation_assessments, tool_tables
from measures.files import evidence_response
from measures.models import PublishedImplementation, PublishedReport
from measures.publishing import (
    implementation_publication_for,
    implementation_url,
    public_url,
    publication_for,
    published_of,
)


@require_safe
@public_page
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("district__province"), pk=pk
    )
    assessments = organisation_assessments(organisation)
    detailed = [{"assessment": a, "tools": tool_tables(a)} for a in assessments if a.scores.all()]
    return render(
        request,
        "measures/organisation_detail.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "detailed": detailed,
            "aliases": list(organisation.aliases.all()),
            "published": list(published_of(organisation)),
            "implementations": {
                p.report.assessment.year.year
                for p in PublishedImplementation.objects.filter(
                    report__assessment__organisation=organisation
                ).select_related("report__assessment__year")
            },
        },
    )


def _publication(org_id: int, year: int) -> PublishedReport:
    publication = publication_for(org_id, year)
    if publication is None:
        raise Http404("No such published report.")
    return publication


@require_safe
def report_published(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    publication = _publication(org_id, year)
    return render(
        request,
        "measures/published_report.html",
        {
            "publication": publication,
            "organisation": publication.assessment.organisation,
            "year": year,
            "address": public_url(org_id, year),
        },
    )


@require_safe
def report_published_pdf(request: HttpRequest, org_id: int, year: int) -> FileResponse:
    publication = _publication(org_id, year)
    try:
        pdf = publication.pdf.open("rb")
    except FileNotFoundError:  # MEDIA_ROOT not restored with the database: docs/operations.md
        raise Http404("The published PDF is missing.") from None
    response = FileResponse(
        pdf,
        filename=f"ita-report-{org_id}-{year}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _implementation(org_id: int, year: int) -> PublishedImplementation:
    publication = implementation_publication_for(org_id, year)
    if publication is None:
        raise Http404("No such published implementation report.")
    return publication


@require_safe
def implementation_published(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    """What was done about the year's measures, as its memo carried it, with the evidence files
    its author chose to publish: beside the year's report."""
    publication = _implementation(org_id, year)
    return render(
        request,
        "measures/published_implementation.html",
        {
            "publication": publication,
            "organisation": publication.report.assessment.organisation,
            "year": year,
            "address": implementation_url(org_id, year),
            "evidence": list(publication.evidence.order_by("pk")),
            "report_published": publication_for(org_id, year) is not None,
        },
    )


@require_safe
def implementation_published_pdf(request: HttpRequest, org_id: int, year: int) -> FileResponse:
    publication = _implementation(org_id, year)
    try:
        pdf = publication.pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The published PDF is missing.") from None
    response = FileResponse(
        pdf, filename=f"ita-implementation-{org_id}-{year}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def implementation_evidence(request: HttpRequest, org_id: int, year: int, pk: int) -> FileResponse:
    """An evidence file its author chose to publish with the report; any other is not found.
    Served as what its content is (``measures.files``)."""
    publication = _implementation(org_id, year)
    evidence = publication.evidence.filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such published file.")
    return evidence_response(evidence)
