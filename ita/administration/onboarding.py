"""Onboarding at scale: an operator invites each organisation's first administrator from a CSV
(``manage.py invite_administrators FILE``, and the onboarding page with its preview).

Each row names an organisation, by its DOPA code (รหัส อปท.) or by its name and district (the
province helps), and an e-mail address. The organisation is found as the score imports find it
(``ita.imports.matching.Directory``: stored spellings, short forms); an organisation that someone
already administers (``ita.organisations.holders``) or whose administrator is already invited is
left alone, so a second run changes nothing. Otherwise the address is invited to the
organisation's clerk's position (ปลัด), made when it has none free, and the invitation's mail is
queued (``ita.accounts.invitations``). From then on the organisation runs itself.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita.accounts import invitations
from ita.accounts.models import Invitation
from ita.history.services import Actor
from ita.imports.matching import Directory
from ita.lib.thai import clean_text, date_th
from ita.organisations import holders
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name
from ita.organisations.services import position_save

MAX_ROWS = 10_000

# The columns, by any of the names a spreadsheet may give them (compared without case or spaces).
COLUMNS = {
    "code": ("code", "dopa", "dopacode", "dopa_code", "รหัส", "รหัสอปท", "รหัสอปท.", "รหัสหน่วยงาน"),
    "name": (
        "organisation",
        "organization",
        "name",
        "หน่วยงาน",
        "ชื่อหน่วยงาน",
        "อปท",
        "อปท.",
        "ชื่ออปท.",
        "ชื่ออปท",
    ),
    "district": ("district", "อำเภอ"),
    "province": ("province", "จังหวัด"),
    "email": ("email", "e-mail", "mail", "อีเมล", "อีเมล์", "อีเมลผู้ดูแล"),
    "first_name": ("first_name", "firstname", "ชื่อผู้ดูแล", "ชื่อจริง"),
    "last_name": ("last_name", "lastname", "surname", "นามสกุล"),
}

# What happens to a row (a preview says "invite"; the run, "invited").
INVITE, INVITED, ALREADY = "invite", "invited", "already"
UNKNOWN, AMBIGUOUS, BAD_EMAIL, MISSING = "unknown", "ambiguous", "bad_email", "missing"
STATUS_LABELS = {
    INVITE: gettext_lazy("to invite"),
    INVITED: gettext_lazy("invited"),
    ALREADY: gettext_lazy("already there"),
    UNKNOWN: gettext_lazy("unknown organisation"),
    AMBIGUOUS: gettext_lazy("several organisations match"),
    BAD_EMAIL: gettext_lazy("not an e-mail address"),
    MISSING: gettext_lazy("no organisation or no e-mail"),
}
PROBLEMS = (UNKNOWN, AMBIGUOUS, BAD_EMAIL, MISSING)


@dataclass
class Row:
    line: int
    code: str = ""
    name: str = ""
    district: str = ""
    province: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    status: str = ""
    detail: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    @property
    def named(self) -> str:
        """The organisation as the row wrote it."""
        parts = [self.code, self.name, self.district, self.province]
        return " · ".join(p for p in parts if p)


def _key(header: str) -> str:
    return clean_text(header).lower().replace(" ", "")


def as_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp874"):  # Excel on Thai Windows saves CSV as cp874
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not text (UTF-8 or Thai Windows): save it as CSV"))


def read_rows(data: bytes) -> list[Row]:
    """The CSV's rows; its first line names the columns. A file that cannot be read says why."""
    text = as_text(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(_("The file is empty")) from None
    known = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}
    columns = {i: known[_key(h)] for i, h in enumerate(header) if _key(h) in known}
    found = set(columns.values())
    if "email" not in found or not ({"code", "name"} & found):
        raise ValidationError(
            _(
                "The first line must name the columns: the organisation's code (รหัส) or its "
                "name (หน่วยงาน) and district (อำเภอ), and the e-mail address (อีเมล). "
                "It reads: %(header)s"
            )
            % {"header": ", ".join(header)[:200]}
        )
    rows: list[Row] = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("At most %(count)s rows at once: split the file") % {"count": MAX_ROWS}
            )
        row = Row(line=number)
        for i, value in enumerate(values):
            if i in columns:
                setattr(row, columns[i], clean_text(value))
        rows.append(row)
    return rows


