"""Builders for the volunteer and task tests: volunteers with logins, and tasks
offered through the service (the services are what the tests check)."""
import datetime

import pytest

from wangge.accounts.scope import Scope
from wangge.testing import user
from wangge.volunteers import services
from wangge.volunteers.models import Volunteer

SATURDAY = datetime.date(2026, 6, 6)
MONDAY = datetime.date(2026, 6, 8)


@pytest.fixture
def head_scope(city):
    return Scope.for_user(city.community_head)


@pytest.fixture
def volunteer_user(city):
    """vol: the login of a registered volunteer of 京华社区 (a 志愿者 post: no area scope)."""
    return user("vol", "volunteer", city.community)


@pytest.fixture
def vol(city, volunteer_user):
    """李红, an errand runner of 京华社区 living in its second grid, free at weekends."""
    return Volunteer.objects.create(name="李红", area=city.community, user=volunteer_user, skills=["errands"],
                                    availability="周末全天", phone="13900001111", resident=city.resident_b)


@pytest.fixture
def make_task(city, head_scope):
    def build(**data):
        body = {"title": "代买药品", "description": "为90岁的刘奶奶到药店买降压药", "skill": "errands",
                "area": city.grid.code, "needed_on": SATURDAY, "time_from": datetime.time(9),
                "time_to": datetime.time(11), "estimated_hours": "1.5", **data}
        return services.create_task(scope=head_scope, actor=city.community_head, data=body)

    return build
