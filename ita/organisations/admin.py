from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ita.lib.admin import URL_FIELDS
from ita.organisations.models import (
    ActingAppointment,
    District,
    DistrictAlias,
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
class ProvinceAdmin(admin.ModelAdmin):
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
class SubdistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "district", "postcode"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "name_en"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "province"]
    list_filter = ["province"]
    search_fields = ["name", "aliases__name"]
    inlines = [DistrictAliasInline, SubdistrictInline]


@admin.register(DistrictAlias)
class DistrictAliasAdmin(admin.ModelAdmin):
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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "province", "code", "letter_code"]
    list_filter = ["kind", "district__province", "district"]
    search_fields = ["name", "aliases__name", "code", "district__name"]
    list_select_related = ["district__province"]
    autocomplete_fields = ["district"]
    inlines = [AliasInline, PositionInline]
    formfield_overrides = URL_FIELDS

    @admin.display(description=_("province"), ordering="district__province__name")
    def province(self, obj: Organisation) -> str:
        return obj.district.province.name


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "note", "created_at"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


class ActingInline(admin.TabularInline):
    model = ActingAppointment
    extra = 0
    fields = ["user", "starts", "ends", "note"]
    autocomplete_fields = ["user"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    inlines = [ActingInline]
    list_display = ["title", "role", "organisation", "holder"]
    list_filter = ["role"]
    search_fields = ["title", "organisation__name", "holder__username", "holder__first_name"]
    list_select_related = ["organisation", "holder"]
    autocomplete_fields = ["organisation", "holder"]


@admin.register(ActingAppointment)
class ActingAppointmentAdmin(admin.ModelAdmin):
    list_display = ["position", "user", "starts", "ends", "note"]
    list_filter = ["position__role"]
    search_fields = ["position__title", "position__organisation__name", "user__username"]
    list_select_related = ["position__organisation", "user"]
    autocomplete_fields = ["position", "user"]
