"""The models in the admin (wangge.web.admin_site), scoped to the city administrator's areas.

Large foreign keys (areas, buildings, households) use raw id fields: a
drop-down of every grid or building in a city would be slow and long, and
an id typed in is still checked against the scoped choices.
Personal data is masked here as on every page: a resident's ID number is
never shown or changed in the admin, and a change to a resident goes through
wangge.people.services so it is validated and indexed (pinyin, last 4 digits)
like a change made anywhere else.
"""
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from wangge.accounts.models import Post, User
from wangge.accounts.scope import scope_of
from wangge.areas.models import Area, Building, Estate, Household
from wangge.people import services as people_services
from wangge.people.models import Resident, SensitiveAccess, Tag
from wangge.people.privacy import mask_id_number, mask_phone
from wangge.people.selectors import all_tags, with_tag

from .admin_site import ConfigAdmin, ScopedAdmin, ScopedInline, admin_site, is_city_admin
from .models import Feedback


# --- places -------------------------------------------------------------------
@admin.register(Area, site=admin_site)
class AreaAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    fields = ("code", "name", "level", "parent", "lat", "lng", "boundary")

    def get_readonly_fields(self, request, obj=None):
        # A code is the key every row under the area is filed by; it never changes.
        return ("code", "level", "parent") if obj else ("level",)


@admin.register(Estate, site=admin_site)
class EstateAdmin(ScopedAdmin):
    list_display = ("name", "area_code", "is_old", "is_abandoned", "property_company")
    list_filter = ("is_old", "is_abandoned")
    search_fields = ("name", "area_code", "property_company")


@admin.register(Building, site=admin_site)
class BuildingAdmin(ScopedAdmin):
    list_display = ("__str__", "area_code", "address", "floors")
    search_fields = ("name", "estate__name", "address", "area_code")
    list_select_related = ("estate",)
    raw_id_fields = ("grid", "estate")

    def area_code_of(self, obj):
        return obj.grid.code


@admin.register(Household, site=admin_site)
class HouseholdAdmin(ScopedAdmin):
    list_display = ("address", "building", "area_code")
    search_fields = ("address", "area_code")
    list_select_related = ("building", "building__estate")
    raw_id_fields = ("building",)

    def area_code_of(self, obj):
        return obj.building.area_code


# --- residents -------------------------------------------------------------------
class TagFilter(admin.SimpleListFilter):
    """By key-population tag, derived ones (高龄老人) included, as on the pages."""

    title = _("重点人群")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [(tag.code, tag.name) for tag in all_tags()]

    def queryset(self, request, queryset):
        return with_tag(queryset, self.value()) if self.value() else queryset


class ResidentAdminForm(forms.ModelForm):
    """The key-population tags as a plain choice: Resident.tags has a link model of its own
    (ResidentTag, filed under the resident's county), which the admin does not render."""

    key_tags = forms.ModelMultipleChoiceField(
        label=_("重点人群"), required=False,
        # Derived tags (高龄老人) follow from the birth date and are never set by hand.
        queryset=Tag.objects.filter(min_age__isnull=True),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["key_tags"].initial = list(self.instance.tags.filter(min_age__isnull=True))


@admin.register(Resident, site=admin_site)
class ResidentAdmin(ScopedAdmin):
    """Residents, masked. New residents are registered through the pages or the
    API, which derive gender and birth date from the ID number."""

    EDITABLE = ("name", "residence_type", "household", "relation", "key_tags", "note")

    form = ResidentAdminForm

    list_display = ("name", "gender", "masked_id_number", "masked_phone", "household", "area_code")
    list_filter = ("residence_type", "gender", TagFilter)
    # Only the last four digits are searchable, so the search box cannot be
    # used to test whether a full ID number is registered.
    search_fields = ("name", "^name_initials", "^name_pinyin", "=id_last4", "household__address")
    list_select_related = ("household",)
    raw_id_fields = ("household",)
    fields = (
        "name", "masked_id_number", "gender", "birth_date", "masked_phone",
        "residence_type", "household", "relation", "area_code", "key_tags", "note",
    )
    readonly_fields = ("masked_id_number", "masked_phone", "gender", "birth_date", "area_code")

    @admin.display(description=_("居民身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in self.EDITABLE}
        if "household" in data:
            data["household"] = data["household"].pk if data["household"] else None
        if "key_tags" in data:
            data["tags"] = [tag.code for tag in data.pop("key_tags")]
        people_services.update_resident(scope=scope_of(request), resident=obj, data=data)

    def save_related(self, request, form, formsets, change):
        # The tags were set by the service in save_model; there are no inlines.
        pass


@admin.register(SensitiveAccess, site=admin_site)
class SensitiveAccessAdmin(ScopedAdmin):
    """The log of openings of personal data: read only, like the page."""

    list_display = ("at", "user", "resident", "field", "reason", "area_code")
    list_filter = ("field",)
    date_hierarchy = "at"
    search_fields = ("reason", "user__username", "resident__name")
    list_select_related = ("user", "resident")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- accounts ----------------------------------------------------------------------
@admin.register(Post, site=admin_site)
class PostAdmin(ScopedAdmin):
    list_display = ("user", "role", "area")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "area__name", "area_code")
    list_select_related = ("user", "area")
    raw_id_fields = ("user", "area")

    def has_delete_permission(self, request, obj=None):
        # Ending a post is how a role is taken away.
        return self.has_view_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = users_in_scope(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PostInline(ScopedInline):
    model = Post
    fields = ("role", "area")
    raw_id_fields = ("area",)
    # An account is only visible through a post in the administrator's areas,
    # so it is created with one and keeps at least one.
    min_num = 1
    validate_min = True


def users_in_scope(request):
    """Accounts holding a post inside the administrator's areas. Superusers are
    left out: changing their password would hand over every city."""
    return User.objects.filter(scope_of(request).q("posts__area_code"), is_superuser=False).distinct()


@admin.register(User, site=admin_site)
class ScopedUserAdmin(UserAdmin):
    """Accounts, without the superuser, staff and permission fields: what a
    user may see comes from their posts alone."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "display_name", "usable_password", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "display_name", "is_active", "last_login")
    list_filter = ("is_active", "posts__role")
    search_fields = ("username", "display_name")
    filter_horizontal = ()
    inlines = [PostInline]

    def get_queryset(self, request):
        return users_in_scope(request)

    def has_module_permission(self, request):
        return is_city_admin(request)

    def has_view_permission(self, request, obj=None):
        return is_city_admin(request) and (obj is None or users_in_scope(request).filter(pk=obj.pk).exists())

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return is_city_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False


# --- configuration -------------------------------------------------------------
@admin.register(Tag, site=admin_site)
class TagAdmin(ConfigAdmin):
    list_display = ("name", "name_en", "code", "min_age", "sort_order")
    search_fields = ("name", "name_en", "code")


@admin.register(Feedback, site=admin_site)
class FeedbackAdmin(ConfigAdmin):
    """Feedback is read here by city administrators; it is written only from the page."""

    list_display = ("created_at", "user", "page_url", "__str__")
    search_fields = ("text", "user__username", "page_url")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = ("created_at", "user", "page_url", "text")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
