"""An organisation's people as accounts: their names and address, and leaving.

A person who leaves is deactivated, never deleted: their account can no longer log in, they hold
no role (``ita.organisations.holders``), and their positions, signatures and history stay as they
were. Each write records a history row of the organisation it was made from.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ita.history import payloads
from ita.history.models import EventKind
from ita.history.services import Actor, event_record
from ita.organisations.models import Organisation, Position
from ita.organisations.people import person_name

USER_TYPE = "auth.user"
FIELDS = ("first_name", "last_name", "email")


def _record(
    action: EventKind,
    organisation: Organisation,
    person: User,
    actor: Actor,
    data: payloads.PersonEdited | payloads.Switched,
) -> None:
    event_record(
        actor=actor,
        action=action,
        organisation_id=organisation.pk,
        object_type=USER_TYPE,
        object_id=str(person.pk),
        comment=person_name(person),
        data=data,
    )


@transaction.atomic
def person_update(
    *,
    organisation: Organisation,
    person: User,
    first_name: str,
    last_name: str,
    email: str,
    actor: Actor,
) -> User:
    """Correct a person's name or e-mail address (another active account may not have it)."""
    email = email.strip().lower()
    if email:
        validate_email(email)
        taken = (
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True)
            .exclude(pk=person.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                {"email": _("%(email)s is the address of another account") % {"email": email}}
            )
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    before = {f: getattr(person, f) for f in FIELDS}
    person.first_name, person.last_name, person.email = first_name.strip(), last_name.strip(), email
    after = {f: getattr(person, f) for f in FIELDS}
    changed = [f for f in FIELDS if before[f] != after[f]]
    if not changed:
        return person
    person.save(update_fields=changed)
    _record(
        EventKind.PERSON_UPDATE,
        organisation,
        person,
        actor,
        payloads.PersonEdited(
            before={f: before[f] for f in changed}, after={f: after[f] for f in changed}
        ),
    )
    return person


def _elsewhere(organisation: Organisation, person: User) -> list[str]:
    return sorted(
        set(
            Position.objects.filter(holder=person)
            .exclude(organisation=organisation)
            .values_list("organisation__name", flat=True)
        )
    )


@transaction.atomic
def person_deactivate(*, organisation: Organisation, person: User, actor: Actor) -> User:
    """A person left: their account is deactivated (not deleted). Refused for one's own account,
    and for a person who also holds a position in another organisation (deactivating would
    lock them out of it too: free their positions here instead)."""
    if actor is not None and actor.pk == person.pk:
        raise ValidationError(
            _("You cannot deactivate your own account: ask another administrator")
        )
    others = _elsewhere(organisation, person)
    if others:
        raise ValidationError(
            _(
                "%(name)s also holds a position in %(others)s: free their positions here instead "
                "of deactivating the account"
            )
            % {"name": person_name(person), "others": ", ".join(others)}
        )
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    _record(
        EventKind.PERSON_DEACTIVATE,
        organisation,
        person,
        actor,
        payloads.Switched(before=True, after=False),
    )
    return person


@transaction.atomic
def person_reactivate(*, organisation: Organisation, person: User, actor: Actor) -> User:
    """A person deactivated by mistake (or back): their account works again, with the positions
    they still hold."""
    others = _elsewhere(organisation, person)
    if others:
        raise ValidationError(
            _("%(name)s also holds a position in %(others)s: ask the system's operator")
            % {"name": person_name(person), "others": ", ".join(others)}
        )
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    _record(
        EventKind.PERSON_REACTIVATE,
        organisation,
        person,
        actor,
        payloads.Switched(before=False, after=True),
    )
    return person
