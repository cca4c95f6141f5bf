"""Volunteers in the admin, scoped like everything else."""
from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import HelpTask, ServiceRecord, Team, Volunteer


@admin.register(Volunteer, site=admin_site)
class VolunteerAdmin(ScopedAdmin):
    list_display = ("name", "area", "is_governance_partner", "is_active")
    list_filter = ("is_governance_partner", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("resident", "user")

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code


@admin.register(Team, site=admin_site)
class TeamAdmin(ScopedAdmin):
    list_display = ("name", "area", "leader", "is_active")
    raw_id_fields = ("leader", "members")

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code


@admin.register(ServiceRecord, site=admin_site)
class ServiceRecordAdmin(ScopedAdmin):
    list_display = ("volunteer", "activity", "date", "hours", "confirmed_at")
    date_hierarchy = "date"
    raw_id_fields = ("volunteer", "team", "recorded_by", "confirmed_by")

    def area_code_of(self, obj):
        return obj.volunteer.area_code if obj.volunteer_id else obj.area_code


@admin.register(HelpTask, site=admin_site)
class HelpTaskAdmin(ScopedAdmin):
    """Read and correct tasks; their changes of state go through the task pages and the API."""

    list_display = ("title", "area", "needed_on", "status", "volunteer")
    list_filter = ("status", "skill")
    date_hierarchy = "needed_on"
    search_fields = ("title",)
    raw_id_fields = ("area", "resident", "household", "team", "need", "volunteer", "accepted_by", "created_by",
                     "completed_by", "record")
    readonly_fields = ("status", "created_at", "accepted_at", "escalated_at", "completed_at", "cancelled_at")

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code
