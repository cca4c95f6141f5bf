"""Visits in the admin (wangge.web.admin_site).

City administrators set the care-visit frequency of each key-population tag
here. Visits and sweep plans are only looked at: visits are written by the
workers who made them (services.record_visit raises their cases in the same
transaction, which an admin form would bypass), and plans by their communities.
"""
from django.contrib import admin

from wangge.web.admin_site import ConfigAdmin, ScopedAdmin, admin_site

from .models import CarePolicy, Visit, VisitPlan


@admin.register(CarePolicy, site=admin_site)
class CarePolicyAdmin(ConfigAdmin):
    list_display = ("tag", "interval_days", "fixed_dates", "lead_days", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("tag",)


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Visit, site=admin_site)
class VisitAdmin(ReadOnlyScopedAdmin):
    list_display = ("visited_at", "kind", "place_label", "area_code", "recorded_by")
    list_filter = ("kind",)
    date_hierarchy = "visited_at"
    search_fields = ("household__address", "place_name", "summary")
    list_select_related = ("household", "building__estate", "estate", "recorded_by")


@admin.register(VisitPlan, site=admin_site)
class VisitPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "community", "weekday_labels", "target_households", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("community",)
