"""Which stored province, district and organisation a table's row means.

Names in published tables carry text-recognition errors, so matching goes through the stored
spellings (aliases) and, for a name still unknown, ranks suggestions for the administrator:
same district, similar spelling, and scores consistent with the organisation's history.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from ita.lib.thai import clean_text, name_key
from ita.organisations.models import (
    District,
    DistrictAlias,
    Organisation,
    OrganisationAlias,
    Province,
)
from ita.results.models import Assessment

# Short forms used in tables and their full names, so อบต.สุโสะ finds องค์การบริหารส่วนตำบลสุโสะ.
ABBREVIATIONS = (
    ("อบจ.", "องค์การบริหารส่วนจังหวัด"),
    ("อบต.", "องค์การบริหารส่วนตำบล"),
    ("ทน.", "เทศบาลนคร"),
    ("ทม.", "เทศบาลเมือง"),
    ("ทต.", "เทศบาลตำบล"),
)
_KIND_PREFIXES = tuple(name_key(p) for p, _kind in Organisation.NAME_PREFIXES)
SUGGESTIONS = 5
PREFILTER = 60


def organisation_key(name: str) -> str:
    key = name_key(name)
    for short, full in ABBREVIATIONS:
        if key.startswith(name_key(short)):
            return name_key(full) + key[len(name_key(short)) :]
    return key


def expand_abbreviation(name: str) -> str:
    """อบต.ใหม่ → องค์การบริหารส่วนตำบลใหม่ (the full name an organisation is created with)."""
    compact = clean_text(name)
    for short, full in ABBREVIATIONS:
        if compact.startswith(short):
            return full + compact[len(short) :].strip()
    return compact


def district_key(name: str) -> str:
    key = name_key(name)
    for prefix in ("กิ่งอำเภอ", "อำเภอ", "อ.", "เขต"):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def province_key(name: str) -> str:
    key = name_key(name)
    for prefix in ("จังหวัด", "จ."):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def short_key(key: str) -> str:
    """The name without its kind: สุโสะ of องค์การบริหารส่วนตำบลสุโสะ (for comparing spellings)."""
    for prefix in _KIND_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


@dataclass(frozen=True)
class Org:
    id: int
    name: str
    key: str
    district_id: int
    province_id: int
    kind: str


@dataclass
class Match:
    organisation: Org | None = None
    via: str = ""  # "name" or "alias"
    province_id: int | None = None
    district_id: int | None = None
    errors: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)


class Directory:
    """Every province, district, organisation and alias, loaded once (a few queries)."""

    def __init__(self) -> None:
        self.provinces: dict[int, str] = {}
        self.province_by_key: dict[str, int] = {}
        for pk, name in Province.objects.values_list("pk", "name"):
            self.provinces[pk] = name
            self.province_by_key[province_key(name)] = pk
        self.districts: dict[int, tuple[str, int]] = {}
        self.district_by_key: dict[tuple[int, str], int] = {}
        self.districts_named: dict[str, set[int]] = {}
        for pk, name, province_id in District.objects.values_list("pk", "name", "province_id"):
            self.districts[pk] = (name, province_id)
            self._add_district_key(district_key(name), pk, province_id)
        for district_id, name in DistrictAlias.objects.values_list("district_id", "name"):
            if district_id in self.districts:
                self._add_district_key(
                    district_key(name), district_id, self.districts[district_id][1]
                )
        self.orgs: dict[int, Org] = {}
        self.org_by_district: dict[tuple[int, str], list[int]] = {}
        self.org_by_province: dict[tuple[int, str], list[int]] = {}
        self.org_by_key: dict[str, list[int]] = {}
        self.alias_by_key: dict[str, list[int]] = {}
        for pk, name, key, district_id, kind in Organisation.objects.values_list(
            "pk", "name", "name_key", "district_id", "kind"
        ):
            province_id = self.districts[district_id][1]
            org = Org(pk, name, key, district_id, province_id, kind)
            self.orgs[pk] = org
            self.org_by_district.setdefault((district_id, key), []).append(pk)
            self.org_by_province.setdefault((province_id, key), []).append(pk)
            self.org_by_key.setdefault(key, []).append(pk)
        for org_id, key in OrganisationAlias.objects.values_list("organisation_id", "name_key"):
            self.alias_by_key.setdefault(key, []).append(org_id)

    def _add_district_key(self, key: str, pk: int, province_id: int) -> None:
        self.district_by_key.setdefault((province_id, key), pk)
        self.districts_named.setdefault(key, set()).add(pk)

    def province_named(self, name: str) -> int | None:
        return self.province_by_key.get(province_key(name)) if name else None

    def district_name(self, pk: int | None) -> str:
        return self.districts[pk][0] if pk in self.districts else ""

    def match(self, *, name: str, district: str, province_id: int | None) -> Match:
        result = Match(province_id=province_id)
        key = organisation_key(name)
        if district:
            dkey = district_key(district)
            if province_id is not None:
                result.district_id = self.district_by_key.get((province_id, dkey))
            else:
                found = self.districts_named.get(dkey, set())
                if len(found) == 1:
                    result.district_id = next(iter(found))
                    result.province_id = self.districts[result.district_id][1]
            if result.district_id is None:
                result.warnings.append(
                    (
                        "district_unknown",
                        {
                            "district": district,
                            "province": self.provinces.get(province_id or 0, "—"),
                        },
                    )
                )
        district_id_given = result.district_id
        candidates, via = self._candidates(key, result.district_id, result.province_id)
        if len(candidates) == 1:
            result.organisation = self.orgs[candidates[0]]
            result.via = via
            stored = result.organisation.district_id
            if result.district_id is not None and stored != result.district_id:
                result.warnings.append(
                    (
                        "district_differs",
                        {"district": district, "stored": self.district_name(stored)},
                    )
                )
            if result.district_id is None:
                result.warnings = [w for w in result.warnings if w[0] != "district_unknown"]
                if district:
                    result.warnings.append(
                        (
                            "district_unknown_matched",
                            {"district": district, "stored": self.district_name(stored)},
                        )
                    )
            kind = Organisation.kind_from_name(expand_abbreviation(name))
            if kind and kind != result.organisation.kind:
                result.warnings.append(
                    ("kind_differs", {"name": name, "stored": result.organisation.name})
                )
            if province_id is None and district_id_given is None:
                # Found by its name alone, anywhere in the country: say where.
                result.warnings.append(
                    (
                        "matched_elsewhere",
                        {
                            "district": self.district_name(stored),
                            "province": self.provinces[result.organisation.province_id],
                        },
                    )
                )
            result.district_id = stored
            result.province_id = result.organisation.province_id
        elif len(candidates) > 1:
            result.errors.append(
                (
                    "organisation_ambiguous",
                    {
                        "name": name,
                        "places": ", ".join(
                            f"{self.district_name(self.orgs[c].district_id)} "
                            f"({self.provinces[self.orgs[c].province_id]})"
                            for c in candidates[:5]
                        ),
                    },
                )
            )
        else:
            result.errors.append(("organisation_unknown", {"name": name}))
        return result

    def _candidates(
        self, key: str, district_id: int | None, province_id: int | None
    ) -> tuple[list[int], str]:
        """Organisations a name means: in its district, then its province, then anywhere."""
        aliases = self.alias_by_key.get(key, [])
        scopes: list[tuple[str, int | None]] = []
        if district_id is not None:
            scopes.append(("district", district_id))
        if province_id is not None:
            scopes.append(("province", province_id))
        scopes.append(("anywhere", None))
        for scope, value in scopes:
            if scope == "district" and value is not None:
                by_name = self.org_by_district.get((value, key), [])
                by_alias = [a for a in aliases if self.orgs[a].district_id == value]
            elif scope == "province" and value is not None:
                by_name = self.org_by_province.get((value, key), [])
                by_alias = [a for a in aliases if self.orgs[a].province_id == value]
            else:
                by_name = self.org_by_key.get(key, [])
                by_alias = list(aliases)
            if by_name:
                return sorted(set(by_name)), "name"
            if by_alias:
                return sorted(set(by_alias)), "alias"
            if scope == "anywhere" or province_id is not None and scope == "province":
                # A province was named: an organisation elsewhere is not this one.
                break
        return [], ""

    def suggest(
        self,
        *,
        name: str,
        district_id: int | None,
        province_id: int | None,
        total: Decimal | None,
        change: Decimal | None,
        history: dict[int, tuple[Decimal | None, Decimal | None]],
    ) -> list[dict]:
        """Ranked guesses for an unknown name: spelling, same district, consistent scores.

        ``history`` maps organisation id → (stored total this year, stored total last year).
        """
        key = short_key(organisation_key(name))
        kind = Organisation.kind_from_name(expand_abbreviation(name))
        letters = set(key)
        pool = [
            org
            for org in self.orgs.values()
            if province_id is None or org.province_id == province_id
        ]
        if len(pool) > PREFILTER:
            # Nationwide, compare spellings closely only for the likeliest names (shared letters)
            # and the organisations of the row's district: thousands of full comparisons per
            # unknown row would make the preview crawl.
            def overlap(org: Org) -> float:
                other = set(short_key(org.key))
                return len(letters & other) / max(len(letters | other), 1)

            near = sorted(pool, key=overlap, reverse=True)[:PREFILTER]
            same_district = [o for o in pool if o.district_id == district_id]
            pool = list({o.id: o for o in near + same_district}.values())
        scored = []
        for org in pool:
            reasons = []
            spelling = difflib.SequenceMatcher(None, key, short_key(org.key)).ratio()
            score = spelling
            if spelling >= 0.5:
                reasons.append("spelling")
            if kind and org.kind == kind:
                score += 0.1
            if district_id is not None and org.district_id == district_id:
                score += 0.3
                reasons.append("district")
            elif district_id is not None:
                reasons.append("other_district")
            if kind and org.kind != kind:
                reasons.append("other_kind")
            this_year, last_year = history.get(org.id, (None, None))
            if total is not None and this_year is not None and this_year == total:
                score += 0.4
                reasons.append("same_total")
            if (
                total is not None
                and change is not None
                and last_year is not None
                and abs(total - change - last_year) <= Decimal("0.01")
            ):
                score += 0.5
                reasons.append("history")
            if set(reasons) - {"other_district", "other_kind"}:
                scored.append((score, org, reasons))
        scored.sort(key=lambda s: (-s[0], s[1].name))
        shown = [s for s in scored[:SUGGESTIONS] if s[0] >= 0.4]
        # Pre-selected only when it is the one candidate of the row's district and kind: a
        # guess across districts, provinces or kinds is never the default.
        same = [
            org
            for _score, org, reasons in shown
            if "district" in reasons and "other_kind" not in reasons and kind
        ]
        return [
            {
                "id": org.id,
                "name": org.name,
                "district": self.district_name(org.district_id),
                "province": self.provinces.get(org.province_id, ""),
                "score": round(score, 2),
                "reasons": reasons,
                "preselect": len(same) == 1 and same[0] is org,
            }
            for score, org, reasons in shown
        ]


def history_for(
    province_id: int | None, year: int
) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Stored totals of this year and the year before, for ranking suggestions (one query)."""
    found: dict[int, list[Decimal | None]] = {}
    assessments = Assessment.objects.filter(year__year__in=[year, year - 1])
    if province_id is not None:
        assessments = assessments.filter(organisation__district__province_id=province_id)
    for org_id, y, total in assessments.values_list("organisation_id", "year__year", "total"):
        found.setdefault(org_id, [None, None])[0 if y == year else 1] = total
    return {k: (v[0], v[1]) for k, v in found.items()}
