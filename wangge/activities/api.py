"""API: service activities (服务活动) and people served (服务人次), through the scope."""
import datetime

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized

from . import selectors, services
from .models import Activity

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_name: str
    date: datetime.date
    place: str
    area: str
    category: str | None
    partners: list[int]
    volunteers: list[int]
    residents: list[int]
    participants: int
    outcome: str
    series: str

    @staticmethod
    def from_activity(a: Activity) -> dict:
        return {
            "id": a.pk, "title": a.title, "kind": a.kind, "kind_name": a.get_kind_display(), "date": a.date,
            "place": a.place, "area": a.area_code, "category": a.category.code if a.category_id else None,
            "partners": [p.pk for p in a.partners.all()], "volunteers": [v.pk for v in a.volunteers.all()],
            "residents": [r.pk for r in a.residents.all()], "participants": a.participants,
            "outcome": a.outcome, "series": a.series,
        }


class ActivityIn(Schema):
    title: str
    kind: str
    date: datetime.date
    area: str
    place: str = ""
    category: str | None = None
    partners: list[int] = []
    volunteers: list[int] = []
    residents: list[int] = []
    participants: int = 0
    outcome: str = ""
    series: str = ""
    repeat_every_months: int = 0
    repeat_count: int = 1


class ActivityPatch(Schema):
    title: str | None = None
    kind: str | None = None
    date: datetime.date | None = None
    area: str | None = None
    place: str | None = None
    category: str | None = None
    partners: list[int] | None = None
    volunteers: list[int] | None = None
    residents: list[int] | None = None
    participants: int | None = None
    outcome: str | None = None
    series: str | None = None


class ActivityFilters(Schema):
    area: str = ""
    kind: str = ""
    partner: int | None = None
    series: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class KindTotal(Schema):
    kind: str
    name: str
    activities: int
    participants: int


class TotalsOut(Schema):
    activities: int
    participants: int
    kinds: list[KindTotal]


def _one(request, pk: int) -> Activity:
    scope = scope_of(request)
    return scope.get_or_404(selectors.activities_for(scope), pk=pk)


@router.get("/activities", response=list[ActivityOut])
@paginate
def list_activities(request, filters: Query[ActivityFilters]):
    return Serialized(selectors.activities_for(scope_of(request), **filters.dict()), ActivityOut.from_activity)


@router.get("/activity-totals", response=TotalsOut)
def activity_totals(request, filters: Query[ActivityFilters]):
    """Activities and people served (服务人次) in scope, overall and per kind."""
    return selectors.activity_totals(scope_of(request), **filters.dict())


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: int):
    return ActivityOut.from_activity(_one(request, activity_id))


@router.post("/activities", response={201: list[ActivityOut]})
def create_activity(request, payload: ActivityIn):
    """One activity, or a series (``repeat_every_months`` × ``repeat_count``): answers the list created."""
    created = services.create_activity(scope=scope_of(request), actor=request.user, data=payload.dict())
    return Status(201, [ActivityOut.from_activity(_one(request, a.pk)) for a in created])


@router.patch("/activities/{activity_id}", response=ActivityOut)
def update_activity(request, activity_id: int, payload: ActivityPatch):
    activity = services.update_activity(scope=scope_of(request), activity=_one(request, activity_id),
                                        data=payload.dict(exclude_unset=True))
    return ActivityOut.from_activity(_one(request, activity.pk))


@router.delete("/activities/{activity_id}", response={204: None})
def delete_activity(request, activity_id: int):
    services.delete_activity(scope=scope_of(request), activity=_one(request, activity_id))
    return Status(204, None)
