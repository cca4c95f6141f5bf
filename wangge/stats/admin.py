"""The export log (导出记录) in the admin: looked at, never written."""
from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import BriefingDraft, Course, StatsExport


@admin.register(StatsExport, site=admin_site)
class StatsExportAdmin(ScopedAdmin):
    list_display = ("at", "user", "kind", "area_code", "date_from", "date_to", "rows", "full")
    list_filter = ("kind", "full")
    list_select_related = ("user",)
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course, site=admin_site)
class CourseAdmin(ScopedAdmin):
    list_display = ("start_date", "end_date", "name", "area", "organiser")
    date_hierarchy = "start_date"
    search_fields = ("name", "organiser")
    raw_id_fields = ("attendees", "created_by")

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code


@admin.register(BriefingDraft, site=admin_site)
class BriefingDraftAdmin(ScopedAdmin):
    """Edited briefings are changed on the briefing page; here they are only looked at."""

    list_display = ("month", "area", "title", "edited_by", "edited_at")
    list_select_related = ("area", "edited_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
