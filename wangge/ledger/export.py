"""Ledger exports in the import template, so that export → edit → import round-trips.

What is exported comes through the scope; ID numbers and phones are written in
full only when one of the exporter's roles may reveal them, and such an export
is logged. Rows are read and written in batches (a street is 200,000 residents).

The buildings, households and residents (with their tags) are read from ``wangge.db.reading()``
(the read replica when one is configured, docs/scaling.md); the export record and the access log
are written to the primary. Inside a transaction ``reading()`` is the primary.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.scope import Scope
from wangge.areas.models import Area, Building, Household
from wangge.db import reading
from wangge.people.models import Resident, SensitiveAccess, Tag
from wangge.people.privacy import mask_id_number, mask_phone

from .columns import SPECS, choice_label
from .models import ExportRecord, Kind
from .resources import EXPORTS, PERSONAL
from .services import common_area
from .sheets import SheetWriter, template_columns

BATCH_SIZE = 2000


@dataclass
class ExportResult:
    rows: int
    full: bool
    record: ExportRecord


def export_ledger(kind: str, scope: Scope, out, *, area: str = "", user=None, operator: str = "",
                  progress: Callable[[int, int | None], None] | None = None) -> ExportResult:
    """Write the kind's rows in scope (under ``area`` if given) to ``out`` as the kind's template.

    Raises OutOfScope when ``area`` lies outside the scope.
    """
    if area:
        scope.require(area)
    spec = SPECS[kind]
    full = (kind == Kind.RESIDENTS or kind in PERSONAL) and scope.may_reveal
    place = Area.objects.filter(code=area or common_area(scope.codes)).first()
    title = f"{place.name if place else ''}{spec.title}"
    record = ExportRecord.objects.create(kind=kind, user=user, operator=operator, full=full,
                                         area_code=area or common_area(scope.codes))
    writer = SheetWriter(out, spec, title, template_columns(spec), notes=True)
    if kind in EXPORTS:
        batches = EXPORTS[kind](scope, area, full, BATCH_SIZE)
        total = None
    else:
        queryset = scope.filter(_MODELS[kind].objects.using(reading()))
        if area:
            queryset = queryset.filter(area_code__startswith=area)
        total = queryset.count() if progress else None
        batches = _ROWS[kind](queryset)
    keys = [column.key for column in spec.columns]
    count = 0
    for batch in batches:
        if full and user is not None:
            _log_full_export(user, record, batch, volunteers=kind == Kind.VOLUNTEERS)
        for values in batch:
            count += 1
            if kind == Kind.RESIDENTS and not full:
                values["id_number"], values["phone"] = mask_id_number(values["id_number"]), mask_phone(values["phone"])
            writer.append([count] + [values.get(key, "") for key in keys])
        if progress:
            progress(count, total)
    writer.close()
    record.rows = count
    record.save(update_fields=["rows"])
    return ExportResult(rows=count, full=full, record=record)


def _log_full_export(user, record: ExportRecord, batch: list[dict], *, volunteers: bool = False) -> None:
    """One access-log row per resident: each one's ID number and phone left in full
    (for volunteers, per volunteer linked to a resident: that resident's ID number)."""
    reason = _("台账导出（身份证号和电话）第%(n)d号") % {"n": record.pk}
    now = timezone.now()
    if volunteers:
        opened = [(values["resident"], values["resident_area"]) for values in batch if values["resident"]]
    else:
        opened = [(values["pk"], values["area"]) for values in batch]
    SensitiveAccess.objects.bulk_create([
        SensitiveAccess(user=user, resident_id=resident_id, field=SensitiveAccess.Field.ID_NUMBER,
                        reason=reason, at=now, area_code=code)
        for resident_id, code in opened
    ])


def _batches(iterator) -> Iterator[list]:
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _building_rows(queryset) -> Iterator[list[dict]]:
    rows = queryset.order_by("area_code", "estate__name", "name", "pk").values_list(
        "area_code", "estate__name", "name", "address", "floors", "lat", "lng")
    for batch in _batches(rows.iterator(chunk_size=BATCH_SIZE)):
        yield [{"grid": grid, "estate": estate or "", "name": name, "address": address, "floors": floors, "lat": lat, "lng": lng}
               for grid, estate, name, address, floors, lat, lng in batch]


def _household_rows(queryset) -> Iterator[list[dict]]:
    rows = queryset.order_by("area_code", "address", "pk").values_list(
        "area_code", "building__estate__name", "building__name", "unit", "floor", "room", "address")
    for batch in _batches(rows.iterator(chunk_size=BATCH_SIZE)):
        yield [{"grid": grid, "estate": estate or "", "building": building, "unit": unit, "floor": floor, "room": room,
                    "address": address}
               for grid, estate, building, unit, floor, room, address in batch]


def _resident_rows(queryset) -> Iterator[list[dict]]:
    """Residents with their stored tags and the age-derived ones that apply today (import accepts both),
    the tags read from the residents' database."""
    tags = {tag.pk: tag for tag in Tag.objects.using(queryset.db)}
    today = timezone.localdate()
    derived = [(tag.latest_birth_date(today), tag.name) for tag in tags.values() if tag.is_derived]
    order = {tag.pk: (tag.sort_order, tag.code) for tag in tags.values()}
    rows = queryset.order_by("area_code", "household__address", "pk").values_list(
        "pk", "name", "id_number", "gender", "birth_date", "phone", "residence_type", "relation", "area_code",
        "household__address", "note")
    for batch in _batches(rows.iterator(chunk_size=BATCH_SIZE)):
        links: dict[int, list[int]] = {}
        through = Resident.tags.through.objects.using(queryset.db).filter(resident_id__in=[row[0] for row in batch])
        for resident_id, tag_id in through.values_list("resident_id", "tag_id"):
            links.setdefault(resident_id, []).append(tag_id)
        yield [
            {"pk": pk, "name": name, "id_number": id_number, "gender": choice_label("gender", gender),
                 "birth_date": birth_date.isoformat(), "phone": phone,
                 "residence_type": choice_label("residence_type", residence_type),
                 "relation": choice_label("relation", relation),
                 "tags": "、".join([tags[t].name for t in sorted(links.get(pk, []), key=order.get)]
                               + [name_ for latest, name_ in derived if birth_date <= latest]),
                 "area": area, "address": address or "", "note": note}
            for pk, name, id_number, gender, birth_date, phone, residence_type, relation, area, address, note in batch
        ]


_MODELS = {Kind.BUILDINGS: Building, Kind.HOUSEHOLDS: Household, Kind.RESIDENTS: Resident}
_ROWS = {Kind.BUILDINGS: _building_rows, Kind.HOUSEHOLDS: _household_rows, Kind.RESIDENTS: _resident_rows}
