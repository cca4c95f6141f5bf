"""API: residents (masked), the logged opening of full values, and the access log."""
import datetime
from functools import partial

from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from wangge.accounts.scope import scope_of
from wangge.pagination import Serialized

from . import selectors, services
from .models import Resident
from .privacy import mask_id_number, mask_phone

router = Router(tags=["residents"])


class TagOut(Schema):
    code: str
    name: str
    derived: bool


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: datetime.date
    age: int
    id_number: str
    phone: str
    residence_type: str
    relation: str
    household: int | None
    address: str
    area: str
    tags: list[str]
    tag_details: list[TagOut]
    note: str

    @staticmethod
    def from_resident(resident: Resident, tags=None) -> dict:
        """The resident as the API shows it; ``tags`` is a tag_reader when serialising many."""
        tags = (tags or selectors.tag_reader())(resident)
        return {
            "id": resident.id,
            "name": resident.name,
            "gender": resident.gender,
            "birth_date": resident.birth_date,
            "age": resident.age(),
            "id_number": mask_id_number(resident.id_number),
            "phone": mask_phone(resident.phone),
            "residence_type": resident.residence_type,
            "relation": resident.relation,
            "household": resident.household_id,
            "address": resident.household.address if resident.household else "",
            "area": resident.area_code,
            "tags": [t.code for t in tags],
            "tag_details": [{"code": t.code, "name": t.name, "derived": t.is_derived} for t in tags],
            "note": resident.note,
        }


class ResidentIn(Schema):
    name: str
    id_number: str
    gender: str | None = None
    birth_date: datetime.date | None = None
    phone: str = ""
    residence_type: str = "registered"
    relation: str = "head"
    household: int | None = None
    area: str | None = None
    tags: list[str] = []
    note: str = ""


class ResidentPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    gender: str | None = None
    birth_date: datetime.date | None = None
    phone: str | None = None
    residence_type: str | None = None
    relation: str | None = None
    household: int | None = None
    area: str | None = None
    tags: list[str] | None = None
    note: str | None = None


class ResidentFilters(Schema):
    q: str = ""
    area: str = ""
    tag: str = ""


class RevealIn(Schema):
    field: str
    reason: str


class RevealOut(Schema):
    field: str
    value: str


class AccessOut(Schema):
    id: int
    at: datetime.datetime
    user: str
    resident: int
    resident_name: str
    field: str
    reason: str
    area: str

    @staticmethod
    def from_access(access) -> dict:
        return {
            "id": access.id, "at": access.at, "user": access.user.username, "resident": access.resident_id,
            "resident_name": access.resident.name, "field": access.field, "reason": access.reason,
            "area": access.area_code,
        }


@router.get("/residents", response=list[ResidentOut])
@paginate
def list_residents(request, filters: Query[ResidentFilters]):
    """Residents in scope; ``q`` matches name, pinyin, initials, address or the ID number's last 4."""
    residents = selectors.search_residents(scope_of(request), **filters.dict())
    return Serialized(residents, partial(ResidentOut.from_resident, tags=selectors.tag_reader()))


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request, resident_id: int):
    resident = scope_of(request).get_or_404(selectors.residents_for(scope_of(request)), pk=resident_id)
    return ResidentOut.from_resident(resident)


@router.post("/residents", response={201: ResidentOut})
def create_resident(request, payload: ResidentIn):
    resident = services.create_resident(scope=scope_of(request), data=payload.dict())
    return Status(201, ResidentOut.from_resident(resident))


@router.patch("/residents/{resident_id}", response=ResidentOut)
def update_resident(request, resident_id: int, payload: ResidentPatch):
    scope = scope_of(request)
    resident = scope.get_or_404(Resident, pk=resident_id)
    resident = services.update_resident(scope=scope, resident=resident, data=payload.dict(exclude_unset=True))
    return ResidentOut.from_resident(resident)


@router.post("/residents/{resident_id}/reveal", response=RevealOut)
def reveal(request, resident_id: int, payload: RevealIn):
    """Open a full ID number or phone. Logged with the reason; masked everywhere else."""
    scope = scope_of(request)
    resident = scope.get_or_404(Resident, pk=resident_id)
    value = services.reveal(user=request.user, scope=scope, resident=resident, **payload.dict())
    return {"field": payload.field, "value": value}


@router.get("/privacy/access-log", response=list[AccessOut])
@paginate
def access_log(request):
    """Who opened whose personal data, when and why (city administrators only)."""
    return Serialized(selectors.access_log(scope_of(request)), AccessOut.from_access)
