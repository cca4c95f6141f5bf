"""Page: service activities and people served (read-only; changes through the API and
the admin for now)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from wangge.accounts.scope import scope_of

from . import selectors
from .models import ActivityKind

PAGE_SIZE = 50


@login_required
def activity_list(request):
    scope = scope_of(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    rows = selectors.activities_for(scope, kind=kind)
    return render(request, "activities/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": selectors.activity_totals(scope, kind=kind), "kinds": ActivityKind.choices, "kind": kind,
    })
