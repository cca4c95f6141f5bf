"""The Django admin, for city administrators only, and scoped like everything else.

Every model admin of area-owned data derives from ScopedAdmin, whose querysets
go through the area scope; a city administrator's scope is their city. The
choices of its foreign keys are scoped too, so no drop-down lists another
city's places, and a row whose place would fall outside the scope is refused
by the form.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import Role
from wangge.accounts.scope import scope_of


class WanggeAdminSite(admin.AdminSite):
    site_header = _("网格 wangge 管理后台")
    site_title = _("网格 wangge")
    index_title = _("市级配置与数据")
    site_url = "/"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and scope_of(request).has_role(Role.CITY_ADMIN)


admin_site = WanggeAdminSite(name="admin")


def is_city_admin(request) -> bool:
    return scope_of(request).has_role(Role.CITY_ADMIN)


def scoped_choices(request, db_field, kwargs: dict) -> dict:
    """Limit a foreign key's choices to rows in scope when its model is area-owned."""
    related = db_field.related_model
    if getattr(related, "scope_field", None):
        kwargs["queryset"] = scope_of(request).filter(related)
    return kwargs


class ScopedAdmin(admin.ModelAdmin):
    """A model admin whose rows are limited to the administrator's areas."""

    def get_queryset(self, request):
        return scope_of(request).filter(super().get_queryset(request))

    def has_module_permission(self, request):
        return is_city_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request) and (obj is None or scope_of(request).covers(self.area_code_of(obj)))

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_city_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def area_code_of(self, obj):
        """The code of the place a row belongs to, before it is saved (models
        that derive ``area_code`` from a parent in save() override this)."""
        return getattr(obj, obj.scope_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **scoped_choices(request, db_field, kwargs))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        scope, area_code_of = scope_of(request), self.area_code_of

        class ScopedForm(form):
            # Free-text codes (an area's code, an estate's area) are not covered
            # by scoped choices, so the place of the finished row is checked here.
            def _post_clean(self):
                super()._post_clean()
                if not self.errors and not scope.covers(area_code_of(self.instance)):
                    self.add_error(None, _("所选区域不在您的管辖范围内"))

        return ScopedForm


class ScopedInline(admin.TabularInline):
    """An inline of area-owned rows, scoped and permitted like ScopedAdmin."""

    extra = 0

    def get_queryset(self, request):
        return scope_of(request).filter(super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **scoped_choices(request, db_field, kwargs))

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class ConfigAdmin(admin.ModelAdmin):
    """City-wide configuration (tag lists and the like), editable by city administrators."""

    def has_module_permission(self, request):
        return is_city_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return is_city_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False
