"""The community's resources as ledgers: volunteers (志愿者), partners (联建单位) and
service points (便民服务点) — checked like the other sheets, written through
their own apps' services, exported in the same template.

These ledgers hold hundreds of rows, not a street's 200,000, so each row is
written by the owning app's service function (wangge.volunteers.services,
wangge.partners.services), which keeps that app's rules in one place; the
checks here come first, so a row the service would refuse is refused in the
preview with its reason, and nothing is written unless the whole file passes
(or only the valid rows were asked for).

Natural keys (importing the same file twice changes nothing):

- volunteers: the resident's ID number when the volunteer is linked to a
  resident, otherwise name + phone within the community;
- partners: name within the area they are linked to;
- service points: name + kind within their area.
"""
import re
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.codes import LEVEL_LENGTHS, Level
from wangge.areas.models import Area
from wangge.cases.selectors import categories
from wangge.partners import services as partner_services
from wangge.partners.models import Partner, ServicePoint
from wangge.partners.selectors import partners_for, service_points_for
from wangge.people.models import Resident
from wangge.people.privacy import mask_id_number, mask_phone
from wangge.people.selectors import by_id_numbers
from wangge.volunteers import selectors as volunteer_selectors
from wangge.volunteers import services as volunteer_services
from wangge.volunteers.models import Skill, Volunteer
from wangge.volunteers.selectors import volunteers_for

from .columns import LIST_SEPARATORS, TAG_SEPARATORS, choice_label, choice_labels, choice_values
from .models import ImportChange, Kind
from .validation import (
    CREATE,
    UPDATE,
    Importer,
    Invalid,
    Row,
    _digits,
    _json,
    area_code,
    choice,
    id_number,
    number,
    phone,
    text,
)

COMMUNITY_LENGTH = LEVEL_LENGTHS[Level.COMMUNITY]
# Hotlines organisations give besides mobiles and landlines: 400-800-1234, 800-810-1234.
_SERVICE_NUMBER_RE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")


class WriteRefused(Exception):
    """The owning app's service refused a row the checks had passed; the whole import is rolled back."""

    def __init__(self, number: int, reasons: list[str]):
        super().__init__(_("第%(row)d行写入时被拒绝：%(reasons)s；本次没有写入任何数据")
                         % {"row": number, "reasons": "；".join(reasons)})


# --- cells -------------------------------------------------------------------
def org_phone(cell) -> str:
    """An organisation's phone: a mobile, a landline with its area code, or a 400/800 number."""
    value = _digits(cell).replace("－", "-")
    if not value or "*" in value or _SERVICE_NUMBER_RE.match(value):
        return value
    return phone(value)


def several(name: str):
    """Several values of a coded list in one cell (医疗、急救), as stored codes in the list's order."""
    def parse(cell) -> list[str]:
        values = choice_values(name)
        words = [word for word in TAG_SEPARATORS.split(text(cell, 200)) if word]
        unknown = [word for word in words if word not in values]
        if unknown:
            raise Invalid(_("“%(value)s”不在可选值内（%(labels)s）")
                          % {"value": "、".join(unknown), "labels": "/".join(choice_labels(name))})
        order = list(Skill.values) if name == "skills" else []
        found = dict.fromkeys(values[word] for word in words)
        return sorted(found, key=order.index) if order else list(found)

    return parse


def yes_no(cell) -> bool | None:
    if isinstance(cell, bool):
        return cell
    return choice("yes_no")(cell)


