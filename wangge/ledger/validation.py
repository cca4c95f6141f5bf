"""Row-level validation of ledger sheets, batch by batch, before anything is written.

Each kind has an importer that turns a batch of rows into outcomes: create,
update, unchanged, or refused with (column, reason) pairs. A batch is checked
with a handful of queries (never one per row), so a street's ledger is checked
in seconds. Every check reuses the rule's one home: ID numbers and phones in
wangge.people.validators, pinyin in wangge.people.names, addresses in
wangge.areas.services, places and scope in wangge.accounts.scope.

The same importer then writes the batch (``write``): rows are matched on their
natural keys (ID number; building + unit + room, which is the address; grid +
estate + building name), so importing the same file twice changes nothing.

Rules for a column that is present: its value is what the sheet says, and a
blank cell empties it — except columns that cannot be empty (place, residence
type, relation), where a blank keeps the stored value or, for a new row, the
default. A column that is absent leaves the stored values alone.
"""
import datetime
import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from wangge.accounts.scope import Scope
from wangge.areas.codes import LENGTH_LEVELS, Level
from wangge.areas.models import Area, Building, Estate, Household
from wangge.areas.services import household_address
from wangge.people import validators
from wangge.people.models import Relation, ResidenceType, Resident, Tag
from wangge.people.names import pinyin_keys
from wangge.people.privacy import mask_id_number, mask_phone
from wangge.people.selectors import by_id_numbers

from .columns import SPECS, TAG_SEPARATORS, choice_labels, choice_values
from .models import ImportChange, Kind

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, REFUSED)

# Rows checked and written together: one set of queries and one bulk write each.
BATCH_SIZE = 1000

_SCIENTIFIC_RE = re.compile(r"^\d+(\.\d*)?[eE]\+?\d+$")
_MASKED_ID_RE = re.compile(r"^\d{6}\*+[\dX]{4}$")
_AREA_CODE_RE = re.compile(r"^\d{6}(?:\d{3}){0,3}$")
# Excel day numbers from 1900-03-01 to 2099-12-31.
_EXCEL_SERIAL_DAYS = (61, 73050)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")

# Pinyin keys of one name are the same on every row; pypinyin is the slowest step.
_pinyin = functools.lru_cache(maxsize=50_000)(pinyin_keys)


class Invalid(Exception):
    """One cell's value is refused; the message is the reason shown to the office."""


@dataclass
class Row:
    number: int
    cells: list
    values: dict = field(default_factory=dict)
    # (column key, reason)
    errors: list[tuple[str, str]] = field(default_factory=list)
    outcome: str = ""
    target: models.Model | None = None
    # For updates: the changed fields' stored values before and after, as JSON.
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    def refuse(self, key: str, reason: str) -> None:
        self.errors.append((key, reason))


# --- cells -------------------------------------------------------------------
def text(cell, max_length: int = 200) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        value = str(int(cell))
    elif isinstance(cell, datetime.datetime):
        value = cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat(" ")
    else:
        value = str(cell).strip()
    if len(value) > max_length:
        raise Invalid(_("内容过长：最多%(n)d个字") % {"n": max_length})
    return value


def _digits(cell) -> str:
    """Codes and numbers typed as text or stored as numbers; full-width digits accepted."""
    if isinstance(cell, str) and cell.isascii() and cell.isalnum():
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return re.sub(r"\s", "", str(cell if cell is not None else "")).translate(_FULL_WIDTH)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ－", "0123456789XX-")


def integer(low: int, high: int):
    def parse(cell) -> int | None:
        if cell is None or cell == "":
            return None
        try:
            value = float(_digits(cell))
        except ValueError:
            raise Invalid(_("应为整数"))
        if not value.is_integer() or not low <= value <= high:
            raise Invalid(_("应为%(low)d到%(high)d之间的整数") % {"low": low, "high": high})
        return int(value)

    return parse


def number(low: float, high: float):
    def parse(cell) -> float | None:
        if cell is None or cell == "":
            return None
        try:
            value = float(_digits(cell))
        except ValueError:
            raise Invalid(_("应为数字"))
        if not low <= value <= high:
            raise Invalid(_("应在%(low)s到%(high)s之间") % {"low": low, "high": high})
        return value

    return parse


def date(cell) -> datetime.date | None:
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, (int, float)) and _EXCEL_SERIAL_DAYS[0] <= cell <= _EXCEL_SERIAL_DAYS[1]:
        # A date cell that lost its date format shows Excel's day number (32944 = 1990-03-12).
        return from_excel(cell).date()
    value = _digits(cell)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise Invalid(_("日期格式不正确，应如 1990-03-12"))


