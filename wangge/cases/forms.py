"""Forms of the case pages. They only read what was typed: every rule about a
case (what is required, which place or category is valid, who may do what)
lives in services.py and states.py, and the errors those raise are put back
onto these forms by field name (the fields are named like the services'
arguments). Hence the fields are optional here; ``required`` on a widget is a
hint for the browser, not a rule.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rating, Source, Urgency
from .states import LEVELS

REQUIRED_HINT = {"required": True}


class PhotosInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Any number of photos, none of them required; size, count and type are
    checked by the service (photos.check), on the files' content."""

    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class PlaceSelect(forms.Select):
    """A drop-down of places for place.js, which keeps only the options under the
    place chosen in the drop-down named by ``data-filter-by``. An option's area
    code is its value (streets, communities, grids), or ``codes[value]`` written
    as ``data-code`` (a building carries its grid's code)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.codes: dict[str, str] = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        code = self.codes.get(str(value))
        if code:
            option["attrs"]["data-code"] = code
        return option


def choice(label, **attrs) -> forms.CharField:
    """A drop-down whose value the service judges (so its refusal is the one message)."""
    return forms.CharField(label=label, required=False, widget=forms.Select(attrs=attrs))


def text(label, *, area=False, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if area else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, widget=widget)


def category_choices(tops) -> list:
    """The category drop-down, grouped by top class (selectors.categories())."""
    return [("", _("请选择分类"))] + [
        (top.label, [(c.code, c.label) for c in top.active_children] or [(top.code, top.label)]) for top in tops
    ]


# --- reporting -------------------------------------------------------------------------
class ReportForm(forms.Form):
    """A staff member reports what they found (services.report_case)."""

    category = choice(_("分类"), **REQUIRED_HINT)
    title = text(_("标题"), placeholder=_("如：3号楼楼顶漏水"), **REQUIRED_HINT)
    description = text(_("描述"), area=True, placeholder=_("什么问题、在哪里、影响谁"), **REQUIRED_HINT)
    area = choice(_("网格"), **REQUIRED_HINT)
    building = forms.IntegerField(
        label=_("楼栋（可不选）"), required=False, widget=PlaceSelect(attrs={"data-filter-by": "id_area"})
    )
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    source = forms.CharField(label=_("来源"), required=False, widget=forms.Select(choices=Source.choices))
    urgency = forms.CharField(
        label=_("紧急程度"), required=False, widget=forms.RadioSelect(choices=Urgency.choices)
    )
    photos = PhotosField(label=_("照片（可不传）"))

    def __init__(self, *args, categories, grids, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = category_choices(categories)
        self.fields["area"].widget.choices = [("", _("请选择网格"))] + [(g.code, g.name) for g in grids]
        if buildings is None:
            del self.fields["building"]
        else:
            by_grid: dict[str, list] = {}
            for building in buildings:
                by_grid.setdefault(building.area_code, []).append((building.pk, str(building)))
            names = {g.code: g.name for g in grids}
            widget = self.fields["building"].widget
            widget.choices = [("", "—")] + [(names.get(code, code), options) for code, options in by_grid.items()]
            widget.codes = {str(b.pk): b.area_code for b in buildings}

    def data_for_service(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "photos"}


# --- actions on a case -------------------------------------------------------------------
class ActionForm(forms.Form):
    """Every action names the version of the case the user saw (a stale one is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(ActionForm):
    note = text(_("说明（可不填）"))


class ReasonForm(ActionForm):
    reason = text(_("原因"), area=True, **REQUIRED_HINT)


class HandleForm(ActionForm):
    note = text(_("处置情况"), area=True, placeholder=_("怎么处理的，结果如何"), **REQUIRED_HINT)
    photos = PhotosField(label=_("处置后照片（可不传）"))


class DispatchForm(ActionForm):
    """To exactly one of a person, a level's office or a partner organisation."""

    to_user = choice(_("派给人员"))
    to_level = choice(_("或派给层级"))
    to_partner = text(_("或派给联建单位"), placeholder=_("单位名称"))
    note = text(_("说明（可不填）"))

    def __init__(self, *args, people=(), case_level="", offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].widget.choices = [("", "—")] + [
            (u.username, f"{u}（{u.username}）") for u in people
        ]
        offices = offices or {}
        below = LEVELS[: LEVELS.index(case_level) + 1] if case_level in LEVELS else ()
        self.fields["to_level"].widget.choices = [("", "—")] + [
            (level, f"{level.label} · {offices[level]}" if offices.get(level) else level.label)
            for level in reversed(below)
        ]


class MergeForm(ActionForm):
    into = text(_("合并至诉求编号"), placeholder="SQ-2026-000123", **REQUIRED_HINT)
    note = text(_("说明（可不填）"))


class RateForm(ActionForm):
    rating = forms.CharField(
        label=_("反映人评价"), required=False, widget=forms.RadioSelect(choices=Rating.choices)
    )
    comment = text(_("回访意见（可不填）"))


class PhotoForm(forms.Form):
    """补充照片 changes nothing anyone decided on, so it needs no version."""

    photos = PhotosField(label=_("照片"))
    note = text(_("说明（可不填）"))


# --- work lists ----------------------------------------------------------------------------
class FilterForm(forms.Form):
    """The work lists' filters (selectors.search_cases judges unknown values)."""

    status = choice(_("状态"))
    category = choice(_("分类"))
    source = choice(_("来源"))
    area = choice(_("区域"))
    date_from = forms.DateField(label=_("上报日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, statuses, categories, areas, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["status"].widget.choices = everything + list(statuses)
        self.fields["category"].widget.choices = everything + [
            (top.label, [(top.code, _("%(name)s（全部）") % {"name": top.label})]
             + [(c.code, c.label) for c in top.active_children])
            for top in categories
        ]
        self.fields["source"].widget.choices = everything + list(Source.choices)
        self.fields["area"].widget.choices = everything + [(a.code, a.name) for a in areas]
        for name in ("status", "category", "source", "area"):
            # Django's select.html includes a template per option (and one per option's attributes):
            # some sixty here, on every work list. This one writes the options in its own loop.
            self.fields[name].widget.template_name = "cases/_select.html"


# --- residents (no account) ---------------------------------------------------------------------
class PublicReportForm(forms.Form):
    """A resident's report (services.report_public): the place is a grid, chosen
    street → community → grid, or a point from the phone's location."""

    category = choice(_("问题分类"), **REQUIRED_HINT)
    description = text(_("问题描述"), area=True, placeholder=_("什么问题、在哪里（小区、楼栋）"), **REQUIRED_HINT)
    street = choice(_("街道"))
    community = forms.CharField(
        label=_("社区"), required=False, widget=PlaceSelect(attrs={"data-filter-by": "id_street"})
    )
    area = forms.CharField(
        label=_("网格"), required=False, widget=PlaceSelect(attrs={"data-filter-by": "id_community id_street"})
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput)
    phone = text(_("联系电话"), type="tel", inputmode="tel", autocomplete="tel", **REQUIRED_HINT)
    photos = PhotosField(label=_("照片（可不传）"))

    def __init__(self, *args, categories, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.choices = category_choices(categories)
        by_level: dict[str, list] = {"street": [], "community": [], "grid": []}
        for place in places:
            by_level[place.level].append(place)
        names = {p.code: p.name for p in places}
        self.fields["street"].widget.choices = [("", _("请选择街道"))] + [(s.code, s.name) for s in by_level["street"]]
        self.fields["community"].widget.choices = [("", _("请选择社区"))] + [
            (c.code, c.name) for c in by_level["community"]
        ]
        grids: dict[str, list] = {}
        for grid in by_level["grid"]:
            grids.setdefault(grid.code[:12], []).append((grid.code, grid.name))
        self.fields["area"].widget.choices = [("", _("请选择网格"))] + [
            (names.get(community, community), options) for community, options in grids.items()
        ]

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("category", "description", "phone", "area", "lat", "lng")}


class PublicRatingForm(forms.Form):
    rating = forms.CharField(label=_("您对处理结果满意吗？"), required=False,
                             widget=forms.RadioSelect(choices=Rating.choices))
    comment = text(_("意见（可不填）"), area=True)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"), max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
                                      "placeholder": _("10位查询码")}),
    )
