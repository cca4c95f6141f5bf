"""API: training courses (培训班) and the before/after comparison of their attendees' areas
(docs/stats.md). A course is visible to users whose scope covers the area it was held for."""
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized

from . import courses, services
from .models import Course

router = Router(tags=["courses"])


class AttendeeOut(Schema):
    username: str
    name: str


class CourseOut(Schema):
    id: int
    name: str
    organiser: str
    start_date: datetime.date
    end_date: datetime.date
    area: str
    area_name: str
    attendees: list[AttendeeOut]
    note: str

    @staticmethod
    def from_course(c: Course) -> dict:
        return {
            "id": c.pk, "name": c.name, "organiser": c.organiser, "start_date": c.start_date,
            "end_date": c.end_date, "area": c.area_code, "area_name": c.area.name, "note": c.note,
            "attendees": [{"username": u.username, "name": str(u)}
                          for u in sorted(c.attendees.all(), key=lambda u: u.username)],
        }


class CourseIn(Schema):
    name: str
    start_date: datetime.date
    end_date: datetime.date
    area: str
    attendees: list[str] | None = None
    organiser: str = ""
    note: str = ""


@router.get("/courses", response=list[CourseOut])
@paginate
def list_courses(request):
    """Courses held for areas in the caller's scope, the latest first."""
    return Serialized(courses.courses_for(scope_of(request)), CourseOut.from_course)


@router.post("/courses", response={201: CourseOut})
def create_course(request, payload: CourseIn):
    """Record a course: ``area`` in the caller's scope (else 404), ``attendees`` usernames of staff
    in the caller's scope (else 422)."""
    scope = scope_of(request)
    course = services.record_course(scope=scope, actor=request.user, **payload.dict())
    return Status(201, CourseOut.from_course(courses.course_in_scope(scope, course.pk)))


@router.get("/courses/{course_id}", response=CourseOut)
def get_course(request, course_id: int):
    return CourseOut.from_course(courses.course_in_scope(scope_of(request), course_id))


@router.get("/courses/{course_id}/comparison", response=dict[str, Any])
def course_comparison(request, course_id: int, days: int = courses.DEFAULT_DAYS):
    """Every figure of each attendee area over ``days`` days (default 90, 1–366) before the course
    and as many after it, with the change (after − before)."""
    if not 1 <= days <= courses.MAX_DAYS:
        raise ValidationError({"days": [_("天数应在 1 到 %(n)s 之间") % {"n": courses.MAX_DAYS}]})
    scope = scope_of(request)
    return courses.comparison(scope, courses.course_in_scope(scope, course_id), days=days)
