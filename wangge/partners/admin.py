"""Partners and service points in the admin, scoped like everything else."""
from django.contrib import admin

from wangge.web.admin_site import ScopedAdmin, admin_site

from .models import Partner, PartnerMembership, ServicePoint


class MembershipInline(admin.TabularInline):
    model = PartnerMembership
    extra = 0
    raw_id_fields = ("user",)


class AreaLinkedAdmin(ScopedAdmin):
    def area_code_of(self, obj):
        # area_code is copied from the area in save(); before that, read the area.
        return obj.area.code if obj.area_id else obj.area_code


@admin.register(Partner, site=admin_site)
class PartnerAdmin(AreaLinkedAdmin):
    list_display = ("name", "kind", "area", "contact_name", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("categories",)
    inlines = (MembershipInline,)


@admin.register(ServicePoint, site=admin_site)
class ServicePointAdmin(AreaLinkedAdmin):
    list_display = ("name", "kind", "area", "lat", "lng", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "address")
