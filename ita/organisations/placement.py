"""Where a new organisation belongs, from its name and the district a table lists it under.

The kind comes from the name's prefix (full or abbreviated); the rest of the name must be found
in that district of the gazetteer: a subdistrict, or the town the district is named after
(เมืองสงขลา → สงขลา). Real tables hold look-alike letters (ฎ for ฏ …) and bestowed names that
begin with the subdistrict's name (เทศบาลตำบลบางปะกงพรหมเทพรังสรรค์): each placement says how it
matched. A provincial administrative organisation (อบจ.) is its province. Nothing here writes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ita.lib.thai import clean_text, name_key
from ita.organisations import gazetteer
from ita.organisations.models import District, Organisation, Province, Subdistrict

Kind = Organisation.Kind

# Full names and the short forms tables use; longest first so เทศบาลตำบล is not read as เทศบาล…
KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("องค์การบริหารส่วนจังหวัด", Kind.PAO),
    ("องค์การบริหารส่วนตำบล", Kind.SAO),
    ("เทศบาลนคร", Kind.CITY),
    ("เทศบาลเมือง", Kind.TOWN),
    ("เทศบาลตำบล", Kind.SUBDISTRICT_MUNICIPALITY),
    ("อบจ.", Kind.PAO),
    ("อบต.", Kind.SAO),
    ("ทน.", Kind.CITY),
    ("ทม.", Kind.TOWN),
    ("ทต.", Kind.SUBDISTRICT_MUNICIPALITY),
)
FULL_PREFIX = {kind: prefix for prefix, kind in KIND_PREFIXES[:5]}

# The special-form local governments (องค์กรปกครองส่วนท้องถิ่นรูปแบบพิเศษ): their names carry no
# kind. Each is of one place: its province and, for เมืองพัทยา, its district (กรุงเทพมหานคร is
# placed in the province's first district, as an อบจ. is).
SPECIAL_FORMS: dict[str, tuple[str, str | None]] = {
    "เมืองพัทยา": ("ชลบุรี", "บางละมุง"),
    "กรุงเทพมหานคร": ("กรุงเทพมหานคร", None),
}

# Letters that look alike and that text recognition and typists confuse, folded to one.
LOOK_ALIKE = str.maketrans("ฎฅฃซผฝป", "ฏตขชพฟบ")

# How a placement matched (a code; messages render it).
SUBDISTRICT = "subdistrict"
LOOKALIKE = "lookalike"
TOWN = "town"
BESTOWED = "bestowed"
PROVINCE = "province"
SPECIAL = "special"
AGENCY = "agency"


def split_kind(name: str) -> tuple[str | None, str]:
    """(kind, the rest of the name): (sao, สุโสะ) for อบต.สุโสะ; (None, name) without a prefix."""
    compact = clean_text(name).replace(" ", "")
    for prefix, kind in KIND_PREFIXES:
        if compact.startswith(prefix) and len(compact) > len(prefix):
            return kind, compact[len(prefix) :]
    return None, compact


def full_name(name: str) -> str:
    """The name an organisation is created with: ทต.วิชิต → เทศบาลตำบลวิชิต."""
    kind, rest = split_kind(name)
    return FULL_PREFIX[kind] + rest if kind else clean_text(name)


def fold(key: str) -> str:
    return key.translate(LOOK_ALIKE)


@dataclass
class Placement:
    kind: str | None
    name: str  # the full name to create
    district_id: int | None = None
    how: str = ""  # one of the codes above when placed
    found: str = ""  # the gazetteer's name it matched (subdistrict, town or province)
    problem: str = ""  # "district_unknown", "not_in_district", "province_differs"
    candidates: list[str] = field(default_factory=list)

    @property
    def placed(self) -> bool:
        return bool(self.how) and self.district_id is not None


class Gazetteer:
    """The gazetteer's names by district, loaded once (three queries) for a whole table."""

    def __init__(self) -> None:
        self.province_name: dict[int, str] = dict(Province.objects.values_list("pk", "name"))
        self.districts: dict[int, tuple[str, int, str]] = {}
        self.capital: dict[int, int] = {}
        for pk, name, province_id, code in District.objects.values_list(
            "pk", "name", "province_id", "code"
        ):
            self.districts[pk] = (name, province_id, code or "")
            if code and code.endswith("01"):
                self.capital[province_id] = pk
        self.subdistricts: dict[int, dict[str, str]] = {}
        self._keys: dict[int, tuple[str, dict[str, str]]] = {}
        self.by_province: dict[int, dict[str, list[int]]] = {}
        for district_id, name, key in Subdistrict.objects.values_list(
            "district_id", "name", "name_key"
        ):
            self.subdistricts.setdefault(district_id, {})[key] = name
            province_id = self.districts[district_id][1]
            self.by_province.setdefault(province_id, {}).setdefault(key, []).append(district_id)

    def _district_keys(self, district_id: int) -> tuple[str, dict[str, str]]:
        """The district's town and its subdistricts by folded key (worked out once each)."""
        found = self._keys.get(district_id)
        if found is None:
            subs = self.subdistricts.get(district_id, {})
            found = self._keys[district_id] = (
                self._town(district_id),
                {fold(k): v for k, v in subs.items()},
            )
        return found

    def _town(self, district_id: int) -> str:
        """เมืองสงขลา's town is สงขลา; a district not named เมือง… is its own town's name."""
        key = gazetteer.plain_key(self.districts[district_id][0], gazetteer.DISTRICT_PREFIXES)
        return key[len("เมือง") :] if key.startswith("เมือง") and len(key) > 5 else key

    def place(self, name: str, *, district_id: int | None, province_id: int | None) -> Placement:
        kind, rest = split_kind(name)
        key = name_key(rest)
        if kind is None and key in SPECIAL_FORMS:
            return self._special(clean_text(name), key, district_id, province_id)
        if kind is None:
            return self._without_kind(name, key, district_id, province_id)
        placement = Placement(kind, full_name(name), district_id)
        if district_id is not None:
            province_id = self.districts[district_id][1]
        if kind == Kind.PAO:
            return self._provincial(placement, key, district_id, province_id)
        if district_id is None:
            placement.problem = "district_unknown"
            return placement
        subs = self.subdistricts.get(district_id, {})
        town, folded = self._district_keys(district_id)
        placement.how, placement.found = self._local(key, subs, town, folded)
        if not placement.how:
            placement.problem = "not_in_district"
            placement.candidates = self._nearest(key, district_id, province_id, subs, town)
        return placement

    def _without_kind(
        self, name: str, key: str, district_id: int | None, province_id: int | None
    ) -> Placement:
        """A name without a local government's kind: an agency of its district (a province's
        capital district when none is given), unless it is a subdistrict's own name."""
        found = Placement(None, clean_text(name), district_id, AGENCY if district_id else "")
        if district_id is None and province_id in self.capital:
            found.district_id, found.how = self.capital[province_id], AGENCY
        if found.district_id is not None:
            town, folded = self._district_keys(found.district_id)
            if fold(key) in folded or fold(key) == fold(town):
                # บ้านใหม่ under ครบุรี: a local government of that subdistrict written
                # without its kind (อบต.? ทต.?), not an agency named after the place.
                found.how, found.problem = "", "kind_missing"
                found.candidates = [folded.get(fold(key), town)]
                return found
        if not found.how:
            found.problem = "district_unknown"
        return found

    def _provincial(
        self, placement: Placement, key: str, district_id: int | None, province_id: int | None
    ) -> Placement:
        """A provincial administrative organisation is named after its province."""
        province = self.province_name.get(province_id or 0, "")
        if province and fold(key) == fold(name_key(province)):
            placement.how, placement.found = PROVINCE, province
            if district_id is None:
                placement.district_id = self.capital.get(province_id or 0)
        else:
            placement.problem = "province_differs" if province else "district_unknown"
            placement.candidates = [province] if province else []
        return placement

    @staticmethod
    def _local(
        key: str, subs: dict[str, str], town: str, folded: dict[str, str]
    ) -> tuple[str, str]:
        """How a municipality's or SAO's name is found in its district (how, the name found):
        a subdistrict, the district's town, a lookalike spelling, or a bestowed longer name;
        ("", "") when none."""
        if key in subs:
            return SUBDISTRICT, subs[key]
        if key == town:
            return TOWN, town
        if fold(key) in folded:
            return LOOKALIKE, folded[fold(key)]
        if fold(key) == fold(town):
            return TOWN, town
        # A bestowed name adds a few words (at least four letters, so a stray letter of text
        # recognition is not taken for one).
        starts = [
            k
            for k in [*folded, fold(town)]
            if fold(key).startswith(k) and len(k) >= 2 and len(key) - len(k) >= 4
        ]
        if starts:
            return BESTOWED, folded.get(max(starts, key=len), town)
        return "", ""

    def _special(
        self, name: str, key: str, district_id: int | None, province_id: int | None
    ) -> Placement:
        province_name, district_name = SPECIAL_FORMS[key]
        placement = Placement(Kind.SPECIAL, name, None)
        if district_id is not None:
            province_id = self.districts[district_id][1]
        if province_id is not None and self.province_name.get(province_id) != province_name:
            placement.problem, placement.candidates = "province_differs", [province_name]
            return placement
        home = next(
            (
                pk
                for pk, (dname, pid, _code) in self.districts.items()
                if self.province_name.get(pid) == province_name
                and (dname == district_name if district_name else pk in self.capital.values())
            ),
            None,
        )
        if home is None or (district_name and district_id not in (None, home)):
            placement.problem = "not_in_district" if home else "district_unknown"
            placement.candidates = [district_name] if district_name else []
            return placement
        placement.district_id, placement.how, placement.found = home, SPECIAL, province_name
        return placement

    def _nearest(
        self, key: str, district_id: int, province_id: int | None, subs: dict[str, str], town: str
    ) -> list[str]:
        names = {k: v for k, v in subs.items()} | {town: town}
        near = [names[k] for k in difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)]
        # The same name in another district of the province: the table may list it wrongly.
        for other in self.by_province.get(province_id or 0, {}).get(key, []):
            if other != district_id:
                near.append(f"{self.subdistricts[other][key]} ({self.districts[other][0]})")
        return near
