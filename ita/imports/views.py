"""Staff pages for importing score tables: upload, preview with progress, reconcile, apply, revert."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from ita.imports import blanks, choices, jobs, parsing, services
from ita.imports.describe import method_line
from ita.imports.forms import ImportUploadForm, ResolveForm
from ita.imports.messages import column_label, reason_labels
from ita.imports.messages import render as render_message
from ita.imports.method import year_method
from ita.imports.models import ImportBatch, ImportJob, ImportRow
from ita.lib import thai
from ita.organisations.models import Organisation, Province
from ita.results import methods
from ita.results.models import AssessmentYear

ROWS_PER_PAGE = 100
# How often the page of an import being applied or reverted asks again (without JavaScript).
JOB_REFRESH_SECONDS = 2
STATUS_ORDER = ["error", "warning", "new", "changed", "unchanged", "skipped"]
# Rows an administrator settles by choosing the organisation (or, for an unknown name, a new one).
RESOLVABLE = {"organisation_unknown", "place_unclear", "kind_missing", "organisation_ambiguous"}


# The operators' named permission for the score imports (``is_staff`` alone is not enough: the
# Django admin's staff flag says who may log in there, not what they may do).
PERMISSION = "imports.add_importbatch"


def staff_required(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _get_batch(pk: int) -> ImportBatch:
    # The parsed table (megabytes for a nationwide file) is read by the services, not the pages.
    return get_object_or_404(
        ImportBatch.objects.select_related(
            "province", "created_by", "applied_by", "reverted_by"
        ).defer("table"),
        pk=pk,
    )


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    latest = AssessmentYear.objects.order_by("-year").values_list("year", flat=True).first()
    # Each year's tables come once the year is over: the next one is what arrives.
    following = latest + 1 if latest else 2564
    page_error = ""
    if request.method == "POST":
        try:
            form = ImportUploadForm(request.POST, request.FILES)
            valid = form.is_valid()
        except RequestDataTooBig:
            # Pasted text beyond Django's request limit: say so instead of a bare 400.
            form = ImportUploadForm(initial={"year": following})
            page_error = _("The pasted text is too large. Upload it as a CSV or XLSX file instead.")
            valid = False
        if valid:
            data, file_name, source = form.payload()
            try:
                batch = services.import_start(
                    data=data,
                    file_name=file_name,
                    year=form.cleaned_data["year"],
                    province=form.cleaned_data["province"],
                    kind=form.cleaned_data["kind"] or None,
                    source=source,
                    actor=request.user,
                )
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                return redirect("imports:detail", pk=batch.pk)
    else:
        form = ImportUploadForm(initial={"year": following})
    batches = list(
        ImportBatch.objects.select_related("province", "created_by", "applied_by").defer(
            "table", "resolutions"
        )[:50]
    )
    return render(
        request,
        "imports/index.html",
        {
            "form": form,
            "page_error": page_error,
            "batches": batches,
            "kinds": ImportBatch.Kind.choices,
        },
    )


@require_safe
@staff_required
def template_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in ImportBatch.Kind.values or fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(blanks.as_csv(kind), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            blanks.as_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="ita-{kind}-template.{fmt}"'
    return response


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _signed(value: str | None) -> str | None:
    return None if value in (None, "") else thai.signed(Decimal(value))


def _shown(key: str, value: object) -> object:
    """A value of the preview as people read it: ผ่าน/ไม่ผ่าน, not True/False; a score as
    published (93.55), not as stored (93.5500); the change with its sign (+26.48)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        if key == "passed":
            return _("Passed") if value else _("Not passed")
        return pgettext("import preview", "Yes") if value else pgettext("import preview", "No")
    if key == "change":
        return _signed(str(value))
    if key == "total" or key.startswith(parsing.INDICATOR_PREFIX):
        return thai.score_as_published(Decimal(str(value)))
    return value


