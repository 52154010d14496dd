"""The country's provinces, districts and subdistricts with their codes (see README.md here).

The data (MIT, kongvut/thai-province-data; LICENSE beside it) is loaded by the migration
``organisations.0003_gazetteer`` into a fresh install, and into an older one by
``manage.py load_gazetteer``. The loader takes the model classes as arguments so the migration
can pass its historical models; names get their matching keys here, since historical models do
not run ``KeyedName.save``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ita.lib.thai import clean_text, name_key

HERE = Path(__file__).resolve().parent


def _rows(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def provinces() -> list[dict[str, str]]:
    return _rows("provinces.csv")


def districts() -> list[dict[str, str]]:
    return _rows("districts.csv")


def subdistricts() -> list[dict[str, str]]:
    return _rows("subdistricts.csv")


def plain_key(name: str, prefixes: tuple[str, ...]) -> str:
    key = name_key(name)
    for prefix in prefixes:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


PROVINCE_PREFIXES = ("จังหวัด", "จ.")
# กิ่งอำเภอ: the minor districts made districts in 2550, still so written in older tables.
DISTRICT_PREFIXES = ("กิ่งอำเภอ", "อำเภอ", "อ.", "เขต")


@dataclass
class Loaded:
    provinces: int = 0
    districts: int = 0
    subdistricts: int = 0
    coded: list[str] = field(default_factory=list)


# A model class and one of its rows: the application's, or a migration's historical one, which
# a type checker cannot know.
Table = Any
Row = Any


def load(
    province_model: Table,
    district_model: Table,
    subdistrict_model: Table,
    alias_model: Table = None,
    *,
    create: bool,
) -> Loaded:
    """Give the stored provinces and districts their codes (matched by name, or by a district's
    alias) and, with ``create``, add the ones missing; then the subdistricts of every coded
    district. Running it again adds nothing."""
    loaded = Loaded()
    by_code = _load_provinces(province_model, loaded, create=create)
    stored = _stored_districts(district_model, alias_model)
    district_by_code = _load_districts(district_model, stored, by_code, loaded, create=create)
    _load_subdistricts(subdistrict_model, district_by_code, loaded)
    return loaded


def _load_provinces(province_model: Table, loaded: Loaded, *, create: bool) -> dict[str, Row]:
    """The provinces by code: the stored ones matched by name and coded, the missing ones added
    with ``create``."""
    stored_provinces = {
        plain_key(p.name, PROVINCE_PREFIXES): p for p in province_model.objects.all()
    }
    by_code: dict[str, Row] = {}
    new = []
    for row in provinces():
        found = stored_provinces.get(plain_key(row["name_th"], PROVINCE_PREFIXES))
        if found is not None:
            if not found.code:
                found.code = row["code"]
                if not found.name_en:
                    found.name_en = row["name_en"]
                found.save(update_fields=["code", "name_en"])
                loaded.coded.append(found.name)
            by_code[row["code"]] = found
        elif create:
            new.append(
                province_model(name=row["name_th"], name_en=row["name_en"], code=row["code"])
            )
    for province in province_model.objects.bulk_create(new):
        by_code[province.code] = province
    loaded.provinces = len(new)
    return by_code


def _stored_districts(district_model: Table, alias_model: Table) -> dict[tuple[int, str], Row]:
    """The stored districts by province and plain name, and by their aliases' names."""
    stored: dict[tuple[int, str], Row] = {}
    for d in district_model.objects.all():
        stored[(d.province_id, plain_key(d.name, DISTRICT_PREFIXES))] = d
    if alias_model is not None:
        for alias in alias_model.objects.select_related("district"):
            key = (alias.district.province_id, plain_key(alias.name, DISTRICT_PREFIXES))
            stored.setdefault(key, alias.district)
    return stored


def _load_districts(
    district_model: Table,
    stored: dict[tuple[int, str], Row],
    by_code: dict[str, Row],
    loaded: Loaded,
    *,
    create: bool,
) -> dict[str, Row]:
    """The districts of the provinces known, by code: matched by name or alias and coded, the
    missing ones added with ``create``."""
    district_by_code: dict[str, Row] = {}
    new = []
    for row in districts():
        province = by_code.get(row["province_code"])
        if province is None:
            continue
        found = stored.get((province.pk, plain_key(row["name_th"], DISTRICT_PREFIXES)))
        if found is not None:
            if not found.code:
                found.code = row["code"]
                found.save(update_fields=["code"])
                loaded.coded.append(found.name)
            district_by_code[row["code"]] = found
        elif create:
            name = clean_text(row["name_th"])
            new.append(
                district_model(
                    province=province, name=name, name_key=name_key(name), code=row["code"]
                )
            )
    for district in district_model.objects.bulk_create(new):
        district_by_code[district.code] = district
    loaded.districts = len(new)
    return district_by_code


def _load_subdistricts(
    subdistrict_model: Table, district_by_code: dict[str, Row], loaded: Loaded
) -> None:
    """The subdistricts of every coded district not stored yet."""
    have = set(subdistrict_model.objects.values_list("code", flat=True))
    new = []
    for row in subdistricts():
        district = district_by_code.get(row["district_code"])
        if district is None or row["code"] in have:
            continue
        name = clean_text(row["name_th"])
        new.append(
            subdistrict_model(
                district=district,
                code=row["code"],
                name=name,
                name_key=name_key(name),
                name_en=row["name_en"],
                postcode=row["postcode"] or "",
            )
        )
    subdistrict_model.objects.bulk_create(new, batch_size=2000)
    loaded.subdistricts = len(new)