def area_code(cell) -> str:
    value = _digits(cell)
    if value and not _AREA_CODE_RE.match(value):
        raise Invalid(_("区划代码应为6、9、12或15位数字：%(code)s") % {"code": value})
    return value


def grid_code(cell) -> str:
    value = area_code(cell)
    if value and LENGTH_LEVELS[len(value)] != Level.GRID:
        raise Invalid(_("应为15位网格代码：%(code)s") % {"code": value})
    return value


def unit(cell) -> str:
    """2, "2" and "2单元" are one unit: addresses add 单元 themselves."""
    value = text(cell, 10)
    return value.removesuffix("单元")


def room(cell) -> str:
    value = text(cell, 20)
    return value.removesuffix("室")


def id_number(cell) -> str:
    """A full ID number, or a masked one (220184********0245) from a masked export."""
    if isinstance(cell, float) or (isinstance(cell, str) and _SCIENTIFIC_RE.match(cell.strip())):
        raise Invalid(_("身份证号被Excel转成了科学计数法（如 2.20184E+17），后几位已丢失；"
                        "请把该列设为文本格式后重新填写"))
    value = validators.normalize_id_number(_digits(cell))
    if not value:
        return ""
    if _MASKED_ID_RE.match(value):
        return value
    try:
        return validators.validate_id_number(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0])


def phone(cell) -> str:
    value = _digits(cell)
    if not value or "*" in value:
        return value
    try:
        return validators.validate_phone(value)
    except ValidationError as exc:
        raise Invalid(exc.messages[0])


def choice(name: str):
    def parse(cell) -> str | None:
        value = text(cell, 20)
        if not value:
            return None
        values = choice_values(name)
        if value not in values:
            raise Invalid(_("“%(value)s”不在可选值内（%(labels)s）")
                          % {"value": value, "labels": "/".join(choice_labels(name))})
        return values[value]

    return parse


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def snapshot(obj: models.Model, attnames) -> dict:
    return {name: _json(getattr(obj, name)) for name in attnames}


