"""Open311 in the admin (wangge.web.admin_site), for city administrators.

Client applications are listed with their rates and can be revoked; keys are
issued only by ``manage.py open311_key``, which shows a key once. Requests are
read-only, except that one waiting for a place can be given a grid here, which
turns it into a case (services.place_request). Service attributes are
configuration, edited like the categories they belong to.
"""
from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.accounts.scope import scope_of
from wangge.web.admin_site import ConfigAdmin, admin_site

from . import selectors, services
from .models import Open311Client, Open311Request, ServiceAttribute


@admin.register(Open311Client, site=admin_site)
class Open311ClientAdmin(ConfigAdmin):
    list_display = ("name", "rate", "created_at", "revoked_at")
    fields = ("name", "rate", "created_at", "revoked_at")
    readonly_fields = ("name", "created_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("吊销所选应用的密钥"))
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            services.revoke_key(name=client.name)
        self.message_user(request, _("已吊销"), messages.SUCCESS)


class PlaceForm(forms.ModelForm):
    grid = forms.CharField(
        label=_("定位到网格"), max_length=15, required=False, help_text=_("15 位网格代码；保存后生成诉求")
    )

    class Meta:
        model = Open311Request
        fields = ()


@admin.register(Open311Request, site=admin_site)
class Open311RequestAdmin(ConfigAdmin):
    list_display = ("__str__", "client", "service", "created_at", "placed")
    list_filter = ("client", ("case", admin.EmptyFieldListFilter))
    search_fields = ("case__number", "token", "address_string", "description")
    list_select_related = ("client", "service", "case")
    form = PlaceForm
    readonly_fields = ("client", "case", "token", "service", "description", "attributes", "lat", "lng",
                       "address_string", "address_id", "media_url", "contact", "created_at", "placed_by", "placed_at")

    def get_queryset(self, request):
        # Placed requests within the administrator's areas, and those still waiting for a place.
        return super().get_queryset(request).filter(Q(case__isnull=True) | scope_of(request).q("case__area_code"))

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        return (["grid"] + fields) if obj is not None and obj.case_id is None else fields

    @admin.display(description=_("已定位"), boolean=True)
    def placed(self, obj):
        return obj.case_id is not None

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class ScopedPlaceForm(form):
            def clean_grid(self):
                code = self.cleaned_data["grid"].strip()
                if code:
                    selectors.grid_for_placing(request.user, code)
                return code

        return ScopedPlaceForm

    def save_model(self, request, obj, form, change):
        grid = form.cleaned_data.get("grid", "")
        if obj.case_id is None and grid:
            services.place_request(actor=request.user, token=obj.token, grid=grid)


@admin.register(ServiceAttribute, site=admin_site)
class ServiceAttributeAdmin(ConfigAdmin):
    list_display = ("category", "order", "code", "datatype", "required", "variable", "description")
    list_filter = ("datatype", "category__parent")
    search_fields = ("code", "description", "category__name", "category__code")
    list_select_related = ("category", "category__parent")
