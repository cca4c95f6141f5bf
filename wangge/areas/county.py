"""The county code (区县代码) every large table carries: the column a province-wide
install is distributed by (docs/scaling.md, "4. Citus by county").

A county code is the first 6 digits of an area code (codes.county_code). A
row that stores ``area_code`` stores its county beside it; a row that hangs off
another (a case's events, a resident's tags) copies its parent's. The column is
never typed by anyone and never forgotten:

- ``save()`` sets it (InCounty.save), like the models already set ``area_code``;
- the manager sets it in bulk (CountyQuerySet): ``bulk_create`` fills the rows
  that lack it, ``bulk_update`` and ``update`` of ``area_code`` carry it along;
- paths that bypass the ORM (COPY, executemany in wangge.scale.sink and the
  ledger's import benchmark) call ``fill_county`` or write it themselves;
- for tables with ``area_code`` a CHECK constraint (``county_check``) makes the
  database refuse a row whose county does not match, so a writer that forgets
  fails loudly instead of filing a row in the wrong county.
"""
from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from . import codes

COUNTY_LENGTH = 6
# SQLite allows 32,766 parameters a query since 3.32, older builds 999.
_ID_BATCH = 900


def county_field() -> models.CharField:
    return models.CharField(_("区县代码"), max_length=COUNTY_LENGTH, editable=False)


def county_check(table: str) -> models.CheckConstraint:
    """county_code = substr(area_code, 1, 6), enforced by the database."""
    return models.CheckConstraint(
        condition=Q(county_code=Substr("area_code", 1, COUNTY_LENGTH)), name=f"{table}_county_of_area"
    )


def fill_county(model: type[models.Model], objs: Iterable[models.Model]) -> None:
    """Set ``county_code`` on the objects that have none, from their area code or their parent row.

    The parent is read from the object when it is loaded (no query), otherwise
    the parents' counties are read in one query per batch of ids.
    """
    source = model.county_from
    missing = [obj for obj in objs if not obj.county_code]
    if not missing:
        return
    if source == "area_code":
        for obj in missing:
            obj.county_code = codes.county_code(obj.area_code or "")
        return
    field = model._meta.get_field(source)
    unknown: dict[int, list[models.Model]] = {}
    for obj in missing:
        parent = field.get_cached_value(obj, None)
        if parent is not None:
            obj.county_code = parent.county_code
        elif getattr(obj, field.attname) is not None:
            unknown.setdefault(getattr(obj, field.attname), []).append(obj)
    ids = list(unknown)
    for start in range(0, len(ids), _ID_BATCH):
        found = field.related_model._base_manager.filter(pk__in=ids[start:start + _ID_BATCH])
        for pk, county in found.values_list("pk", "county_code"):
            for obj in unknown[pk]:
                obj.county_code = county
    orphans = [obj for obj in missing if not obj.county_code]
    if orphans and hasattr(model, "county_without_parent"):
        model.county_without_parent(orphans)


class CountyQuerySet(models.QuerySet):
    """Bulk writes keep ``county_code`` with its source, as ``save()`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_county(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if self.model.county_from == "area_code" and "area_code" in fields and "county_code" not in fields:
            objs = list(objs)
            for obj in objs:
                obj.county_code = codes.county_code(obj.area_code)
            fields = [*fields, "county_code"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True

    def update(self, **kwargs):
        if self.model.county_from == "area_code" and "area_code" in kwargs and "county_code" not in kwargs:
            value = kwargs["area_code"]
            kwargs["county_code"] = codes.county_code(value) if isinstance(value, str) else Substr(value, 1, COUNTY_LENGTH)
        return super().update(**kwargs)

    update.alters_data = True


class InCounty(models.Model):
    """A row filed under a county. ``county_from`` names where its county comes from:
    ``"area_code"`` (its own area code) or a foreign key to a row that has one. A model
    whose parent is optional may define a classmethod ``county_without_parent(objs)``."""

    county_code = county_field()
    county_from = "area_code"

    objects = CountyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.county_from == "area_code":
            self.county_code = codes.county_code(self.area_code or "")
        elif not self.county_code:
            fill_county(type(self), [self])
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "county_code" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "county_code"]
        super().save(*args, **kwargs)