# --- importers ---------------------------------------------------------------
class Importer:
    """Checks and writes the rows of one sheet for one importer (their scope)."""

    kind: str
    model: type[models.Model]
    # Fields set on every update besides the changed ones (auto_now is not applied by bulk_update).
    touch_fields: tuple[str, ...] = ()

    def __init__(self, scope: Scope, positions: dict[str, int], today: datetime.date | None = None):
        self.scope = scope
        self.spec = SPECS[self.kind]
        self.positions = positions
        self.today = today or timezone.localdate()
        # Natural key → the sheet row that first named it, across batches.
        self.seen: dict[tuple, int] = {}
        # Area codes of every row written, so the import record knows where it acted.
        self.touched: set[str] = set()
        # In sheet column order, so a row's reasons read left to right.
        self.parsers = sorted(((positions[key], key, fn) for key, fn in self.parsers_for().items() if key in positions),
                              key=lambda item: item[0])
        self.required = {column.key for column in self.spec.columns if column.required}

    def parsers_for(self) -> dict:
        raise NotImplementedError

    # checking -------------------------------------------------------------
    def check(self, rows: list[Row]) -> None:
        for row in rows:
            self._parse(row)
        self.resolve(rows)
        for row in rows:
            if row.errors:
                row.outcome = REFUSED

    def _parse(self, row: Row) -> None:
        values, cells = row.values, row.cells
        for position, key, parse in self.parsers:
            try:
                values[key] = value = parse(cells[position])
            except Invalid as exc:
                row.refuse(key, str(exc))
                continue
            if value in (None, "") and key in self.required:
                row.refuse(key, _("必填"))

    def resolve(self, rows: list[Row]) -> None:
        """Look up what the batch refers to and decide each row's outcome."""
        raise NotImplementedError

    def first_seen(self, row: Row, key: tuple, column: str) -> bool:
        """Refuse a row whose natural key an earlier row of the file already named."""
        earlier = self.seen.setdefault(key, row.number)
        if earlier != row.number:
            row.refuse(column, _("与第%(row)d行重复") % {"row": earlier})
            return False
        return True

    def in_scope(self, row: Row, column: str, code: str) -> bool:
        if not self.scope.covers(code):
            row.refuse(column, _("不在您的管辖范围内：%(code)s") % {"code": code})
            return False
        return True

    def grids(self, rows: list[Row]) -> dict[str, Area]:
        """The grids the batch names, checked for scope and existence; bad rows are refused."""
        codes = {row.values.get("grid") for row in rows} - {None, ""}
        found = {a.code: a for a in Area.objects.filter(code__in=codes, level=Level.GRID)}
        for row in rows:
            code = row.values.get("grid")
            if code and self.in_scope(row, "grid", code) and code not in found:
                row.refuse("grid", _("网格不存在：%(code)s") % {"code": code})
        return found

    @staticmethod
    def buildings(rows: list[Row], grid: str = "grid", name: str = "building") -> dict[tuple, Building]:
        """Existing buildings by (grid code, estate name, building name)."""
        grids = {row.values.get(grid) for row in rows} - {None, ""}
        names = {row.values.get(name) for row in rows} - {None, ""}
        found = Building.objects.filter(area_code__in=grids, name__in=names).select_related("estate")
        return {(b.area_code, b.estate.name if b.estate else "", b.name): b for b in found}

    def decide(self, row: Row, existing: models.Model | None, values: dict) -> None:
        """Create, update or leave unchanged, comparing the row's values with the stored ones."""
        if existing is None:
            row.outcome, row.target = CREATE, self.model(**values)
            return
        changed = {name: value for name, value in values.items() if getattr(existing, name) != value}
        if not changed:
            row.outcome = UNCHANGED
            return
        row.before = snapshot(existing, changed)
        for name, value in changed.items():
            setattr(existing, name, value)
        row.after = snapshot(existing, changed)
        row.outcome, row.target = UPDATE, existing

    # writing --------------------------------------------------------------
    def write(self, rows: list[Row], record) -> None:
        """Write a checked batch: bulk inserts and updates, and the undo log of the batch."""
        created = [row for row in rows if row.outcome == CREATE]
        updated = [row for row in rows if row.outcome == UPDATE]
        changes = []
        label = self.model._meta.label_lower
        self.before_create(created, record, changes)
        if created:
            self.model.objects.bulk_create([row.target for row in created])
            changes.append(ImportChange(record=record, model=label, action=ImportChange.Action.CREATE,
                                        ids=[row.target.pk for row in created]))
        if updated:
            fields = sorted({name for row in updated for name in row.after if name in self.plain_fields})
            now = timezone.now()
            for row in updated:
                for name in self.touch_fields:
                    setattr(row.target, name, now)
            if fields or self.touch_fields:
                self.model.objects.bulk_update([row.target for row in updated], fields + list(self.touch_fields))
            changes.append(ImportChange(
                record=record, model=label, action=ImportChange.Action.UPDATE,
                ids=[row.target.pk for row in updated],
                before=[row.before for row in updated], after=[row.after for row in updated],
            ))
        self.after_write(created, updated)
        ImportChange.objects.bulk_create(changes)
        for row in created + updated:
            self.touched.add(row.target.area_code)
            if "area_code" in row.before:
                self.touched.add(row.before["area_code"])

    @functools.cached_property
    def plain_fields(self) -> set[str]:
        return {f.attname for f in self.model._meta.concrete_fields}

    def before_create(self, created: list[Row], record, changes: list) -> None:
        """Write what new rows depend on (new estates)."""

    def after_write(self, created: list[Row], updated: list[Row]) -> None:
        """Write what depends on the written rows (tags)."""