def _diff(row: ImportRow) -> list[tuple[str, object, object]]:
    after = row.after or {}
    before = row.before or {}
    lines = []
    for key in ("total", "level", "change", "passed", "rank", "derived"):
        if key in after and (row.before is None or before.get(key) != after.get(key)):
            if row.before is None and after.get(key) in (None, "", False) and key != "passed":
                continue
            old, new = _shown(key, before.get(key)), _shown(key, after.get(key))
            lines.append((column_label(key), old, new))
    old_scores = before.get("scores") or {}
    for number, score in (after.get("scores") or {}).items():
        if old_scores.get(number) != score:
            column = f"{parsing.INDICATOR_PREFIX}{number}"
            lines.append(
                (
                    column_label(column),
                    _shown(column, old_scores.get(number)),
                    _shown(column, score),
                )
            )
    return lines


@require_safe
@staff_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(pk)
    status = request.GET.get("status", "")
    rows = ImportRow.objects.filter(batch=batch).select_related("organisation__district")
    if status in ImportRow.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("line"), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    shown = [
        {
            "row": row,
            "messages": [(m["level"], render_message(m)) for m in row.messages],
            "diff": _diff(row),
            "suggestions": [
                {**s, "reasons": reason_labels(s.get("reasons", []))} for s in row.suggestions
            ],
            "resolvable": batch.status == ImportBatch.Status.READY
            and row.organisation_id is None
            and row.name
            and any(m["code"] in RESOLVABLE for m in row.messages),
            "creatable": any(m["code"] == "organisation_unknown" for m in row.messages),
        }
        for row in page.object_list
    ]
    same_file = (
        ImportBatch.objects.filter(checksum=batch.checksum, status=ImportBatch.Status.APPLIED)
        .exclude(pk=batch.pk)
        .only("pk", "applied_at")
        .first()
    )
    parts = (
        ImportBatch.objects.filter(pk=batch.pk)
        .values_list("table__skipped", "table__columns")
        .get()
    )
    skipped, columns = parts[0] or [], parts[1] or []
    counts = batch.counts or {}
    job = jobs.import_job_settle(batch=batch)
    return render(
        request,
        "imports/batch.html",
        {
            "batch": batch,
            "job": job,
            "refresh_seconds": JOB_REFRESH_SECONDS,
            "page": page,
            "rows": shown,
            "status": status,
            "status_links": [
                (s, ImportRow.Status(s).label, counts.get(s, 0))
                for s in STATUS_ORDER
                if s != ImportRow.Status.SKIPPED or counts.get(s)
            ],
            "skipped": skipped,
            "same_file": same_file,
            "columns": [column_label(c) for c in columns],
            "method_line": method_line(batch),
            "unconfirmed": not year_method(batch.year, batch.resolutions).confirmed,
            "placeable": batch.findings.get("placeable", 0)
            if not batch.resolutions.get("*create_missing")
            else 0,
            "computed": batch.resolutions.get("*applied", {}).get("year", {}).get("computed")
            if batch.status == ImportBatch.Status.APPLIED
            else None,
            "agencies": batch.findings.get("agencies", 0),
            "province_unclear": batch.findings.get("province_unclear", 0)
            if batch.province_id is None
            else 0,
            "provinces": Province.objects.order_by("name").values_list("pk", "name")
            if batch.findings.get("province_unclear") and batch.province_id is None
            else [],
            "unconfirmed_rows": batch.findings.get("unconfirmed", 0),
            "agencies_choice": batch.resolutions.get("*agencies", ""),
            "schemes": [
                (key[len("scheme:") :], methods.SCHEME_NAMES[key[len("scheme:") :]], n)
                for key, n in batch.findings.items()
                if key.startswith("scheme:") and key[len("scheme:") :] in methods.SCHEME_NAMES
            ],
        },
    )


