"""The project a case belongs to, for the case page (which knows nothing of projects)."""
from django import template

from wangge.accounts.scope import scope_of

from ..selectors import projects_of_case

register = template.Library()


@register.inclusion_tag("projects/_case_projects.html", takes_context=True)
def case_projects(context, case):
    """The projects in the user's scope that took up the case, as facts of the case page."""
    return {"projects": list(projects_of_case(scope_of(context["request"]), case))}