class BuildingImporter(Importer):
    kind = Kind.BUILDINGS
    model = Building

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Estates the file names that do not exist yet, by (community code, name):
        # created with their first building, shared by the others.
        self.new_estates: dict[tuple[str, str], Estate] = {}

    def parsers_for(self):
        return {
            "grid": grid_code, "estate": lambda c: text(c, 100), "name": lambda c: text(c, 50),
            "address": lambda c: text(c, 200), "floors": integer(1, 200),
            "lat": number(-90, 90), "lng": number(-180, 180),
        }

    def resolve(self, rows):
        grids = self.grids(rows)
        keyed = [row for row in rows if row.values.get("grid") and row.values.get("name")]
        existing = self.buildings(keyed, name="name")
        estates = self.estates(keyed)
        for row in keyed:
            v = row.values
            key = (v["grid"], v.get("estate", ""), v["name"])
            if not self.first_seen(row, key, "name") or row.errors:
                continue
            values = {name: v[name] for name in ("address", "floors", "lat", "lng") if name in v}
            building = existing.get(key)
            if building is None:
                estate = self.estate_for(row, estates)
                if row.errors:
                    continue
                values.update(grid=grids[v["grid"]], estate=estate, name=v["name"], area_code=v["grid"])
            self.decide(row, building, values)

    def estates(self, rows) -> dict[tuple[str, str], Estate]:
        communities = {row.values["grid"][:12] for row in rows}
        names = {row.values.get("estate") for row in rows} - {None, ""}
        return {(e.area_code, e.name): e for e in Estate.objects.filter(area_code__in=communities, name__in=names)}

    def estate_for(self, row: Row, estates) -> Estate | None:
        name = row.values.get("estate")
        if not name:
            return None
        key = (row.values["grid"][:12], name)
        if key in estates:
            return estates[key]
        if key not in self.new_estates:
            # An estate belongs to its community, so only those responsible for the
            # community may add one; a grid worker asks them (or fixes the name).
            if not self.scope.covers(key[0]):
                row.refuse("estate", _("小区“%(name)s”不存在；新建小区须由社区或以上的账号导入") % {"name": name})
                return None
            self.new_estates[key] = Estate(area_code=key[0], name=name)
        return self.new_estates[key]

    def before_create(self, created, record, changes):
        estates = list({id(r.target.estate): r.target.estate for r in created
                        if r.target.estate is not None and r.target.estate.pk is None}.values())
        if estates:
            Estate.objects.bulk_create(estates)
            changes.append(ImportChange(record=record, model=Estate._meta.label_lower,
                                        action=ImportChange.Action.CREATE, ids=[e.pk for e in estates]))


class HouseholdImporter(Importer):
    kind = Kind.HOUSEHOLDS
    model = Household

    def parsers_for(self):
        return {
            "grid": grid_code, "estate": lambda c: text(c, 100), "building": lambda c: text(c, 50),
            "unit": unit, "floor": integer(-5, 200), "room": room, "address": lambda c: text(c, 255),
        }

    def resolve(self, rows):
        self.grids(rows)
        keyed = [row for row in rows
                 if row.values.get("grid") and row.values.get("building") and row.values.get("room")]
        buildings = self.buildings(keyed)
        existing = self.households([b.pk for b in buildings.values()], {row.values["room"] for row in keyed})
        for row in keyed:
            v = row.values
            building_key = (v["grid"], v.get("estate", ""), v["building"])
            if not self.first_seen(row, (*building_key, v.get("unit", ""), v["room"]), "room") or row.errors:
                continue
            building = buildings.get(building_key)
            if building is None:
                row.refuse("building", _("楼栋不存在：%(estate)s%(name)s（网格 %(grid)s），请先导入楼栋台账")
                           % {"estate": v.get("estate", ""), "name": v["building"], "grid": v["grid"]})
                continue
            unit_, room_ = v.get("unit", ""), v["room"]
            household = existing.get((building.pk, unit_, room_))
            values = {"floor": v["floor"]} if "floor" in v else {}
            if "address" in v or household is None:
                values["address"] = v.get("address") or household_address(building, unit_, room_)
            if household is None:
                values.update(building=building, unit=unit_, room=room_, area_code=building.area_code)
            self.decide(row, household, values)

    @staticmethod
    def households(building_ids, rooms) -> dict[tuple, Household]:
        found = Household.objects.filter(building_id__in=building_ids, room__in=rooms)
        return {(h.building_id, h.unit, h.room): h for h in found}


