"""Forms of the visit pages. The quick entry is one HTML form read two ways:
field.js sends it to the API as JSON (and keeps it on the phone when offline),
and without JavaScript it is posted to the page, read by :func:`entry_data`
into the same shape the API takes."""
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Weekday

NEED_ROWS = 3  # rows the page offers without JavaScript; field.js adds more on demand
# The browser's date picker wants ISO dates, whatever the page's locale writes.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def new_client_id() -> str:
    return str(uuid.uuid4())


def entry_data(post, files) -> tuple[dict, dict[int, list]]:
    """The posted quick-entry form as services.record_visit's ``data`` and ``photos``.

    Need rows left empty are dropped; ``needs-<i>-outcome`` is "solved" or "case".
    """
    data = {
        name: post.get(name, "")
        for name in ("client_id", "kind", "household", "building", "household_version", "met", "summary", "visited_at")
    }
    for name in ("lat", "lng"):
        try:
            data[name] = float(post[name]) if post.get(name) else None
        except ValueError:
            data[name] = None
    needs, photos = [], {}
    rows = sorted({int(key.split("-")[1]) for key in post if key.startswith("needs-") and key.split("-")[1].isdigit()})
    for row in rows:
        text, outcome = post.get(f"needs-{row}-text", "").strip(), post.get(f"needs-{row}-outcome", "")
        if not text and not outcome:
            continue
        if files.getlist(f"needs-{row}-photos"):
            photos[len(needs)] = files.getlist(f"needs-{row}-photos")
        needs.append({
            "text": text, "solved_on_spot": outcome == "solved", "raise_case": outcome == "case",
            "category": post.get(f"needs-{row}-category", ""),
        })
    data["needs"] = needs
    return data, photos


class PlanForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, initial=_("每周三、周五全员下沉网格"))
    community = forms.ChoiceField(label=_("社区"))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("走访日"), choices=Weekday.choices, coerce=int, widget=forms.CheckboxSelectMultiple,
    )
    all_staff = forms.BooleanField(label=_("社区全体工作人员和网格员参加"), required=False, initial=True)
    participants = forms.MultipleChoiceField(
        label=_("参加人员（不选全员时）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    grids = forms.MultipleChoiceField(
        label=_("网格（不选：全部网格）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_households = forms.IntegerField(label=_("每人每次目标户数"), min_value=1, max_value=1000, initial=20)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期（可不填）"), required=False, widget=DATE)

    def __init__(self, *args, communities, people, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [(a.code, a.name) for a in communities]
        self.fields["participants"].choices = [(u.username, str(u)) for u in people]
        self.fields["grids"].choices = [(g.code, g.name) for g in grids]


class VisitFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("区域"), required=False)
    kind = forms.ChoiceField(label=_("方式"), required=False)
    needs = forms.ChoiceField(
        label=_("诉求"), required=False,
        choices=[("", _("全部")), ("any", _("发现诉求")), ("case", _("转为诉求单")), ("none", _("无诉求"))],
    )
    date_from = forms.DateField(label=_("从"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("到"), required=False, widget=DATE)

    def __init__(self, *args, areas, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("全部"))] + [(a.code, a.name) for a in areas]
        self.fields["kind"].choices = [("", _("全部"))] + list(kinds)
