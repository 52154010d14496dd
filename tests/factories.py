"""Small factories for tests: ``make_*`` functions with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from ita.demo import load as demo_load
from ita.demo import memos as demo_memos
from ita.demo import seed as demo_data
from ita.organisations.models import District, Organisation, Position, Province
from ita.results import services
from ita.results.models import Assessment, AssessmentYear
from memos.models import Memo

_seq = itertools.count(1)

# Named users in one place, as the demo has them (usernames are the keys).
AUTHOR = "legal"
HEAD = "head"
DEPUTY = "deputy"
CLERK = "clerk"
MAYOR = "mayor"
OUTSIDER = "outsider"
ADMIN = "admin"


@dataclass
class Demo:
    home: Organisation
    other: Organisation
    users: dict = field(default_factory=dict)
    year: AssessmentYear | None = None


def load_demo() -> Demo:
    """The whole demo through the services (tests ask for the ``demo`` fixture instead: the
    same, loaded once per process)."""
    demo_load.load_all()
    return demo_handle()


def demo_handle() -> Demo:
    """The demo in the database, by name."""
    User = get_user_model()
    return Demo(
        home=Organisation.objects.get(name=demo_data.HOME_NAME),
        other=Organisation.objects.get(name="องค์การบริหารส่วนตำบลลิพัง"),
        users={u.username: u for u in User.objects.all()},
        year=AssessmentYear.objects.get(year=2564),
    )


def decided_2564() -> Memo:
    """The demo's memo as it went in 2564 (decided)."""
    return Memo.objects.get(
        register_year=2564, subject=demo_memos.SUBJECT, state=Memo.State.DECIDED
    )


def make_year(year: int = 2564) -> AssessmentYear:
    existing = AssessmentYear.objects.filter(year=year).first()
    return existing or services.year_create(year=year, actor=None)


def make_province(name: str | None = None) -> Province:
    """A province; a real one's name gives the gazetteer's (loaded by the migrations)."""
    return Province.objects.get_or_create(name=name or f"จังหวัดทดสอบ{next(_seq)}")[0]


def make_district(province: Province | None = None, name: str | None = None) -> District:
    return District.objects.get_or_create(
        province=province or make_province(), name=name or f"อำเภอทดสอบ{next(_seq)}"
    )[0]


def make_organisation(
    district: District | None = None,
    name: str | None = None,
    kind: str = Organisation.Kind.SAO,
    **extra: object,
) -> Organisation:
    return Organisation.objects.create(
        district=district or make_district(),
        name=name or f"องค์การบริหารส่วนตำบลทดสอบ{next(_seq)}",
        kind=kind,
        **extra,
    )


def make_assessment(
    organisation: Organisation | None = None,
    year: AssessmentYear | None = None,
    total: Decimal | str | None = "90.00",
    **extra: object,
) -> Assessment:
    year = year or make_year()
    total = None if total is None else Decimal(total)
    defaults: dict[str, object] = {}
    if total is not None:
        # As published: the level and pass/fail of the year's bands, from the NACC's table.
        level = year.rate(total) or ""
        defaults = {
            "level": level,
            "passed": year.passes(total),
            "level_source": "published" if level else "",
            "passed_source": "published",
        }
    defaults.update(extra)
    if "level" in extra and "level_source" not in extra:
        defaults["level_source"] = "published" if extra["level"] else ""
    if "passed" in extra and "passed_source" not in extra:
        defaults["passed_source"] = "" if extra["passed"] is None else "published"
    return Assessment.objects.create(
        organisation=organisation or make_organisation(), year=year, total=total, **defaults
    )


def make_user(username: str | None = None, **extra: object):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username, f"{username}@example.org", "pw", **extra)


def make_position(
    organisation: Organisation,
    role: str = "staff",
    holder=None,
    title: str = "",
) -> Position:
    return Position.objects.create(
        organisation=organisation,
        role=role,
        holder=holder,
        title=title or dict(Position.Role.choices)[role],
    )