class ResidentImporter(Importer):
    kind = Kind.RESIDENTS
    model = Resident
    touch_fields = ("updated_at",)

    def __init__(self, *args, **kwargs):
        self.tags = {tag.name: tag for tag in Tag.objects.all()}
        super().__init__(*args, **kwargs)

    def parsers_for(self):
        return {
            "name": lambda c: text(c, 50), "id_number": id_number, "gender": choice("gender"),
            "birth_date": date, "phone": phone, "residence_type": choice("residence_type"),
            "relation": choice("relation"), "tags": self.parse_tags, "area": area_code,
            "address": lambda c: text(c, 255), "estate": lambda c: text(c, 100),
            "building": lambda c: text(c, 50), "unit": unit, "room": room, "note": lambda c: text(c, 2000),
        }

    def parse_tags(self, cell) -> list[Tag]:
        names = [n for n in TAG_SEPARATORS.split(text(cell, 200)) if n]
        unknown = [n for n in names if n not in self.tags]
        if unknown:
            raise Invalid(_("重点人群不在列表内：%(names)s（可选：%(allowed)s）")
                          % {"names": "、".join(unknown), "allowed": "、".join(self.tags)})
        return [self.tags[n] for n in dict.fromkeys(names)]

    def check_identity(self, row: Row, id_no: str) -> None:
        """Gender, birth date and age-derived tags must agree with the ID number."""
        v = row.values
        for column, reason in validators.identity_conflicts(
            id_no, birth_date=v.get("birth_date"), gender=v.get("gender")
        ).items():
            row.refuse(column, reason)
        born = validators.birth_date_from_id(id_no)
        for tag in v.get("tags") or ():
            if tag.is_derived and born > tag.latest_birth_date(self.today):
                row.refuse("tags", _("“%(name)s”按出生日期自动判定，此人未满%(age)d岁")
                           % {"name": tag.name, "age": tag.min_age})

    def resolve(self, rows):
        for row in rows:
            id_no = row.values.get("id_number")
            if id_no and "*" not in id_no:
                self.check_identity(row, id_no)
        existing = self.existing(rows)
        places = self.places(rows)
        stored_tags = self.stored_tags([r.pk for r in existing.values()])
        for row in rows:
            v = row.values
            if not v.get("id_number"):
                continue
            resident = existing.get(row.number)
            masked = "*" in v["id_number"]
            if masked and resident is None:
                row.refuse("id_number", _(
                    "身份证号已脱敏（含*），在您的管辖范围内找不到同名、号码首尾相同的唯一居民；"
                    "脱敏的号码只能用于更新已登记的居民，请填写完整身份证号"))
                continue
            key = ("pk", resident.pk) if masked else ("id", v["id_number"])
            if not self.first_seen(row, key, "id_number"):
                continue
            if masked:
                self.check_identity(row, resident.id_number)
            if resident is not None and not self.scope.covers(resident.area_code):
                row.refuse("id_number", _("该身份证号已登记在您管辖范围以外的区域，不能在此导入或修改"))
                continue
            place = places.get(row.number)
            if place is None and resident is None and not row.errors:
                row.refuse("address", _("新登记的居民须填写完整地址、楼栋和门牌号，或所属区域代码"))
            if row.errors:
                continue
            self.decide_resident(row, resident, place, stored_tags)

    def decide_resident(self, row: Row, resident: Resident | None, place, stored_tags) -> None:
        v = row.values
        values = {}
        if resident is None or "*" not in v["id_number"]:
            id_no = v["id_number"]
            values.update(id_number=id_no, id_last4=id_no[-4:], birth_date=validators.birth_date_from_id(id_no),
                          gender=validators.gender_from_id(id_no))
        if "name" in v:
            values["name"] = v["name"]
            values["name_pinyin"], values["name_initials"] = _pinyin(v["name"])
        if "phone" in v:
            if "*" not in v["phone"]:
                values["phone"] = v["phone"]
            elif resident is None or mask_phone(resident.phone) != v["phone"]:
                row.refuse("phone", _("电话已脱敏（含*）且与登记的号码不符，请填写完整号码"))
                return
        for name, default in (("residence_type", ResidenceType.REGISTERED), ("relation", Relation.HEAD)):
            if v.get(name) or resident is None:
                values[name] = v.get(name) or default
        if "note" in v:
            values["note"] = v["note"]
        if place is not None:
            values["household_id"], values["area_code"] = place
        tags = None
        if "tags" in v:
            tags = sorted(t.pk for t in v["tags"] if not t.is_derived)
        self.decide(row, resident, values)
        if tags is not None and (resident is None or stored_tags.get(resident.pk, []) != tags):
            if row.outcome == UNCHANGED:
                row.outcome, row.target = UPDATE, resident
            if row.outcome == UPDATE:
                row.before["tags"], row.after["tags"] = stored_tags.get(resident.pk, []), tags
            else:
                row.after["tags"] = tags

    def existing(self, rows) -> dict[int, Resident]:
        """Stored residents by sheet row: by full ID number, or by a masked one and the name, in scope."""
        full = [r for r in rows if r.values.get("id_number") and "*" not in r.values["id_number"]]
        by_id = by_id_numbers(r.values["id_number"] for r in full)
        found = {r.number: by_id[r.values["id_number"]] for r in full if r.values["id_number"] in by_id}
        masked = [r for r in rows if "*" in (r.values.get("id_number") or "")]
        if masked:
            candidates = self.scope.filter(Resident).filter(
                id_last4__in={r.values["id_number"][-4:] for r in masked},
                name__in={r.values.get("name") for r in masked},
            )
            by_mask: dict[tuple, list[Resident]] = {}
            for resident in candidates:
                by_mask.setdefault((mask_id_number(resident.id_number), resident.name), []).append(resident)
            for row in masked:
                matches = by_mask.get((row.values["id_number"], row.values.get("name")), [])
                if len(matches) == 1:
                    found[row.number] = matches[0]
        return found

    @staticmethod
    def stored_tags(resident_ids) -> dict[int, list[int]]:
        tags: dict[int, list[int]] = {}
        through = Resident.tags.through.objects.filter(resident_id__in=resident_ids, tag__min_age__isnull=True)
        for resident_id, tag_id in through.values_list("resident_id", "tag_id"):
            tags.setdefault(resident_id, []).append(tag_id)
        return {k: sorted(v) for k, v in tags.items()}

    def places(self, rows) -> dict[int, tuple[int | None, str]]:
        """(household id, area code) by row number, for rows that name a place; bad places are refused.

        A household is found by its full address (within the area code when one is
        given), or by grid + estate + building + unit + room; without either, the
        area code alone places the resident in that area without a household.
        """
        places: dict[int, tuple[int | None, str]] = {}
        by_address = [r for r in rows if r.values.get("address")]
        by_parts = [r for r in rows if not r.values.get("address") and r.values.get("building")]
        by_area = [r for r in rows if not r.values.get("address") and not r.values.get("building")
                   and r.values.get("area")]
        self.place_by_address(by_address, places)
        self.place_by_parts(by_parts, places)
        known = set(Area.objects.filter(code__in={r.values["area"] for r in by_area}).values_list("code", flat=True))
        for row in by_area:
            code = row.values["area"]
            if self.in_scope(row, "area", code):
                if code in known:
                    places[row.number] = (None, code)
                else:
                    row.refuse("area", _("区域不存在：%(code)s") % {"code": code})
        return places

    def place_by_address(self, rows, places) -> None:
        found: dict[str, list[tuple[int, str]]] = {}
        households = Household.objects.filter(address__in={r.values["address"] for r in rows})
        for pk, address, code in households.values_list("pk", "address", "area_code"):
            found.setdefault(address, []).append((pk, code))
        for row in rows:
            area = row.values.get("area", "")
            matches = [m for m in found.get(row.values["address"], []) if m[1].startswith(area)]
            if len(matches) == 1:
                if self.in_scope(row, "address", matches[0][1]):
                    places[row.number] = matches[0]
            elif matches:
                row.refuse("address", _("该地址对应多户，请同时填写所属区域代码（网格代码）"))
            else:
                row.refuse("address", _("未找到该地址的住户：%(address)s；请先导入住户台账，或核对地址")
                           % {"address": row.values["address"]})

    def place_by_parts(self, rows, places) -> None:
        usable = []
        for row in rows:
            area, room_ = row.values.get("area", ""), row.values.get("room", "")
            if len(area) != 15:
                row.refuse("area", _("按楼栋找户时须填写所在网格的15位代码"))
            elif not room_:
                row.refuse("room", _("按楼栋找户时须填写门牌号"))
            else:
                usable.append(row)
        buildings = self.buildings(usable, grid="area")
        households = HouseholdImporter.households([b.pk for b in buildings.values()],
                                                  {r.values["room"] for r in usable})
        for row in usable:
            v = row.values
            building = buildings.get((v["area"], v.get("estate", ""), v["building"]))
            household = building and households.get((building.pk, v.get("unit", ""), v["room"]))
            if household:
                if self.in_scope(row, "area", household.area_code):
                    places[row.number] = (household.pk, household.area_code)
            else:
                row.refuse("room", _("未找到该住户：%(estate)s%(building)s %(unit)s %(room)s")
                           % {"estate": v.get("estate", ""), "building": v["building"],
                              "unit": v.get("unit", ""), "room": v["room"]})

    def after_write(self, created, updated):
        through = Resident.tags.through
        changed = [row for row in updated if "tags" in row.after]
        if changed:
            through.objects.filter(resident_id__in=[row.target.pk for row in changed]).delete()
        through.objects.bulk_create([
            through(resident_id=row.target.pk, tag_id=tag_id)
            for row in created + changed for tag_id in row.after.get("tags", ())
        ])


IMPORTERS: dict[str, type[Importer]] = {
    Kind.BUILDINGS: BuildingImporter,
    Kind.HOUSEHOLDS: HouseholdImporter,
    Kind.RESIDENTS: ResidentImporter,
}