# --- the importers --------------------------------------------------------------
class ServiceImporter(Importer):
    """Checks a batch like the other importers, then writes each row through the owning app's services.

    ``values`` (and the undo log) name model attributes (``area_id``, ``partner_id``,
    ``categories``); :meth:`data` turns them into what the service takes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending: dict[int, dict] = {}

    def current(self, obj, name: str):
        return getattr(obj, name)

    def decide(self, row: Row, existing, values: dict) -> None:
        if existing is None:
            row.outcome = CREATE
            self.pending[row.number] = values
            row.after = {name: _json(value) for name, value in values.items()}
            return
        changed = {name: value for name, value in values.items() if self.current(existing, name) != value}
        if not changed:
            row.outcome = "unchanged"
            return
        self.pending[row.number] = changed
        row.before = {name: _json(self.current(existing, name)) for name in changed}
        row.after = {name: _json(value) for name, value in changed.items()}
        row.outcome, row.target = UPDATE, existing

    def data(self, values: dict) -> dict:
        """The service's ``data`` for these attribute values."""
        data = {}
        for name, value in values.items():
            if name == "area_id":
                continue
            data["area" if name == "area_code" else name.removesuffix("_id")] = value
        return data

    def create(self, data: dict):
        raise NotImplementedError

    def update(self, obj, data: dict):
        raise NotImplementedError

    def write(self, rows: list[Row], record) -> None:
        created = [row for row in rows if row.outcome == CREATE]
        updated = [row for row in rows if row.outcome == UPDATE]
        for row in created:
            row.target = self._call(row, self.create, self.data(self.pending.pop(row.number)))
        for row in updated:
            self._call(row, self.update, row.target, self.data(self.pending.pop(row.number)))
        label = self.model._meta.label_lower
        changes = []
        if created:
            changes.append(ImportChange(record=record, model=label, action=ImportChange.Action.CREATE,
                                        ids=[row.target.pk for row in created], after=[row.after for row in created]))
        if updated:
            changes.append(ImportChange(record=record, model=label, action=ImportChange.Action.UPDATE,
                                        ids=[row.target.pk for row in updated],
                                        before=[row.before for row in updated], after=[row.after for row in updated]))
        ImportChange.objects.bulk_create(changes)
        for row in created + updated:
            self.touched.add(row.target.area_code)
            if "area_code" in row.before:
                self.touched.add(row.before["area_code"])

    @staticmethod
    def _call(row: Row, function, *args):
        try:
            return function(*args)
        except ValidationError as exc:
            raise WriteRefused(row.number, exc.messages)

    # checks shared by the three sheets --------------------------------------
    def areas(self, rows: list[Row], *, community: bool = False) -> dict[str, Area]:
        """The areas the batch names, checked for level, scope and existence; bad rows are refused."""
        codes = {row.values.get("area") for row in rows} - {None, ""}
        found = {a.code: a for a in Area.objects.filter(code__in=codes)}
        for row in rows:
            code = row.values.get("area")
            if not code:
                continue
            if community and len(code) > COMMUNITY_LENGTH:
                row.refuse("area", _("志愿者登记在社区：请填写12位社区代码，不是网格代码（%(code)s）") % {"code": code})
            elif self.in_scope(row, "area", code) and code not in found:
                row.refuse("area", _("区域不存在：%(code)s") % {"code": code})
        return found

    @staticmethod
    def switch(row: Row, name: str, stored, default: bool) -> bool | None:
        """A yes/no column: what the sheet says; blank keeps the stored value (a new row gets the default)."""
        value = row.values.get(name)
        if value is not None:
            return value
        return default if stored is None else None


