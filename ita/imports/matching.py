"""Which stored province, district and organisation a table's row means.

Names in published tables carry text-recognition errors, so matching goes through the stored
spellings (aliases) and, for a name still unknown, ranks suggestions for the administrator:
same district, similar spelling, and scores consistent with the organisation's history.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Container
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
from ita.organisations.placement import fold, split_kind
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
# The short forms' and full names' keys, made once (every row's name is read through them).
_ABBREVIATION_KEYS = tuple((name_key(short), name_key(full)) for short, full in ABBREVIATIONS)
SUGGESTIONS = 5
PREFILTER = 60


def organisation_key(name: str) -> str:
    key = name_key(name)
    for short, full in _ABBREVIATION_KEYS:
        if key.startswith(short):
            return full + key[len(short) :]
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


def match_key(name: str) -> str:
    """The documented spelling rules in one key: no spaces or case, the kind's short form
    written out (อบต. → องค์การบริหารส่วนตำบล), look-alike letters folded (ฎ → ฏ …)."""
    return fold(organisation_key(name))


# Why a row's place is unclear (``Match.why``; messages render each).
DISTRICT_MISSING = "district_missing"
DISTRICT_UNKNOWN = "district_unknown"
DISTRICT_AMBIGUOUS = "district_ambiguous"

# Kinds a province has one of: matched by the province, whatever district a table lists.
PROVINCE_WIDE = {Organisation.Kind.PAO, Organisation.Kind.SPECIAL}


@dataclass
class Match:
    organisation: Org | None = None
    via: str = ""  # "name" or "alias"
    province_id: int | None = None
    district_id: int | None = None
    # Why the row's district is not known (one of the codes above), and the key a choice made
    # for one row reads the same district by ("<province id or 0>:<district key>").
    why: str = ""
    place: str = ""
    # Stored organisations the row may mean but that are not its match (another place, no kind).
    candidates: list[int] = field(default_factory=list)
    errors: list[tuple[str, dict]] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def district_choices(resolutions: dict) -> dict[str, int]:
    """The districts an administrator chose for misspelt ones in a preview: place → district."""
    return {
        place: int(choice["district"])
        for place, choice in resolutions.get("*districts", {}).items()
    }


StoredPlaces = tuple[
    list[tuple[int, str]],
    list[tuple[int, str, int]],
    list[tuple[int, str]],
    list[tuple[int, str, str, int, str]],
    list[tuple[int, str]],
]


def stored_places() -> StoredPlaces:
    """Every province, district, district's spelling, organisation and organisation's spelling
    as the matching reads them (five queries)."""
    return (
        list(Province.objects.values_list("pk", "name")),
        list(District.objects.values_list("pk", "name", "province_id")),
        list(DistrictAlias.objects.values_list("district_id", "name")),
        list(Organisation.objects.values_list("pk", "name", "name_key", "district_id", "kind")),
        list(OrganisationAlias.objects.values_list("organisation_id", "name")),
    )


def places_fingerprint(stored: StoredPlaces, district_choices: dict[str, int]) -> str:
    """A digest of what the matching reads (in any order the database gives it), with the
    districts chosen for misspelt ones: equal digests, equal matches for every row."""
    digest = hashlib.sha256()
    for rows in stored:
        digest.update(repr(sorted(rows)).encode())
    digest.update(repr(sorted(district_choices.items())).encode())
    return digest.hexdigest()


def known_choices(choices: dict[str, int], districts: Container[int]) -> dict[str, int]:
    """The districts chosen for misspelt ones that are still stored."""
    return {
        place: district_id for place, district_id in choices.items() if district_id in districts
    }


def current_places_fingerprint(choices: dict[str, int]) -> str:
    """``Directory(district_choices=choices).fingerprint`` as it would be now, without building
    the directory."""
    stored = stored_places()
    return places_fingerprint(stored, known_choices(choices, {pk for pk, *_rest in stored[1]}))


class Directory:
    """Every province, district, organisation and alias, loaded once (a few queries).

    A row is matched only inside the place it names: the organisation of its district (or, for
    the one organisation of a kind a province has, of its province) whose name agrees by the
    spelling rules (``match_key``). A name stored elsewhere is a candidate with its place named,
    never a match.
    """

    def __init__(self, *, district_choices: dict[str, int] | None = None) -> None:
        stored = stored_places()
        provinces, districts, district_aliases, organisations, organisation_aliases = stored
        self.provinces: dict[int, str] = {}
        self.province_by_key: dict[str, int] = {}
        for pk, name in provinces:
            self.provinces[pk] = name
            self.province_by_key[province_key(name)] = pk
        self.districts: dict[int, tuple[str, int]] = {}
        self.district_by_key: dict[tuple[int, str], int] = {}
        self.districts_named: dict[str, set[int]] = {}
        for pk, name, province_id in districts:
            self.districts[pk] = (name, province_id)
            self._add_district_key(district_key(name), pk, province_id)
        for district_id, name in district_aliases:
            if district_id in self.districts:
                self._add_district_key(
                    district_key(name), district_id, self.districts[district_id][1]
                )
        # The administrator's reading of a misspelt district, for every row that spells it so.
        self.district_choices = known_choices(district_choices or {}, self.districts)
        self.orgs: dict[int, Org] = {}
        self.by_place: dict[tuple[int, str], list[int]] = {}
        self.alias_by_place: dict[tuple[int, str], list[int]] = {}
        self.by_province: dict[tuple[int, str], list[int]] = {}
        self.by_short: dict[tuple[int, str], list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for pk, name, key, district_id, kind in organisations:
            province_id = self.districts[district_id][1]
            org = Org(pk, name, key, district_id, province_id, kind)
            self.orgs[pk] = org
            folded = fold(key)
            self.by_place.setdefault((district_id, folded), []).append(pk)
            self.by_key.setdefault(folded, []).append(pk)
            self.by_short.setdefault((district_id, fold(short_key(key))), []).append(pk)
            if kind in PROVINCE_WIDE:
                self.by_province.setdefault((province_id, folded), []).append(pk)
        for org_id, name in organisation_aliases:
            org = self.orgs[org_id]
            folded = match_key(name)
            self.alias_by_place.setdefault((org.district_id, folded), []).append(org_id)
            self.by_key.setdefault(folded, []).append(org_id)
        # What every match was made from: the same print later means the same matches.
        self.fingerprint = places_fingerprint(stored, self.district_choices)

    def _add_district_key(self, key: str, pk: int, province_id: int) -> None:
        for variant in {key, fold(key)}:
            self.district_by_key.setdefault((province_id, variant), pk)
            self.districts_named.setdefault(variant, set()).add(pk)

    def province_named(self, name: str) -> int | None:
        return self.province_by_key.get(province_key(name)) if name else None

    def district_name(self, pk: int | None) -> str:
        return self.districts[pk][0] if pk in self.districts else ""

    def place_name(self, org_id: int) -> str:
        """ครบุรี (นครราชสีมา): where a stored organisation is."""
        org = self.orgs[org_id]
        return f"{self.district_name(org.district_id)} ({self.provinces.get(org.province_id, '')})"

    def is_district_anywhere(self, name: str) -> bool:
        """A district's name (or a stored spelling of one) in any province."""
        return bool(self.districts_named.get(district_key(name)))

    def _place(self, result: Match, district: str) -> None:
        """The row's district: in its province when it names one, else the one district of that
        name in the country; or why not (missing, unknown, in several provinces)."""
        if not district:
            result.why = DISTRICT_MISSING
            return
        key = district_key(district)
        result.place = f"{result.province_id or 0}:{key}"
        if result.province_id is not None:
            result.district_id = self.district_by_key.get(
                (result.province_id, key)
            ) or self.district_by_key.get((result.province_id, fold(key)))
        else:
            found = self.districts_named.get(key) or self.districts_named.get(fold(key), set())
            if len(found) == 1:
                result.district_id = next(iter(found))
                result.province_id = self.districts[result.district_id][1]
            elif len(found) > 1:
                result.why = DISTRICT_AMBIGUOUS
                return
        if result.district_id is None:
            chosen = self.district_choices.get(result.place)
            if chosen is not None:
                result.district_id = chosen
                result.province_id = self.districts[chosen][1]
                result.warnings.append(
                    (
                        "district_chosen",
                        {"district": district, "stored": self.district_name(chosen)},
                    )
                )
            else:
                result.why = DISTRICT_UNKNOWN

    def match(self, *, name: str, district: str, province_id: int | None) -> Match:
        result = Match(province_id=province_id)
        self._place(result, district)
        key = match_key(name)
        kind, _rest = split_kind(name)
        found: list[int] = []
        via = ""
        if result.province_id is not None and (
            kind in PROVINCE_WIDE or (result.province_id, key) in self.by_province
        ):
            # One of a province (its อบจ., กรุงเทพมหานคร): the province places it.
            found, via = self.by_province.get((result.province_id, key), []), "name"
            if found:
                result.why = ""
        elif result.district_id is not None:
            found, via = self.by_place.get((result.district_id, key), []), "name"
            if not found:
                found, via = self.alias_by_place.get((result.district_id, key), []), "alias"
        if len(found) > 1:
            # Two stored spellings of one name in one district (made before the spelling rules
            # were applied): the exact one, else the administrator chooses.
            exact = [pk for pk in found if self.orgs[pk].key == organisation_key(name)]
            found = exact if len(exact) == 1 else found
        if len(found) == 1:
            org = self.orgs[found[0]]
            result.organisation, result.via = org, via
            result.district_id, result.province_id = org.district_id, org.province_id
            if via == "name" and org.key != organisation_key(name):
                result.warnings.append(("matched_lookalike", {"name": name, "stored": org.name}))
            stored_kind = split_kind(org.name)[0]
            if via == "alias" and kind and stored_kind and kind != stored_kind:
                result.warnings.append(("kind_differs", {"name": name, "stored": org.name}))
            return result
        if found:
            result.candidates = sorted(set(found))
            result.errors.append(
                (
                    "organisation_ambiguous",
                    {"name": name, "places": self._places(result.candidates)},
                )
            )
            return result
        if result.district_id is not None:
            if kind is None:
                same = self.by_short.get((result.district_id, fold(name_key(name))), [])
                if same:
                    # บ้านใหม่ beside the stored องค์การบริหารส่วนตำบลบ้านใหม่: a local government
                    # written without its kind, never an agency of that name.
                    result.candidates = sorted(same)
                    result.errors.append(
                        ("kind_missing", {"name": name, "places": self._names(result.candidates)})
                    )
                    return result
            result.errors.append(("organisation_unknown", {"name": name}))
            return result
        elsewhere = [
            pk
            for pk in sorted(set(self.by_key.get(key, [])))
            if result.province_id is None or self.orgs[pk].province_id == result.province_id
        ]
        if elsewhere:
            result.candidates = elsewhere
            result.errors.append(
                (
                    "place_unclear",
                    {
                        "name": name,
                        "district": district,
                        "why": result.why,
                        "places": self._places(elsewhere),
                        "place": result.place,
                    },
                )
            )
            return result
        result.errors.append(("organisation_unknown", {"name": name}))
        return result

    def _places(self, ids: list[int]) -> str:
        return ", ".join(self.place_name(pk) for pk in ids[:SUGGESTIONS])

    def _names(self, ids: list[int]) -> str:
        return ", ".join(f"{self.orgs[pk].name}, {self.place_name(pk)}" for pk in ids[:SUGGESTIONS])

    def candidates_of(self, match: Match) -> list[dict]:
        """The stored organisations a row may mean, as suggestions: each with its place; the one
        candidate of the row's own province (or district) pre-selected, never one of elsewhere."""
        reason = {"kind_missing": "with_kind", "organisation_ambiguous": "same_place"}.get(
            match.errors[0][0] if match.errors else "", "same_name"
        )
        own = [
            pk
            for pk in match.candidates
            if match.province_id is not None and self.orgs[pk].province_id == match.province_id
        ]
        return [
            {
                "id": pk,
                "name": self.orgs[pk].name,
                "district": self.district_name(self.orgs[pk].district_id),
                "province": self.provinces.get(self.orgs[pk].province_id, ""),
                "score": 1.0,
                "reasons": [reason],
                "preselect": len(match.candidates) == 1 and own == [pk],
            }
            for pk in match.candidates[:SUGGESTIONS]
        ]

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
