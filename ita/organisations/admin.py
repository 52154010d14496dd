from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ita.history.admin import PublishesMixin
from ita.lib.admin import URL_FIELDS, Editor, ReadOnlyAdmin, ServiceAdminMixin
from ita.organisations import services
from ita.organisations.models import (
    ActingAppointment,
    District,
    DistrictAlias,
    Notice,
    Organisation,
    OrganisationAlias,
    Position,
    Province,
    Subdistrict,
)


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0
    fields = ["name"]


@admin.register(Province)
class ProvinceAdmin(PublishesMixin[Province]):
    list_display = ["name", "name_en", "region"]
    search_fields = ["name", "name_en"]
    list_filter = ["region"]
    inlines = [DistrictInline]


class DistrictAliasInline(admin.TabularInline):
    model = DistrictAlias
    extra = 0
    fields = ["name", "note"]


class SubdistrictInline(admin.TabularInline):
    model = Subdistrict
    extra = 0
    fields = ["code", "name", "name_en", "postcode"]


@admin.register(Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin[Subdistrict]):
    list_display = ["code", "name", "name_en", "district", "postcode"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "name_en"]


@admin.register(District)
class DistrictAdmin(PublishesMixin[District]):
    list_display = ["name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "aliases__name"]
    inlines = [DistrictAliasInline, SubdistrictInline]


@admin.register(DistrictAlias)
class DistrictAliasAdmin(PublishesMixin[DistrictAlias]):
    list_display = ["name", "district", "note"]
    search_fields = ["name", "district__name"]
    autocomplete_fields = ["district"]


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0
    fields = ["name", "note", "created_at"]
    readonly_fields = ["created_at"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["title", "role", "unit", "holder"]
    autocomplete_fields = ["holder"]


def _save_position(obj: Position, actor: Editor) -> Position:
    return services.position_save(position=obj, actor=actor)


def _delete_position(obj: Position, actor: Editor) -> None:
    services.position_delete(position=obj, actor=actor)


def _save_acting(obj: ActingAppointment, actor: Editor) -> ActingAppointment:
    return services.acting_save(appointment=obj, actor=actor)


def _delete_acting(obj: ActingAppointment, actor: Editor) -> None:
    services.acting_delete(appointment=obj, actor=actor)


@admin.register(Organisation)
class OrganisationAdmin(PublishesMixin[Organisation], ServiceAdminMixin[Organisation]):
    """Every edit, its positions' too, through the services, with history before and after."""

    list_display = ["name", "kind", "district", "province", "code", "letter_code"]
    list_filter = ["kind", "district__province", "district"]
    search_fields = ["name", "aliases__name", "code", "district__name"]
    list_select_related = ["district__province"]
    autocomplete_fields = ["district"]
    inlines = [AliasInline, PositionInline]
    # The emblem is made safe at upload by its own service (organisation_set_emblem), on the
    # organisation's emblem page; a file saved here would be printed unchecked.
    readonly_fields = ["emblem"]
    formfield_overrides = URL_FIELDS
    inline_services = {Position: (_save_position, _delete_position)}

    @staticmethod
    def save_service(obj: Organisation, actor: Editor) -> Organisation:
        return services.organisation_save(organisation=obj, actor=actor)

    @staticmethod
    def delete_service(obj: Organisation, actor: Editor) -> None:
        services.organisation_delete(organisation=obj, actor=actor)

    @admin.display(description=_("province"), ordering="district__province__name")
    def province(self, obj: Organisation) -> str:
        return obj.district.province.name


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(PublishesMixin[OrganisationAlias]):
    list_display = ["name", "organisation", "note", "created_at"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


class ActingInline(admin.TabularInline):
    model = ActingAppointment
    extra = 0
    fields = ["user", "starts", "ends", "note"]
    autocomplete_fields = ["user"]


@admin.register(Position)
class PositionAdmin(ServiceAdminMixin[Position]):
    inlines = [ActingInline]
    save_service = staticmethod(_save_position)
    delete_service = staticmethod(_delete_position)
    inline_services = {ActingAppointment: (_save_acting, _delete_acting)}
    list_display = ["title", "role", "organisation", "holder"]
    list_filter = ["role"]
    search_fields = ["title", "organisation__name", "holder__username", "holder__first_name"]
    list_select_related = ["organisation", "holder"]
    autocomplete_fields = ["organisation", "holder"]


@admin.register(ActingAppointment)
class ActingAppointmentAdmin(ServiceAdminMixin[ActingAppointment]):
    """The acting holder must be a member of the organisation (checked by the form, from
    ``ActingAppointment.clean``, and again by the service)."""

    save_service = staticmethod(_save_acting)
    delete_service = staticmethod(_delete_acting)
    list_display = ["position", "user", "starts", "ends", "note"]
    list_filter = ["position__role"]
    search_fields = ["position__title", "position__organisation__name", "user__username"]
    list_select_related = ["position__organisation", "user"]
    autocomplete_fields = ["position", "user"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin[Notice]):
    """News on a member's desk, written by ``ita.organisations.notices``, never here."""

    list_display = ["created_at", "recipient", "organisation", "kind", "subject", "read_at"]
    list_select_related = ["recipient", "organisation"]
    list_filter = ["kind", "created_at"]
    search_fields = ["subject", "recipient__username", "organisation__name"]