class VolunteerImporter(ServiceImporter):
    kind = Kind.VOLUNTEERS
    model = Volunteer

    def parsers_for(self):
        return {
            "name": lambda c: text(c, 50), "id_number": id_number, "phone": phone, "area": area_code,
            "skills": several("skills"), "availability": lambda c: text(c, 200),
            "is_governance_partner": yes_no, "is_active": yes_no,
        }

    def create(self, data):
        return volunteer_services.register_volunteer(scope=self.scope, data=data)

    def update(self, obj, data):
        return volunteer_services.update_volunteer(scope=self.scope, volunteer=obj, data=data)

    def resolve(self, rows):
        residents = self.residents(rows)
        for row in rows:
            if not row.values.get("area") and row.number in residents:
                row.values["area"] = residents[row.number].area_code[:COMMUNITY_LENGTH]
        found_areas = self.areas(rows, community=True)
        known = self.known(rows, residents)
        elsewhere = volunteer_selectors.registered_elsewhere(self.scope, [r.pk for r in residents.values()])
        for row in rows:
            v = row.values
            if row.errors or not v.get("name"):
                continue
            resident = residents.get(row.number)
            existing = self.match(row, resident, known)
            if row.errors:
                continue
            if existing is None and resident is not None and resident.pk in elsewhere:
                row.refuse("id_number", _("此人已在您管辖范围以外的社区登记为志愿者，不能在此登记或修改"))
                continue
            community = v.get("area") or (existing.area_code if existing else "")
            if not community:
                row.refuse("area", _("必填（或填写本社区居民的身份证号）"))
                continue
            if existing is not None:
                key = ("pk", existing.pk)
            elif resident is not None:
                key = ("resident", resident.pk)
            else:
                key = ("name", community, v["name"], v.get("phone", ""))
            if not self.first_seen(row, key, "id_number" if resident else "name"):
                continue
            self.decide_volunteer(row, existing, resident, found_areas.get(community))

    def residents(self, rows) -> dict[int, Resident]:
        """Residents named by a full ID number, by sheet row; unknown or out-of-scope ones are refused."""
        full = [row for row in rows if row.values.get("id_number") and "*" not in row.values["id_number"]]
        by_id = by_id_numbers(row.values["id_number"] for row in full)
        found = {}
        for row in full:
            resident = by_id.get(row.values["id_number"])
            if resident is None:
                row.refuse("id_number", _("未找到该身份证号的居民：请先导入居民台账；不是本地居民的志愿者请不填身份证号"))
            elif not self.scope.covers(resident.area_code):
                row.refuse("id_number", _("该身份证号的居民不在您的管辖范围内"))
            else:
                found[row.number] = resident
        return found

    def known(self, rows, residents) -> list[Volunteer]:
        """Volunteers in scope that rows of the batch may mean: linked to their residents, or of their names."""
        names = {row.values.get("name") for row in rows} - {None, ""}
        linked = [resident.pk for resident in residents.values()]
        return list(volunteers_for(self.scope, include_inactive=True).prefetch_related(None)
                    .select_related("resident").filter(Q(name__in=names) | Q(resident_id__in=linked)))

    def match(self, row: Row, resident: Resident | None, known: list[Volunteer]) -> Volunteer | None:
        v = row.values
        community = v.get("area", "")
        id_no = v.get("id_number", "")
        if id_no and "*" in id_no:
            matches = [vol for vol in known if vol.resident and vol.name == v["name"]
                       and mask_id_number(vol.resident.id_number) == id_no
                       and (not community or vol.area_code == community)]
            if len(matches) != 1:
                row.refuse("id_number", _(
                    "身份证号已脱敏（含*），找不到同名、号码首尾相同的唯一一名志愿者；"
                    "脱敏的号码只能用于更新已登记的志愿者，请填写完整身份证号"))
                return None
            return matches[0]
        if resident is not None:
            linked = sorted((vol for vol in known if vol.resident_id == resident.pk),
                            key=lambda vol: (vol.area_code != community, vol.pk))
            if linked:
                return linked[0]
        # By name + phone within the community (a masked phone matches the number it masks).
        same = [vol for vol in known if vol.area_code == community and vol.name == v["name"]
                and (resident is None or vol.resident_id is None)]
        if "phone" in v:
            same = [vol for vol in same if v["phone"] in (vol.phone, mask_phone(vol.phone) if vol.phone else "")]
        if len(same) > 1:
            row.refuse("name", _("本社区有%(n)d名同名、同电话的志愿者，请填写身份证号或核对电话") % {"n": len(same)})
            return None
        return same[0] if same else None

    def decide_volunteer(self, row: Row, existing: Volunteer | None, resident, area: Area | None) -> None:
        v = row.values
        values = {"name": v["name"]}
        if "phone" in v:
            if "*" not in v["phone"]:
                values["phone"] = v["phone"]
            elif existing is None or mask_phone(existing.phone) != v["phone"]:
                row.refuse("phone", _("电话已脱敏（含*）且与登记的号码不符，请填写完整号码"))
                return
        if area is not None and (existing is None or existing.area_code != area.code):
            values.update(area_id=area.pk, area_code=area.code)
        if resident is not None:
            values["resident_id"] = resident.pk
        if "skills" in v:
            stored = existing.skills if existing else []
            values["skills"] = stored if existing and sorted(stored) == sorted(v["skills"]) else v["skills"]
        if "availability" in v:
            values["availability"] = v["availability"]
        for name, default in (("is_governance_partner", False), ("is_active", True)):
            value = self.switch(row, name, getattr(existing, name) if existing else None, default)
            if value is not None:
                values[name] = value
        self.decide(row, existing, values)


