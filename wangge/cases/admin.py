"""The case loop in the admin (wangge.web.admin_site).

City administrators configure the categories, routing rules and holidays here.
Cases are only looked at: every change to one goes through a service function
that checks the state table and appends an event, which an admin form would
bypass. Events are history and appear read-only under their case; notifications
are private to their user and are not shown at all.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.web.admin_site import ConfigAdmin, ScopedAdmin, admin_site, is_city_admin

from .models import Case, CaseEvent, Category, Holiday, RoutingRule


@admin.register(Category, site=admin_site)
class CategoryAdmin(ConfigAdmin):
    list_display = ("__str__", "code", "name_en", "sort_order", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Two levels only: a parent is a top class.
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoutingRule, site=admin_site)
class RoutingRuleAdmin(ConfigAdmin):
    list_display = ("__str__", "start_level", "working_days", "hours", "partner_type")
    list_filter = ("level", "category__parent")
    search_fields = ("category__name", "category__code", "partner_type")
    list_select_related = ("category", "category__parent")


@admin.register(Holiday, site=admin_site)
class HolidayAdmin(ConfigAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("seq", "created_at", "actor_label", "action", "from_status", "to_status", "from_level", "to_level",
              "owner_label", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case, site=admin_site)
class CaseAdmin(ScopedAdmin):
    list_display = ("number", "title", "status", "level", "deadline", "grid_name")
    list_filter = ("status", "level", "source", "urgency", "category__parent")
    search_fields = ("number", "title", "tracking")
    date_hierarchy = "reported_at"
    list_select_related = ("grid",)
    inlines = (CaseEventInline,)
    exclude = ("reporter_phone",)

    @admin.display(description=_("网格"), ordering="area_code")
    def grid_name(self, obj):
        return obj.grid.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