def _find(rows: list[Row]) -> None:
    """Each row's organisation (by code first, else by name and district), or why not."""
    codes = {r.code for r in rows if r.code}
    by_code = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    directory = Directory() if any(r.name and r.code not in by_code for r in rows) else None
    for row in rows:
        if row.code and row.code in by_code:
            row.organisation_id = by_code[row.code]
            continue
        if not row.name:
            if row.code:
                row.status = UNKNOWN
                row.detail = _("No organisation has the code %(code)s") % {"code": row.code}
            else:
                row.status = MISSING
            continue
        assert directory is not None
        match = directory.match(
            name=row.name,
            district=row.district,
            province_id=directory.province_named(row.province),
        )
        if match.organisation is not None:
            row.organisation_id = match.organisation.id
        elif len(match.candidates) > 1:
            # Several of that name where the row points (or, without a district, in the country).
            row.status = AMBIGUOUS
            row.detail = _("In %(places)s: add the district or the code") % {
                "places": ", ".join(directory.place_name(pk) for pk in match.candidates[:5])
            }
        elif match.candidates:
            # One of that name, but not where the row points (or the row names no district):
            # a suggestion, never a match (``ita.imports.matching``).
            row.status = UNKNOWN
            row.detail = _(
                "No organisation is named %(name)s%(where)s; did you mean %(suggestion)s? "
                "Add its district or its code"
            ) % {
                "name": row.name,
                "where": f" ({row.district})" if row.district else "",
                "suggestion": _named(directory, match.candidates[0]),
            }
        else:
            row.status = UNKNOWN
            row.detail = _("No organisation is named %(name)s%(where)s") % {
                "name": row.name,
                "where": f" ({row.district})" if row.district else "",
            }


def _named(directory: Directory, pk: int) -> str:
    return f"{directory.orgs[pk].name} ({directory.place_name(pk)})"


def plan(rows: list[Row]) -> list[Row]:
    """What a run would do with each row; nothing is written. A fixed number of queries."""
    for row in rows:
        row.status, row.detail, row.organisation_id = "", "", None
    _find(rows)
    for row in rows:
        if row.status:
            continue
        if not row.email:
            row.status = MISSING
            continue
        try:
            row.email = invitations.normalise_email(row.email)
        except ValidationError:
            row.status = BAD_EMAIL
            row.detail = row.email
    ids = {r.organisation_id for r in rows if r.organisation_id is not None and not r.status}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    administrators: dict[int, str] = {}
    for holding in holders.holdings(
        day=timezone.localdate(), organisations=ids, roles=holders.ADMINISTRATOR_ROLES
    ):
        user = holding.user
        administrators.setdefault(
            holding.organisation_id, f"{person_name(user)} ({user.email or user.username})"
        )
    invited: dict[int, Invitation] = {}
    for invitation in (
        Invitation.objects.pending()
        .filter(organisation_id__in=ids, position__role__in=holders.ADMINISTRATOR_ROLES)
        .order_by("created_at", "pk")
    ):
        invited.setdefault(invitation.organisation_id, invitation)
    first_row: dict[int, Row] = {}
    for row in rows:
        if row.status or row.organisation_id is None:
            continue
        org_id = row.organisation_id
        row.organisation_name = names.get(org_id, "")
        if org_id in administrators:
            row.status = ALREADY
            row.detail = _("Administered by %(name)s") % {"name": administrators[org_id]}
        elif org_id in invited:
            row.status = ALREADY
            row.detail = _("%(email)s is invited (until %(date)s)") % {
                "email": invited[org_id].email,
                "date": date_th(timezone.localtime(invited[org_id].expires_at).date()),
            }
        elif org_id in first_row:
            row.status = ALREADY
            row.detail = _("Line %(line)s of this file invites %(email)s") % {
                "line": first_row[org_id].line,
                "email": first_row[org_id].email,
            }
        else:
            row.status = INVITE
            first_row[org_id] = row
    return rows


def _clerk_position(
    organisation: Organisation, free: dict[int, Position], actor: Actor
) -> Position:
    """The organisation's clerk's position if one is vacant (or held by a leaver), else a new one
    (ปลัด + the organisation's name, as the positions are titled)."""
    if organisation.pk in free:
        return free[organisation.pk]
    return position_save(
        position=Position(
            organisation=organisation, title=f"ปลัด{organisation.name}", role=Position.Role.CLERK
        ),
        actor=actor,
    )


@transaction.atomic(durable=True)
def administrators_invite(*, rows: list[Row], actor: Actor) -> list[Row]:
    """Invite the administrator of each organisation the plan says to; every row says what
    happened. The organisations are locked while it runs, so two runs at once invite once."""
    ids = {r.organisation_id for r in plan(rows) if r.status == INVITE}
    organisations = {
        o.pk: o for o in Organisation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    plan(rows)  # again, now that no other run can change these organisations
    free: dict[int, Position] = {}
    for position in (
        Position.objects.filter(organisation_id__in=ids, role=Position.Role.CLERK)
        .filter(holder__isnull=True)
        .order_by("pk")
    ):
        free.setdefault(position.organisation_id, position)
    for position in Position.objects.filter(
        organisation_id__in=ids, role=Position.Role.CLERK, holder__is_active=False
    ).order_by("pk"):
        free.setdefault(position.organisation_id, position)
    made: list[Invitation] = []
    for row in rows:
        if row.status != INVITE or row.organisation_id is None:
            continue
        organisation = organisations[row.organisation_id]
        position = _clerk_position(organisation, free, actor)
        invitation, _new = invitations.invitation_create(
            organisation=organisation,
            position=position,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            actor=actor,
            mail=False,
        )
        made.append(invitation)
        row.status = INVITED
        row.detail = _("%(email)s, to %(position)s") % {
            "email": row.email,
            "position": position.title,
        }
    invitations.mail_later(made)
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    result: dict[str, int] = {}
    for row in rows:
        result[row.status] = result.get(row.status, 0) + 1
    return result