@require_POST
@staff_required
def batch_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's choices for all its rows: create the organisations the gazetteer places,
    store or skip agencies, switch the year to the levels the table shows."""
    batch = _get_batch(pk)
    choice = request.POST.get("choice", "")
    call: Callable[[], object]
    if choice == "create_missing":
        call = lambda: choices.import_create_missing(batch=batch, actor=request.user)  # noqa: E731
    elif choice in {"agencies_store", "agencies_skip"}:
        call = lambda: choices.import_choose_agencies(  # noqa: E731
            batch=batch, choice=choice.removeprefix("agencies_"), actor=request.user
        )
    elif choice == "province":
        province = Province.objects.filter(pk=_int(request.POST.get("province"))).first()
        if province is None:
            messages.error(request, _("Choose the province of the table."))
            return redirect("imports:detail", pk=batch.pk)
        call = lambda: choices.import_choose_province(  # noqa: E731
            batch=batch, province=province, actor=request.user
        )
    elif choice == "confirm_method":
        call = lambda: choices.import_confirm_method(batch=batch, actor=request.user)  # noqa: E731
    elif choice.removeprefix("scheme_") in methods.SCHEMES:
        call = lambda: choices.import_switch_scheme(  # noqa: E731
            batch=batch, scheme=choice.removeprefix("scheme_"), actor=request.user
        )
    else:
        messages.error(request, _("Unknown choice."))
        return redirect("imports:detail", pk=batch.pk)
    _service_call(request, call, _("Chosen for the whole import; the preview is checked again."))
    return redirect("imports:detail", pk=batch.pk)


def _service_call(request: HttpRequest, call: Callable[[], object], success: str) -> bool:
    """Run a service; report its refusal as a message instead of an error page."""
    try:
        call()
    except services.AlreadyApplied as exc:
        messages.warning(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if success:
            messages.success(request, success)
        return True
    return False


@require_POST
@staff_required
def batch_check(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(pk)
    services.import_check(batch=batch, actor=request.user, limit=services.CHUNK)
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@staff_required
def batch_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(pk)
    _service_call(request, lambda: services.import_recheck(batch=batch, actor=request.user), "")
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@staff_required
def batch_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the apply for the task worker and return at once; the page shows its progress."""
    batch = _get_batch(pk)
    _service_call(
        request,
        lambda: jobs.import_job_queue(
            batch=batch, action=ImportJob.Action.APPLY, actor=request.user
        ),
        _("The import is being applied; this page shows its progress."),
    )
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@staff_required
def batch_revert(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(pk)
    _service_call(
        request,
        lambda: jobs.import_job_queue(
            batch=batch, action=ImportJob.Action.REVERT, actor=request.user
        ),
        _("The import is being reverted; this page shows its progress."),
    )
    return redirect("imports:detail", pk=batch.pk)


def _job_state(job: ImportJob | None) -> dict[str, object]:
    if job is None:
        return {"status": "", "done": 0, "total": 0, "percent": 0, "error": ""}
    return {
        "status": job.status,
        "action": job.action,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "error": job.error,
    }


@require_safe
@staff_required
def batch_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest apply's or revert's state, for the page's script (the page itself refreshes
    without it)."""
    batch = _get_batch(pk)
    job = jobs.import_job_settle(batch=batch)
    response = JsonResponse(_job_state(job))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch(pk)
    if _service_call(
        request,
        lambda: services.import_discard(batch=batch, actor=request.user),
        _("The preview was discarded."),
    ):
        return redirect("imports:index")
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@staff_required
def row_resolve(request: HttpRequest, pk: int, row_id: int) -> HttpResponse:
    batch = _get_batch(pk)
    row = get_object_or_404(ImportRow, pk=row_id, batch=batch)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation, or create a new one."))
        return redirect("imports:detail", pk=batch.pk)
    choice = form.cleaned_data["choice"]
    organisation = None
    if choice != "create":
        organisation = Organisation.objects.select_related("district").filter(pk=choice).first()
        if organisation is None:
            messages.error(request, _("That organisation no longer exists."))
            return redirect("imports:detail", pk=batch.pk)
    _service_call(
        request,
        lambda: choices.import_row_resolve(
            batch=batch,
            row=row,
            actor=request.user,
            organisation=organisation,
            create=choice == "create",
        ),
        _(
            "“%(name)s” is matched to %(org)s; the spelling is saved when the import is applied. "
            "The preview is checked again."
        )
        % {"name": row.name, "org": organisation.name}
        if organisation
        else _("“%(name)s” will be created as a new organisation; the preview is checked again.")
        % {"name": row.name},
    )
    return redirect("imports:detail", pk=batch.pk)
