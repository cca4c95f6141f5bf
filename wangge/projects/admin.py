from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import Project, ProjectCase


class ProjectCaseInline(admin.TabularInline):
    """Linked cases, read-only: linking writes the case's timeline, so it goes through the services."""

    model = ProjectCase
    extra = 0
    fields = ("case", "linked_by", "linked_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project, site=admin_site)
class ProjectAdmin(ScopedAdmin):
    list_display = ("month", "title", "area", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("title", "month")
    raw_id_fields = ("area", "partners", "volunteers", "residents", "created_by", "closed_by")
    readonly_fields = ("status", "created_at", "updated_at", "started_at", "closed_at", "closed_by")
    inlines = (ProjectCaseInline,)

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code

    def has_add_permission(self, request):
        return False  # 立项 links cases and writes their timelines: through the pages or the API
