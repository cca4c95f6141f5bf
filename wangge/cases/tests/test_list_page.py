"""The work list page stays cheap as it fills: the same queries for one case as for a full
page, labels without get_FOO_display(), and the filters' drop-downs written in one loop,
saying what Django's own drop-down says."""
import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from wangge.areas.codes import Level
from wangge.cases import selectors
from wangge.cases.forms import FilterForm
from wangge.cases.models import Case
from wangge.cases.states import Status
from wangge.cases.templatetags.case_labels import level_label, status_label
from wangge.cases.views import PAGE_SIZE


def queries(client, params) -> int:
    client.get("/cases/", params)  # the session and caches settle on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/", params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", ["mine", "all", "queue"])
def test_a_full_page_asks_what_a_page_of_one_case_asks(city, login, make_case, tab):
    gw = login("gw")
    make_case(status="in_progress", owner_user=city.grid_worker, category="roof_leak")
    one = queries(gw, {"list": tab})
    for _ in range(PAGE_SIZE + 5):
        make_case(status="in_progress", owner_user=city.grid_worker, category="roof_leak")
    full = queries(gw, {"list": tab})
    assert one == full
    page = gw.get("/cases/", {"list": tab}).context["page_obj"]
    assert len(page) == PAGE_SIZE and page.paginator.count == PAGE_SIZE + 6


def test_the_default_list_asks_nine_queries(city, login, make_case):
    """Session, user, categories, the user's posts, their areas, their partners, the count,
    the bell's unread count and the page's rows."""
    make_case(status="in_progress", owner_user=city.grid_worker)
    assert queries(login("gw"), {}) == 9


def test_a_line_shows_number_title_status_level_category_grid_and_deadline(city, login, make_case):
    case = make_case(status="in_progress", owner_user=city.grid_worker, category="roof_leak", title="楼顶漏水")
    html = login("gw").get("/cases/").content.decode()
    line = html[html.index(case.number):]
    line = line[: line.index("</li>")]
    assert f'href="/cases/{case.number}/">楼顶漏水</a>' in line
    assert '<span class="status status-in_progress">处置中</span>' in line
    assert '<span class="level level-grid">网格</span>' in line
    assert f"{case.category.full_label} · {city.grid.name}" in line
    assert case.deadline.astimezone().strftime("%Y-%m-%d") in line


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_labels_are_those_of_get_foo_display(city, make_case, language):
    case = make_case()
    with translation.override(language):
        for status in Status.values:
            case.status = status
            assert status_label(status) == case.get_status_display()
        for level in Level.values:
            case.level = level
            assert level_label(level) == case.get_level_display()
    assert status_label("nonsense") == "nonsense"


def test_the_rows_carry_only_the_columns_the_lines_show(city, make_case):
    make_case(status="in_progress", owner_user=city.grid_worker)
    case = selectors.list_rows(Case.objects.all()).get()
    with CaptureQueriesContext(connection) as captured:
        shown = (case.number, case.title, case.status, case.level, case.deadline, case.is_overdue,
                 case.category.full_label, case.grid.name)
    assert len(captured) == 0 and all(value is not None for value in shown)
    assert {"description", "reporter_phone"} <= case.get_deferred_fields()


def options(html: str) -> list[tuple]:
    """The drop-down as a browser reads it: optgroups and options with value, selected and text."""
    return re.findall(r'<(optgroup) label="([^"]*)">|<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


@pytest.mark.parametrize("data", [{}, {"status": "in_progress", "category": "roof_leak", "source": "hotline"},
                                  {"category": "livelihood", "area": "220184001001001"}])
def test_the_filters_drop_downs_say_what_djangos_own_say(city, data):
    form = FilterForm(data, statuses=Status.choices, categories=selectors.categories(),
                      areas=selectors.filter_areas(city.grid_worker))
    form.is_valid()
    for name in ("status", "category", "source", "area"):
        ours = str(form[name])
        widget = form.fields[name].widget
        django = forms.Select(attrs=widget.attrs, choices=widget.choices).render(
            name, form[name].value(), attrs={"id": form[name].auto_id})
        assert options(ours) == options(django) and len(options(ours)) >= 2, name
        assert ours.split(">", 1)[0] == django.split(">", 1)[0], name
    for name, value in data.items():
        assert f'<option value="{value}" selected>' in str(form[name])
