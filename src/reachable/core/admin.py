from django.contrib import admin

from reachable.core.models import (
    Agency,
    Area,
    Code,
    CodeList,
    OperatingHours,
    Partnership,
    Place,
    Team,
)
from reachable.lib.admin import AuditedAdmin, AuditedInline


class CodeInline(AuditedInline):
    model = Code
    extra = 0


@admin.register(CodeList)
class CodeListAdmin(AuditedAdmin):
    list_display = ("key", "name")
    inlines = [CodeInline]


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ("name", "slug")


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent", "partnership", "gss_code")
    list_filter = ("kind", "partnership")
    search_fields = ("name", "slug", "gss_code")


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "agency_type")
    list_filter = ("agency_type",)
    search_fields = ("name",)
    filter_horizontal = ("areas",)


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "agency", "area")
    list_filter = ("agency",)
    search_fields = ("name",)
    filter_horizontal = ("places",)


class HoursInline(AuditedInline):
    model = OperatingHours
    extra = 0


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ("name", "kind", "area", "latitude", "longitude")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [HoursInline]
