from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import Activity


@admin.register(Activity, site=admin_site)
class ActivityAdmin(ScopedAdmin):
    list_display = ("date", "title", "kind", "area", "participants")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("title", "series")
    raw_id_fields = ("partners", "volunteers", "residents", "created_by")

    def area_code_of(self, obj):
        return obj.area.code if obj.area_id else obj.area_code
