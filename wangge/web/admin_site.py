"""The Django admin, for city administrators only, and scoped like everything else.

Every model admin registered here derives from ScopedAdmin, whose querysets
go through the area scope; a city administrator's scope is their city.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import Role
from wangge.accounts.scope import scope_of


class WanggeAdminSite(admin.AdminSite):
    site_header = _("网格 wangge 管理后台")
    site_title = _("网格 wangge")
    index_title = _("市级配置与数据")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and scope_of(request).has_role(Role.CITY_ADMIN)


admin_site = WanggeAdminSite(name="admin")


class ScopedAdmin(admin.ModelAdmin):
    """A model admin whose rows are limited to the administrator's areas."""

    def get_queryset(self, request):
        return scope_of(request).filter(super().get_queryset(request))

    def _is_city_admin(self, request):
        return scope_of(request).has_role(Role.CITY_ADMIN)

    def has_module_permission(self, request):
        return self._is_city_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._is_city_admin(request) and (obj is None or scope_of(request).covers(self.area_code_of(obj)))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._is_city_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def area_code_of(self, obj):
        return getattr(obj, obj.scope_field)


class ConfigAdmin(admin.ModelAdmin):
    """City-wide configuration (tag lists and the like), editable by city administrators."""

    def has_module_permission(self, request):
        return scope_of(request).has_role(Role.CITY_ADMIN)

    has_view_permission = has_change_permission = has_add_permission = (
        lambda self, request, obj=None: scope_of(request).has_role(Role.CITY_ADMIN)
    )

    def has_delete_permission(self, request, obj=None):
        return False