class PartnerImporter(ServiceImporter):
    kind = Kind.PARTNERS
    model = Partner

    def __init__(self, *args, **kwargs):
        tops = categories()
        everything = [c for top in tops for c in (top, *top.active_children)]
        self.category_codes = {c.pk: c.code for c in everything}
        names: dict[str, list] = {}
        for c in everything:
            for label in {c.name, c.code, str(c)}:
                names.setdefault(label, []).append(c)
        self.categories_by_label = {label: found[0] for label, found in names.items() if len(found) == 1}
        super().__init__(*args, **kwargs)

    def parsers_for(self):
        return {
            "name": lambda c: text(c, 100), "kind": choice("partner_kind"), "area": area_code,
            "contact_name": lambda c: text(c, 50), "contact_phone": org_phone, "address": lambda c: text(c, 200),
            "services": lambda c: text(c, 500), "categories": self.parse_categories, "is_active": yes_no,
        }

    def parse_categories(self, cell) -> list[int]:
        labels = [label.strip() for label in LIST_SEPARATORS.split(text(cell, 500)) if label.strip()]
        unknown = [label for label in labels if label not in self.categories_by_label]
        if unknown:
            raise Invalid(_("问题分类不在列表内：%(names)s") % {"names": "、".join(unknown)})
        return sorted({self.categories_by_label[label].pk for label in labels})

    def current(self, obj, name):
        if name == "categories":
            return sorted(c.pk for c in obj.categories.all())
        return getattr(obj, name)

    def data(self, values):
        data = super().data(values)
        if "categories" in data:
            data["categories"] = [self.category_codes[pk] for pk in data["categories"]]
        return data

    def create(self, data):
        return partner_services.create_partner(scope=self.scope, data=data)

    def update(self, obj, data):
        return partner_services.update_partner(scope=self.scope, partner=obj, data=data)

    def resolve(self, rows):
        found_areas = self.areas(rows)
        keyed = [row for row in rows if not row.errors and row.values.get("area") and row.values.get("name")]
        existing = {(p.area_code, p.name): p for p in partners_for(self.scope, include_inactive=True).filter(
            area_code__in={row.values["area"] for row in keyed}, name__in={row.values["name"] for row in keyed})}
        for row in keyed:
            v = row.values
            key = (v["area"], v["name"])
            if not self.first_seen(row, key, "name"):
                continue
            partner = existing.get(key)
            values = {"name": v["name"], "kind": v["kind"]}
            if partner is None:
                values.update(area_id=found_areas[v["area"]].pk, area_code=v["area"])
            for name in ("contact_name", "contact_phone", "address", "services", "categories"):
                if name in v:
                    values[name] = v[name]
            active = self.switch(row, "is_active", partner.is_active if partner else None, True)
            if active is not None:
                values["is_active"] = active
            self.decide(row, partner, values)


class ServicePointImporter(ServiceImporter):
    kind = Kind.SERVICE_POINTS
    model = ServicePoint

    def parsers_for(self):
        return {
            "name": lambda c: text(c, 100), "kind": choice("point_kind"), "area": area_code,
            "lat": number(-90, 90), "lng": number(-180, 180), "address": lambda c: text(c, 200),
            "opening_hours": lambda c: text(c, 100), "phone": org_phone, "partner": lambda c: text(c, 100),
            "is_active": yes_no,
        }

    def create(self, data):
        return partner_services.create_point(scope=self.scope, data=data)

    def update(self, obj, data):
        return partner_services.update_point(scope=self.scope, point=obj, data=data)

    def resolve(self, rows):
        found_areas = self.areas(rows)
        keyed = [row for row in rows if not row.errors and row.values.get("area") and row.values.get("name")]
        existing = {(p.area_code, p.name, p.kind): p for p in service_points_for(self.scope).filter(
            area_code__in={row.values["area"] for row in keyed}, name__in={row.values["name"] for row in keyed})}
        partner_names = {row.values.get("partner") for row in keyed} - {None, ""}
        partners: dict[str, list[Partner]] = {}
        for partner in partners_for(self.scope).filter(name__in=partner_names):
            partners.setdefault(partner.name, []).append(partner)
        for row in keyed:
            v = row.values
            key = (v["area"], v["name"], v["kind"])
            if not self.first_seen(row, key, "name"):
                continue
            point = existing.get(key)
            values = {"name": v["name"], "kind": v["kind"]}
            if point is None:
                values.update(area_id=found_areas[v["area"]].pk, area_code=v["area"])
            for name in ("lat", "lng"):
                if v.get(name) is not None:
                    values[name] = v[name]
                elif point is None:
                    row.refuse(name, _("新增服务点须填写经纬度"))
            for name in ("address", "opening_hours", "phone"):
                if name in v:
                    values[name] = v[name]
            if "partner" in v:
                values["partner_id"] = self.partner_for(row, point, partners)
            active = self.switch(row, "is_active", point.is_active if point else None, True)
            if active is not None:
                values["is_active"] = active
            if not row.errors:
                self.decide(row, point, values)

    def partner_for(self, row: Row, point: ServicePoint | None, partners: dict[str, list[Partner]]) -> int | None:
        """The one active partner of that name serving the point's area (linked above, at or below it)."""
        name = row.values["partner"]
        if not name:
            return None
        area = row.values["area"]
        serving = [p for p in partners.get(name, []) if area.startswith(p.area_code) or p.area_code.startswith(area)]
        if len(serving) == 1:
            return serving[0].pk
        if not serving and point is not None and point.partner is not None and point.partner.name == name:
            return point.partner_id  # linked before the partner was switched off: left as it is
        if serving:
            row.refuse("partner", _("有%(n)d个名为“%(name)s”的联建单位服务该区域，请在联建单位台账中改名区分")
                       % {"n": len(serving), "name": name})
        else:
            row.refuse("partner", _("未找到服务该区域的启用联建单位“%(name)s”；请先导入联建单位台账，或核对名称")
                       % {"name": name})
        return None


