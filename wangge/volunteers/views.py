"""Page: volunteers with their confirmed hours, teams and totals (read-only; changes
through the API and the admin for now)."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from wangge.accounts.scope import scope_of

from . import selectors
from .models import Skill

PAGE_SIZE = 50


@login_required
def volunteer_list(request):
    scope = scope_of(request)
    skill = request.GET.get("skill", "")
    skill = skill if skill in Skill.values else ""
    partner_only = request.GET.get("governance_partner") == "1"
    rows = selectors.volunteers_for(scope, skill=skill, q=request.GET.get("q", ""),
                                    governance_partner=True if partner_only else None)
    return render(request, "volunteers/list.html", {
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "teams": selectors.teams_for(scope), "totals": selectors.hours_totals(scope),
        "skills": Skill.choices, "skill": skill, "skill_names": dict(Skill.choices),
        "q": request.GET.get("q", ""), "partner_only": partner_only,
    })
