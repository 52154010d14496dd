"""The reasons given for each imported row, stored as codes and shown in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita.imports import parsing

ERROR = "error"
WARNING = "warning"
INFO = "info"

COLUMN_LABELS = {
    parsing.NUMBER: gettext_lazy("Row number"),
    parsing.ORGANISATION: gettext_lazy("Organisation"),
    parsing.DISTRICT: gettext_lazy("District"),
    parsing.PROVINCE: gettext_lazy("Province"),
    parsing.TOTAL: gettext_lazy("Score"),
    parsing.LEVEL: gettext_lazy("Level"),
    parsing.CHANGE: gettext_lazy("Change vs last year"),
    parsing.PASSED: gettext_lazy("Against the pass mark"),
    "rank": gettext_lazy("Rank"),
    "derived": gettext_lazy("Derived"),
}

TEXTS = {
    "missing": gettext_lazy("%(field)s is missing."),
    "not_number": gettext_lazy("%(field)s “%(value)s” is not a number."),
    "out_of_range": gettext_lazy("%(field)s %(value)s is outside 0–100."),
    "rounded": gettext_lazy("%(field)s %(value)s was rounded to %(rounded)s."),
    "passed_unreadable": gettext_lazy("“%(value)s” is neither ผ่าน nor ไม่ผ่าน."),
    "level_unknown": gettext_lazy(
        "The level “%(value)s” is not one of the year's levels (%(levels)s)."
    ),
    "level_contradicts": gettext_lazy(
        "The level %(value)s contradicts the score %(total)s: the year's method gives %(expected)s."
    ),
    "passed_contradicts": gettext_lazy(
        "“%(value)s” contradicts the score %(total)s and the pass mark %(mark)s."
    ),
    "change_disagrees": gettext_lazy(
        "The change %(change)s means a score of %(implied)s in %(previous_year)s, but %(stored)s is stored."
    ),
    "total_disagrees": gettext_lazy(
        "The score %(total)s does not agree with the indicators, which give %(computed)s."
    ),
    "indicators_missing": gettext_lazy("Indicator scores are missing: %(numbers)s."),
    "shape": gettext_lazy("The line does not fit the header: %(problem)s"),
    "province_unknown": gettext_lazy("The province “%(province)s” is not known."),
    "province_differs": gettext_lazy(
        "The row's province “%(province)s” is not the chosen province, %(chosen)s."
    ),
    "district_unknown": gettext_lazy("The district “%(district)s” is not known in %(province)s."),
    "district_differs": gettext_lazy(
        "The table lists it under the district %(district)s; it is stored under %(stored)s."
    ),
    "district_unknown_matched": gettext_lazy(
        "The district “%(district)s” is not known; the organisation was found by its name, "
        "stored under %(stored)s."
    ),
    "organisation_unknown": gettext_lazy(
        "The organisation “%(name)s” is not known: choose one of the suggestions or create it."
    ),
    "organisation_ambiguous": gettext_lazy(
        "“%(name)s” could be several organisations (%(places)s): give the district or province."
    ),
    "place_unclear": gettext_lazy(
        "“%(name)s” is not matched: %(why)s Stored organisations of that name: %(places)s. "
        "Choose one, or give the row's district and province."
    ),
    "kind_missing": gettext_lazy(
        "“%(name)s” names no kind (อบต., ทต. …); in its district it may be %(places)s: choose it, "
        "or write the kind in the table."
    ),
    "kind_missing_place": gettext_lazy(
        "“%(name)s” names no kind (อบต., ทต. …) and is the name of %(found)s in %(district)s: "
        "write the kind in the table."
    ),
    "matched_lookalike": gettext_lazy(
        "Matched to %(stored)s: the same name by the spelling rules (look-alike letters)."
    ),
    "place_chosen": gettext_lazy(
        "“%(name)s” was matched by hand to %(stored)s (%(district)s, %(province)s): confirm it."
    ),
    "district_chosen": gettext_lazy(
        "The district “%(district)s” is read as %(stored)s, as chosen for another row; it is "
        "saved as a spelling of %(stored)s when the import is applied."
    ),
    "duplicate": gettext_lazy("Duplicate: line %(line)s is the same organisation."),
    "matched_alias": gettext_lazy("Found through a stored spelling (alias) of %(stored)s."),
    "create": gettext_lazy("A new organisation will be created in the district %(district)s."),
    "too_long": gettext_lazy(
        "%(field)s is %(length)s characters long; at most %(limit)s can be stored"
    ),
    "cannot_store": gettext_lazy(
        "%(field)s %(value)s cannot be stored: it has more digits than a result holds"
    ),
    "nul": gettext_lazy(
        "%(field)s holds a NUL character (0x00), which cannot be stored: remove it from the file"
    ),
    "create_impossible": gettext_lazy(
        "The organisation cannot be created from this row: its district is not known."
    ),
    "create_kind": gettext_lazy(
        "The organisation cannot be created from this row: its name does not start with its kind "
        "(องค์การบริหารส่วนตำบล, เทศบาลตำบล …)."
    ),
    "kind_differs": gettext_lazy(
        "“%(name)s” is not of the kind of %(stored)s, which it was matched to: check it."
    ),
    "matched_elsewhere": gettext_lazy(
        "Found by its name alone, in %(district)s, %(province)s: the row names no known "
        "district or province."
    ),
    "alias_new": gettext_lazy(
        "“%(name)s” was matched by hand to %(stored)s (%(district)s, %(province)s): confirm it; "
        "the spelling is saved as an alias when the import is applied."
    ),
    "agency_choose": gettext_lazy(
        "“%(name)s” is not a local government: choose, for the whole import, to store such "
        "agencies as their own kind or to skip them."
    ),
    "agency_skipped": gettext_lazy("Not a local government: skipped, as chosen for this import."),
    "computed": gettext_lazy(
        "Not in the table, computed from the method of %(year)s and the stored previous year: "
        "%(fields)s."
    ),
    "not_computed": gettext_lazy(
        "Not in the table, and the method of %(year)s is not confirmed: %(fields)s not stored, "
        "only the score (confirm the method with this import to compute them)."
    ),
    "level_contradicts_unconfirmed": gettext_lazy(
        "The published level %(value)s does not agree with the score %(total)s under the "
        "unconfirmed method of %(year)s (it gives %(expected)s): stored as published; check the "
        "method before confirming it."
    ),
    "passed_contradicts_unconfirmed": gettext_lazy(
        "The published “%(value)s” does not agree with the score %(total)s and the pass mark "
        "%(mark)s of the unconfirmed method of %(year)s: stored as published; check the method "
        "before confirming it."
    ),
    "level_other_scheme": gettext_lazy(
        "The level “%(value)s” belongs to the %(scheme)s, not to the year's levels (%(levels)s): "
        "choose that scheme for the import if the table is right."
    ),
    "placed_subdistrict": gettext_lazy(
        "Matches the gazetteer: the subdistrict %(found)s of %(district)s."
    ),
    "placed_lookalike": gettext_lazy(
        "Matches the gazetteer with a look-alike letter: the subdistrict %(found)s of %(district)s."
    ),
    "placed_town": gettext_lazy(
        "Matches the gazetteer: the town %(found)s the district %(district)s is named after."
    ),
    "placed_bestowed": gettext_lazy(
        "Matches the gazetteer: a bestowed name beginning with the subdistrict %(found)s of "
        "%(district)s."
    ),
    "placed_province": gettext_lazy("Matches the gazetteer: the province %(found)s."),
    "unplaced_district_unknown": gettext_lazy(
        "The gazetteer cannot place it: the district is not known."
    ),
    "unplaced_not_in_district": gettext_lazy(
        "The gazetteer has no such subdistrict or town in %(district)s; nearest: %(candidates)s."
    ),
    "unplaced_province_differs": gettext_lazy(
        "The gazetteer cannot place it: its name is not the province's, %(candidates)s."
    ),
    "unplaced_": gettext_lazy("The gazetteer cannot place it."),
    "create_subdistrict": gettext_lazy(
        "A new organisation will be created in %(district)s (the subdistrict %(found)s)."
    ),
    "create_lookalike": gettext_lazy(
        "A new organisation will be created in %(district)s (the subdistrict %(found)s, with a "
        "look-alike letter)."
    ),
    "create_town": gettext_lazy(
        "A new organisation will be created in %(district)s (the town %(found)s)."
    ),
    "create_bestowed": gettext_lazy(
        "A new organisation will be created in %(district)s (a bestowed name beginning with the "
        "subdistrict %(found)s)."
    ),
    "create_province": gettext_lazy(
        "A new organisation will be created in %(district)s (the province %(found)s)."
    ),
    "placed_special": gettext_lazy(
        "Matches the gazetteer: a special-form local government of %(found)s."
    ),
    "create_special": gettext_lazy(
        "A new special-form local government will be created in %(district)s (%(found)s)."
    ),
    "create_agency": gettext_lazy(
        "A new agency (not a local government) will be stored in %(district)s."
    ),
}

# Why a row's place is unclear (the ``why`` of "place_unclear").
WHY = {
    "district_missing": gettext_lazy("the row names no district."),
    "district_unknown": gettext_lazy("its district “%(district)s” is not known."),
    "district_ambiguous": gettext_lazy(
        "its district “%(district)s” is a district of several provinces, and the row names none."
    ),
}

REASONS = {
    "spelling": gettext_lazy("similar spelling"),
    "district": gettext_lazy("same district"),
    "same_total": gettext_lazy("same score stored for this year"),
    "history": gettext_lazy("the change agrees with its score last year"),
    "other_district": gettext_lazy("in another district"),
    "other_kind": gettext_lazy("another kind"),
    "same_name": gettext_lazy("the same name, in another place"),
    "with_kind": gettext_lazy("the same name with its kind"),
    "same_place": gettext_lazy("the same name in the same place"),
}


def message(level: str, code: str, **params: object) -> dict:
    return {"level": level, "code": code, "params": {k: str(v) for k, v in params.items()}}


def column_label(column: str) -> str:
    if column.startswith(parsing.INDICATOR_PREFIX):
        return _("Indicator %(number)s") % {"number": column[len(parsing.INDICATOR_PREFIX) :]}
    return str(COLUMN_LABELS.get(column, column))


def render(entry: dict) -> str:
    params = dict(entry.get("params", {}))
    if "field" in params:
        params["field"] = column_label(params["field"])
    if "why" in params:
        why = WHY.get(params["why"])
        params["why"] = str(why) % params if why is not None else ""
    template = TEXTS.get(entry.get("code", ""))
    if template is None:
        return entry.get("code", "")
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def reason_labels(codes: list[str]) -> list[str]:
    return [str(REASONS.get(c, c)) for c in codes]
