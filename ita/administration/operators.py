"""The site's operators: who runs the site for every organisation (imports the scores, onboards
organisations, watches the background tasks, keeps the gazetteer and the years in the Django
admin), by named permissions, never by ``is_staff`` alone. ``is_staff`` only lets an account into
the Django admin; each page and each model there asks for its own permission.

``operators_group()`` makes (or brings up to date) the group that holds them all;
``operator_grant`` and ``operator_revoke`` (``manage.py operators --add/--remove USERNAME``) put an
account in it or take it out, with a history row. No daily task of an
organisation needs any of this: an organisation runs itself at ``/organisations/<id>/manage/``.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ita.history.models import EventKind
from ita.history.services import Actor, event_record

GROUP_NAME = "ผู้ปฏิบัติการระบบ (operators)"

# The operators' own pages.
PAGES = {
    "imports.add_importbatch": "score imports (/imports/)",
    "accounts.onboard_administrators": "onboarding organisations (/onboarding/)",
    "django_tasks_database.view_dbtaskresult": "background tasks (/ops/tasks/)",
    "django_tasks_database.change_dbtaskresult": "retrying a failed task",
    "measures.change_oititem": "a year's OIT checklist (/measures/oit/<year>/items/)",
}
# The Django admin: what operators keep (the organisations, the gazetteer, the years and their
# methods, the results) and what they read (the history, the imports, the invitations, the
# mail's delivery log). An organisation's people, positions and chain are its own business.
KEEP = [
    "organisations.province",
    "organisations.district",
    "organisations.districtalias",
    "organisations.subdistrict",
    "organisations.organisation",
    "organisations.organisationalias",
    "ita",  # the results (ita.results: the years, their methods, the scores)
    "measures.oititem",  # the year's OIT checklist, the country's (corrected and confirmed)
]
READ = ["history", "imports", "accounts.invitation", "mail"]


def _permissions(specs: list[str], actions: tuple[str, ...]) -> Q:
    query = Q(pk__in=[])
    for spec in specs:
        app_label, _, model = spec.partition(".")
        for action in actions:
            where = Q(content_type__app_label=app_label, codename__startswith=f"{action}_")
            if model:
                where &= Q(content_type__model=model)
            query |= where
    return query


def permission_rows() -> list[Permission]:
    """The permissions an operator holds (those that exist in this database)."""
    pages = Q(pk__in=[])
    for name in PAGES:
        app_label, _, codename = name.partition(".")
        pages |= Q(content_type__app_label=app_label, codename=codename)
    query = pages | _permissions(KEEP, ("view", "add", "change")) | _permissions(READ, ("view",))
    return list(Permission.objects.filter(query).select_related("content_type"))


@transaction.atomic
def operators_group() -> Group:
    """The operators' group, holding exactly ``permission_rows()``."""
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(permission_rows())
    return group


@transaction.atomic
def operator_grant(*, user: User, actor: Actor) -> bool:
    """Make ``user`` an operator: staff (the Django admin lets them in) and in the operators'
    group, brought up to date. Returns False when they were one already (nothing recorded)."""
    if not user.is_active:
        raise ValidationError(
            _("%(name)s is deactivated: an operator must be an active account.")
            % {"name": user.get_username()}
        )
    group = operators_group()
    was = (user.is_staff, user.groups.filter(pk=group.pk).exists())
    if was == (True, True):
        return False
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    event_record(
        actor=actor,
        action=EventKind.OPERATOR_GRANT,
        organisation_id=None,
        obj=user,
        data={"username": user.get_username(), "was_staff": was[0]},
    )
    return True


@transaction.atomic
def operator_revoke(*, user: User, actor: Actor) -> bool:
    """Take ``user`` out of the operators' group and the Django admin (a superuser keeps their
    flag: the site's own account is not an operator's to lose). Returns False when they were
    not one."""
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None or not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    if not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    event_record(
        actor=actor,
        action=EventKind.OPERATOR_REVOKE,
        organisation_id=None,
        obj=user,
        data={"username": user.get_username()},
    )
    return True


def operator_names() -> list[str]:
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        return []
    return sorted(group.user_set.values_list("username", flat=True))
