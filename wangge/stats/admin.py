"""Exports of figures in the admin: looked at, never written."""
from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import StatsExport


@admin.register(StatsExport, site=admin_site)
class StatsExportAdmin(ScopedAdmin):
    list_display = ("at", "user", "area_code", "date_from", "date_to")
    list_select_related = ("user",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