IMPORTERS = {
    Kind.VOLUNTEERS: VolunteerImporter,
    Kind.PARTNERS: PartnerImporter,
    Kind.SERVICE_POINTS: ServicePointImporter,
}


# --- export ------------------------------------------------------------------------
def _in_batches(rows, size: int) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def volunteer_rows(scope: Scope, area: str, full: bool, size: int) -> Iterator[list[dict]]:
    """Volunteers in scope; their ID numbers (of linked residents) and phones masked unless ``full``."""
    rows = (volunteers_for(scope, area=area, include_inactive=True).prefetch_related(None)
            .order_by("area_code", "name", "id")
            .values_list("pk", "name", "resident_id", "resident__id_number", "resident__area_code", "phone",
                         "area_code", "skills", "availability", "is_governance_partner", "is_active"))
    for batch in _in_batches(rows.iterator(chunk_size=size), size):
        yield [{
            "pk": pk, "resident": resident_id, "resident_area": resident_area, "name": name,
            "id_number": (id_no or "") if full else mask_id_number(id_no),
            "phone": phone_ if full else mask_phone(phone_), "area": area_,
            "skills": "、".join(choice_label("skills", s) for s in skills if s in Skill.values),
            "availability": availability, "is_governance_partner": choice_label("yes_no", governance),
            "is_active": choice_label("yes_no", active),
        } for pk, name, resident_id, id_no, resident_area, phone_, area_, skills, availability, governance, active
            in batch]


def partner_rows(scope: Scope, area: str, full: bool, size: int) -> Iterator[list[dict]]:
    """Partners linked to areas in scope (not the street's or city's partners a community only sees).

    Their phones are organisations' contact numbers, shown in full wherever partners are listed.
    """
    partners = scope.filter(partners_for(scope, include_inactive=True))
    if area:
        partners = partners.filter(area_code__startswith=area)
    for batch in _in_batches(partners.order_by("area_code", "name").iterator(chunk_size=size), size):
        yield [{
            "name": p.name, "kind": choice_label("partner_kind", p.kind), "area": p.area_code,
            "contact_name": p.contact_name, "contact_phone": p.contact_phone, "address": p.address,
            "services": p.services, "categories": "、".join(c.name for c in p.categories.all()),
            "is_active": choice_label("yes_no", p.is_active),
        } for p in batch]


def point_rows(scope: Scope, area: str, full: bool, size: int) -> Iterator[list[dict]]:
    points = service_points_for(scope, area=area).order_by("area_code", "kind", "name", "pk")
    for batch in _in_batches(points.iterator(chunk_size=size), size):
        yield [{
            "name": p.name, "kind": choice_label("point_kind", p.kind), "area": p.area_code, "lat": p.lat,
            "lng": p.lng, "address": p.address, "opening_hours": p.opening_hours, "phone": p.phone,
            "partner": p.partner.name if p.partner else "", "is_active": choice_label("yes_no", p.is_active),
        } for p in batch]


EXPORTS = {Kind.VOLUNTEERS: volunteer_rows, Kind.PARTNERS: partner_rows, Kind.SERVICE_POINTS: point_rows}
# Exports of these kinds that hold personal data, masked unless the exporter may reveal it.
PERSONAL = {Kind.VOLUNTEERS}
