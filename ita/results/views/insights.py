"""Where an organisation stands: the province overview and the organisation's trends.

Each page builds its tables once (``ita.tables``); the charts are drawn from the same tables'
figures, and ``?download=<table>&format=csv|xlsx`` returns any of them as a file.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ita.history.published import public_page
from ita.lib import charts, tables
from ita.lib.tables import Column, Table
from ita.organisations.models import Organisation, Province
from ita.results import insights
from ita.results.forms import DownloadForm, OrganisationInsightsForm, OverviewForm
from ita.results.models import AssessmentYear, Source, Tool
from ita.results.views.results import year_or_404


def _download_links(request: HttpRequest, items: list[Table]) -> None:
    """Each table's CSV and XLSX address: the page's own query plus the table and format."""
    for table in items:
        for fmt in tables.FORMATS:
            query: QueryDict = request.GET.copy()
            query["download"] = table.key
            query["format"] = fmt
            setattr(table, f"{fmt}_url", "?" + query.urlencode())


def _maybe_download(form: DownloadForm, items: list[Table], stem: str) -> HttpResponse | None:
    key = form.cleaned_data.get("download") if form.is_valid() else None
    if not key:
        return None
    table = tables.find(items, key)
    if table is None:
        return HttpResponseBadRequest(
            _("There is no table “%(key)s” on this page.") % {"key": key},
            content_type="text/plain; charset=utf-8",
        )
    return tables.download(table, form.cleaned_data.get("format") or "csv", stem)


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _group_table(key: str, title: str, first: str, groups: list, highlight: str | None) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[
            Column("label", first),
            Column("organisations", _("Organisations"), "int"),
            Column("with_total", _("With a total"), "int"),
            Column("passed", _("Passed"), "int"),
            Column("pass_rate", _("Pass rate (%)"), "percent"),
            Column("mean", _("Mean total"), "score"),
        ],
        rows=[
            {
                "key": g.key,
                "label": g.label,
                "organisations": g.organisations,
                "with_total": g.with_total,
                "passed": g.passed,
                "pass_rate": g.pass_rate,
                "mean": g.mean,
            }
            for g in groups
        ],
        highlight_key="key",
        highlight=highlight,
    )


def _source_label(source: str) -> str:
    """Where a level or pass/fail came from, in words ("" when there is none)."""
    return str(Source(source).label) if source else ""


def _ranking_table(
    key: str, title: str, rows: list[insights.RankedRow], org_id: int | None
) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[
            Column("province_rank", _("Rank in the province"), "int"),
            Column("district_rank", _("Rank in the district"), "int"),
            Column("name", _("Organisation"), link="url"),
            Column("district", _("District")),
            Column("total", _("Total"), "score"),
            Column("level", _("Level")),
            Column("level_source", _("level from")),
            Column("change", _("Change vs last year"), "signed"),
            Column("passed", _("Against the pass mark"), "passed"),
            Column("passed_source", _("pass/fail from")),
        ],
        rows=[
            {
                "id": r.organisation_id,
                "url": reverse("organisation_insights", args=[r.organisation_id]),
                "province_rank": r.province_rank,
                "district_rank": r.district_rank,
                "name": r.name,
                "district": r.district,
                "total": r.total,
                "level": r.level,
                "level_source": _source_label(r.level_source),
                "change": r.change,
                "passed": r.passed,
                "passed_source": _source_label(r.passed_source),
            }
            for r in rows
        ],
        highlight_key="id",
        highlight=org_id,
    )


@require_safe
@public_page(params=OverviewForm.base_fields)
def province_overview(request: HttpRequest, year: int, province_id: int) -> HttpResponse:
    year_obj = year_or_404(year)
    province = get_object_or_404(Province, pk=province_id)
    form = OverviewForm(request.GET or None)
    highlight_id = form.cleaned_data.get("highlight") if form.is_valid() else None

    summary = insights.province_summary(year_obj, province)
    ranked = insights.ranked_rows(year_obj, province)
    choices = list(
        Organisation.objects.filter(district__province=province)
        .order_by("name")
        .values_list("pk", "name")
    )
    names = dict(choices)
    chosen_name = names.get(highlight_id) if highlight_id else None
    standing = (
        insights.standing(ranked, highlight_id, summary.bins)
        if highlight_id and chosen_name
        else None
    )
    row = standing.row if standing else None

    distribution = Table(
        key="distribution",
        title=_("Distribution of totals"),
        columns=[
            Column("band", _("Total from – below")),
            Column("count", _("Organisations"), "int"),
        ],
        rows=[{"band": b.label, "count": b.count} for b in summary.bins],
        highlight_key="band",
        highlight=summary.bins[standing.bin_index].label
        if standing and standing.bin_index is not None
        else None,
    )
    level_rows = insights.level_counts(year_obj, province)
    levels = Table(
        key="levels",
        title=_("Organisations by level"),
        columns=[
            Column("level", _("Level")),
            Column("count", _("Organisations"), "int"),
            Column("share", _("Share (%)"), "percent"),
        ],
        rows=[
            {
                "level": level or _("(none recorded)"),
                "count": n,
                "share": insights.share(n, summary.assessed),
            }
            for level, n in level_rows
        ],
        highlight_key="level",
        highlight=row.level if row else None,
    )
    districts = _group_table(
        "districts",
        _("Pass rate by district"),
        _("District"),
        insights.pass_rates_by_district(year_obj, province),
        str(row.district_id) if row else None,
    )
    kinds = _group_table(
        "kinds",
        _("Pass rate by kind of organisation"),
        _("Kind"),
        insights.pass_rates_by_kind(year_obj, province),
        row.kind if row else None,
    )
    if standing:
        province_ranking = _ranking_table(
            "province-ranking",
            _("Ranking in the province (neighbours)"),
            standing.neighbours,
            highlight_id,
        )
        district_ranking = _ranking_table(
            "district-ranking",
            _("Ranking in the district %(district)s") % {"district": standing.row.district},
            standing.district_rows,
            highlight_id,
        )
        items = [distribution, levels, districts, kinds, province_ranking, district_ranking]
    else:
        province_ranking = _ranking_table(
            "province-ranking", _("Ranking in the province (top 10)"), ranked[:10], None
        )
        district_ranking = None
        items = [distribution, levels, districts, kinds, province_ranking]

    stem = f"ita-{year_obj.year}-province-{province.pk}-overview"
    response = _maybe_download(form, items, stem)
    if response is not None:
        return response
    _download_links(request, items)

    figures = _province_charts(
        year_obj, province, summary, distribution, levels, districts, kinds, chosen_name
    )
    return render(
        request,
        "ita/province_overview.html",
        {
            "year": year_obj,
            "province": province,
            "form": form,
            "summary": summary,
            "choices": choices,
            "highlight_id": highlight_id,
            "chosen_name": chosen_name,
            "standing": standing,
            "figures": figures,
            "province_ranking": province_ranking,
            "district_ranking": district_ranking,
            "other_years": AssessmentYear.objects.exclude(pk=year_obj.pk).order_by("-year"),
        },
    )


def _province_charts(
    year: AssessmentYear,
    province: Province,
    summary: insights.Summary,
    distribution: Table,
    levels: Table,
    districts: Table,
    kinds: Table,
    chosen: str | None,
) -> list[tuple[Table, str]]:
    busiest = max(summary.bins, key=lambda b: b.count)
    highlight = next(
        (k for k, r in enumerate(distribution.rows) if distribution.is_highlighted(r)), None
    )
    histogram = charts.columns(
        key="chart-distribution",
        title=distribution.title,
        desc=_(
            "Totals of %(n)s organisations of %(province)s in %(year)s in bands of five points; "
            "the largest band is %(band)s with %(count)s organisations. Mean %(mean)s."
        )
        % {
            "n": summary.with_total,
            "province": province.name,
            "year": year.year,
            "band": busiest.label,
            "count": busiest.count,
            "mean": summary.mean if summary.mean is not None else "–",
        }
        + (
            " " + _("★ marks the band of %(name)s.") % {"name": chosen}
            if chosen and highlight is not None
            else ""
        ),
        labels=[r["band"] for r in distribution.rows],
        values=[r["count"] for r in distribution.rows],
        highlight=highlight,
        highlight_note=chosen if chosen and highlight is not None else "",
    )
    peak = max([r["count"] for r in levels.rows] + [1])
    level_chart = charts.bars(
        key="chart-levels",
        title=levels.title,
        desc=", ".join(f"{r['level']}: {r['count']}" for r in levels.rows),
        rows=[
            charts.Bar(
                r["level"],
                r["count"],
                f"{r['count']} ({_percent(r['share'])})",
                levels.is_highlighted(r),
            )
            for r in levels.rows
        ],
        scale=peak,
    )
    reference = (
        (summary.pass_rate, _("province %(rate)s") % {"rate": _percent(summary.pass_rate)})
        if summary.pass_rate is not None
        else None
    )
    figures: list[tuple[Table, str]] = [(distribution, histogram), (levels, level_chart)]
    for table in (districts, kinds):
        groups = table.rows
        figures.append(
            (
                table,
                charts.bars(
                    key=f"chart-{table.key}",
                    title=table.title,
                    desc="; ".join(
                        f"{r['label']}: {_percent(r['pass_rate'])} ({r['passed']}/{r['with_total']})"
                        for r in groups
                    ),
                    rows=[
                        charts.Bar(
                            r["label"],
                            r["pass_rate"],
                            f"{_percent(r['pass_rate'])} ({r['passed']}/{r['with_total']})",
                            table.is_highlighted(r),
                        )
                        for r in groups
                    ],
                    reference=reference,
                    label_w=300 if table.key == "kinds" else 200,
                ),
            )
        )
    return figures


# --- The organisation over the years ---------------------------------------------------------


@require_safe
@public_page(params=OrganisationInsightsForm.base_fields)
def organisation_insights(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.select_related("district__province"), pk=pk
    )
    form = OrganisationInsightsForm(request.GET or None)
    results = insights.organisation_years(organisation)
    wanted = form.cleaned_data.get("year") if form.is_valid() else None
    scored = [r.year for r in results if r.tools]
    known = [r.year for r in results]
    profile_year = (
        wanted if wanted in known else (scored[-1] if scored else (known[-1] if known else None))
    )
    profile = None
    if profile_year is not None:
        year_obj = AssessmentYear.objects.prefetch_related("indicators").get(year=profile_year)
        profile = insights.indicator_profile(organisation, year_obj)

    years_table = _years_table(results)
    ranks_table = _ranks_table(results)
    items = [years_table, ranks_table]
    profile_table = _profile_table(profile, organisation) if profile else None
    if profile_table:
        items.insert(1, profile_table)
    response = _maybe_download(form, items, f"ita-organisation-{organisation.pk}")
    if response is not None:
        return response
    _download_links(request, items)

    figures = [(years_table, _years_chart(results, organisation))]
    if profile and profile_table:
        figures.append((profile_table, _profile_chart(profile, organisation)))
    figures.append((ranks_table, _ranks_chart(results, organisation)))
    return render(
        request,
        "ita/organisation_insights.html",
        {
            "organisation": organisation,
            "results": results,
            "latest": results[-1] if results else None,
            "profile": profile,
            "profile_years": known,
            "wrong_year": wanted is not None and wanted not in known,
            "wanted": wanted,
            "figures": figures,
        },
    )


def _years_table(results: list[insights.YearResult]) -> Table:
    return Table(
        key="years",
        title=_("Total and tools over the years"),
        columns=[
            Column("year", _("Fiscal year"), "int"),
            Column("total", _("Total"), "score"),
            *(Column(t.value, t.value, "score") for t in Tool),
            Column("level", _("Level")),
            Column("passed", _("Against the pass mark"), "passed"),
            Column("province_mean", _("Province mean"), "score"),
            Column("province_n", _("Organisations in the province mean"), "int"),
        ],
        rows=[
            {
                "year": r.year,
                "total": r.assessment.total,
                **{t.value: r.tools.get(t.value) for t in Tool},
                "level": r.assessment.level,
                "passed": r.assessment.passed,
                "province_mean": r.province_mean,
                "province_n": r.province_count,
            }
            for r in results
        ],
    )


def _ranks_table(results: list[insights.YearResult]) -> Table:
    return Table(
        key="ranks",
        title=_("Rank over the years"),
        columns=[
            Column("year", _("Fiscal year"), "int"),
            Column("total", _("Total"), "score"),
            Column("province_rank", _("Rank in the province"), "int"),
            Column("province_count", _("Ranked in the province"), "int"),
            Column("province_change", _("Places gained in the province"), "int"),
            Column("district_rank", _("Rank in the district"), "int"),
            Column("district_count", _("Ranked in the district"), "int"),
            Column("district_change", _("Places gained in the district"), "int"),
        ],
        rows=[
            {
                "year": r.year,
                "total": r.assessment.total,
                "province_rank": r.province_rank,
                "province_count": r.province_count,
                "province_change": _signed_int(r.province_rank_change),
                "district_rank": r.district_rank,
                "district_count": r.district_count,
                "district_change": _signed_int(r.district_rank_change),
            }
            for r in results
        ],
        note=_("Places gained: a positive number means the organisation moved up the ranking."),
    )


def _signed_int(value: int | None) -> str | None:
    return None if value is None else f"{value:+d}"


def _profile_table(profile: insights.Profile, organisation: Organisation) -> Table:
    lines = [*profile.indicators, *profile.tools, profile.total]
    return Table(
        key="profile",
        title=_("Indicator profile, fiscal year %(year)s") % {"year": profile.year.year},
        columns=[
            Column("label", _("Indicator")),
            Column("own", organisation.short_kind + organisation.short_name, "score"),
            Column("province", _("Province average"), "score"),
            Column("province_n", _("Organisations in the province average"), "int"),
            Column("kind", _("Average of its kind"), "score"),
            Column("kind_n", _("Organisations in the average of its kind"), "int"),
            Column("vs_province", _("Difference from the province"), "signed"),
            Column("vs_kind", _("Difference from its kind"), "signed"),
        ],
        rows=[
            {
                "label": line.label or _("Total"),
                "own": line.own,
                "province": line.province,
                "province_n": line.province_n,
                "kind": line.kind,
                "kind_n": line.kind_n,
                "vs_province": line.versus_province,
                "vs_kind": line.versus_kind,
            }
            for line in lines
        ],
        note=_(
            "Indicator averages: %(p)s organisations of the province and %(k)s organisations "
            "of the kind “%(kind)s” nationwide have indicator scores; the totals' averages: "
            "%(tp)s and %(tk)s. No average is shown of fewer than %(min)s organisations."
        )
        % {
            "p": profile.province_count,
            "k": profile.kind_count,
            "tp": profile.total.province_n,
            "tk": profile.total.kind_n,
            "kind": organisation.get_kind_display(),
            "min": insights.MIN_PEERS,
        },
    )


def _years_chart(results: list[insights.YearResult], organisation: Organisation) -> str:
    series = [
        charts.Series(_("Total"), [r.assessment.total for r in results]),
        *(charts.Series(t.value, [r.tools.get(t.value) for r in results]) for t in Tool),
    ]
    series.append(charts.Series(_("Province mean"), [r.province_mean for r in results]))
    values = [v for s in series for v in s.values if v is not None]
    low = min([*values, Decimal(50)])
    low = Decimal(int(low // 10) * 10)
    latest = results[-1] if results else None
    return charts.lines(
        key="chart-years",
        title=_("Total and tools over the years"),
        desc=_("%(name)s: total by fiscal year %(pairs)s.")
        % {
            "name": organisation.name,
            "pairs": ", ".join(
                f"{r.year} {r.assessment.total if r.assessment.total is not None else '–'}"
                for r in results
            ),
        }
        + (
            " " + _("Latest province mean %(mean)s.") % {"mean": latest.province_mean}
            if latest and latest.province_mean is not None
            else ""
        ),
        x_labels=[str(r.year) for r in results],
        series=series,
        low=low,
        high=100,
        ticks=list(range(int(low), 101, 10)),
    )


def _profile_chart(profile: insights.Profile, organisation: Organisation) -> str:
    lines = [*profile.indicators, *profile.tools, profile.total]
    scored = [(line.own, line) for line in profile.indicators if line.own is not None]
    lowest = min(scored, key=lambda pair: pair[0], default=None)
    weakest = lowest[1] if lowest is not None else None
    return charts.grouped_bars(
        key="chart-profile",
        title=_("Indicator profile, fiscal year %(year)s") % {"year": profile.year.year},
        desc=_("Scores of %(name)s beside the province's and its kind's averages.")
        % {"name": organisation.name}
        + (
            " "
            + _("Its lowest indicator is %(label)s at %(score)s.")
            % {"label": weakest.label, "score": weakest.own}
            if weakest
            else ""
        ),
        categories=[line.label or _("Total") for line in lines],
        series=[
            charts.Series(
                organisation.short_kind + organisation.short_name, [x.own for x in lines]
            ),
            charts.Series(_("Province average"), [x.province for x in lines]),
            charts.Series(_("Average of its kind"), [x.kind for x in lines]),
        ],
    )


def _ranks_chart(results: list[insights.YearResult], organisation: Organisation) -> str:
    worst = max([r.province_count for r in results] + [2])
    return charts.lines(
        key="chart-ranks",
        title=_("Rank over the years"),
        desc=_("%(name)s: rank in the province by fiscal year %(pairs)s (1 is best).")
        % {
            "name": organisation.name,
            "pairs": ", ".join(
                f"{r.year} {r.province_rank or '–'}/{r.province_count}" for r in results
            ),
        },
        x_labels=[str(r.year) for r in results],
        series=[
            charts.Series(_("Rank in the province"), [r.province_rank for r in results]),
            charts.Series(_("Rank in the district"), [r.district_rank for r in results]),
        ],
        low=1,
        high=worst,
        invert=True,
        ticks=sorted({1, max(1, worst // 2), worst}),
    )
