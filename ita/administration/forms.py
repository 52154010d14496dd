"""The forms of an organisation's administration: they validate and convert; services write."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TypeVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ita.lib.fields import ThaiDateField
from ita.organisations.models import Position
from ita.organisations.people import person_name
from memos.roles import EXECUTIVE_ROLES

M = TypeVar("M", bound=Model)
# What a form is given: the submitted data (none for a blank form), its initial values.
Data = QueryDict | None
Initial = MutableMapping[str, object] | None


def _choices(form: forms.Form, name: str, queryset: QuerySet[M]) -> None:
    """The rows the form's model choice ``name`` offers (each organisation its own)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return person_name(obj)


class PositionChoiceField(forms.ModelChoiceField[Position]):
    def label_from_instance(self, obj: Position) -> str:
        holder = person_name(obj.holder) if obj.holder_id else _("vacant")
        return f"{obj.title} ({holder})"


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("The link to choose a password goes there; it works once."),
    )
    first_name = forms.CharField(
        label=_("First name (with title, e.g. นายสมชาย)"), max_length=150, required=False
    )
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    position = PositionChoiceField(
        label=_("Position"),
        queryset=Position.objects.none(),
        required=False,
        empty_label=_("— a new position (below) —"),
        help_text=_("A held position passes to the person when they accept."),
    )
    new_title = forms.CharField(
        label=_("New position's title"),
        max_length=200,
        required=False,
        help_text=_("e.g. หัวหน้าสำนักปลัด, นักจัดการงานทั่วไป"),
    )
    new_role = forms.ChoiceField(
        label=_("New position's role"), choices=Position.Role.choices, required=False
    )
    new_unit = forms.CharField(label=_("New position's unit"), max_length=200, required=False)

    def __init__(
        self, data: Data = None, *, positions: QuerySet[Position], initial: Initial = None
    ) -> None:
        super().__init__(data, initial=initial)
        _choices(self, "position", positions)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("position") and not (data.get("new_title") or "").strip():
            self.add_error("new_title", _("Choose a position above, or give the new one's title"))
        return data


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name (with title)"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)


class PositionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Position.Role.choices,
        help_text=_(
            "The head of the clerk's office, deputy clerk, clerk and mayor sign memos in that "
            "order; the clerk and the head of the clerk's office administer the organisation."
        ),
    )
    unit = forms.CharField(label=_("Unit"), max_length=200, required=False)


class PositionEditForm(PositionForm):
    holder = PersonChoiceField(
        label=_("Holder"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— vacant —"),
        help_text=_("A member of the organisation; invite a newcomer from the people page."),
    )

    def __init__(
        self, data: Data = None, *, members: QuerySet[User], initial: Initial = None
    ) -> None:
        super().__init__(data, initial=initial)
        _choices(self, "holder", members)


class ActingForm(forms.Form):
    position = PositionChoiceField(
        label=_("Acting for the position"), queryset=Position.objects.none()
    )
    user = PersonChoiceField(label=_("Acting holder"), queryset=User.objects.none())
    starts = ThaiDateField(label=_("From"))
    ends = ThaiDateField(label=_("Until (inclusive)"))
    note = forms.CharField(
        label=_("Order or note"),
        max_length=200,
        required=False,
        help_text=_("e.g. คำสั่งที่ ๑๒/๒๕๖๗"),
    )

    def __init__(
        self, data: Data = None, *, positions: QuerySet[Position], members: QuerySet[User]
    ) -> None:
        super().__init__(data)
        _choices(self, "position", positions)
        _choices(self, "user", members)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The period ends before it starts."))
        return data


ROLE_LABELS = dict(Position.Role.choices)


class ChainForm(forms.Form):
    """The steps a memo passes, lowest first; the mayor's decision is always the last."""

    roles = forms.MultipleChoiceField(
        label=_("Steps of the sign-off chain"),
        choices=[(r, ROLE_LABELS[r]) for r in EXECUTIVE_ROLES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A memo passes the ticked steps in this order. A step nobody holds on the day is "
            "skipped; the mayor decides and cannot be left out."
        ),
    )

    def clean_roles(self) -> list[str]:
        chosen = set(self.cleaned_data["roles"])
        if Position.Role.MAYOR not in chosen:
            raise forms.ValidationError(_("The mayor decides every memo: keep the mayor's step."))
        return [r for r in EXECUTIVE_ROLES if r in chosen]


class SecondFactorForm(forms.Form):
    required = forms.BooleanField(
        label=_("Signers need a second factor"),
        required=False,
        help_text=_(
            "Executives sign memos only after a code from an authenticator app; one without it "
            "set up is asked to set it up first."
        ),
    )
