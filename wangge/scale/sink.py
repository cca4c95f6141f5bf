"""Write many rows fast: ids given out here, then PostgreSQL COPY, or executemany elsewhere.

The generator gives every row its primary key before writing (from the
table's current maximum), so that rows pointing at each other can be written
table by table with COPY, which returns no ids. At the end ``finish`` moves
PostgreSQL's sequences past the ids used (SQLite's AUTOINCREMENT follows on
its own). Run it in one transaction on a database no one else writes to.
"""
import datetime

from django.db import connection, models
from django.db.models import Max

from wangge.areas.county import fill_county

# Field types psycopg adapts by itself: their values go to COPY as they are.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.FloatField, models.BooleanField,
          models.DateField, models.AutoField, models.BigAutoField, models.SmallIntegerField,
          models.PositiveSmallIntegerField, models.PositiveIntegerField, models.BigIntegerField)


class Sink:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self._next: dict[type, int] = {}
        self.written: dict[str, int] = {}

    def assign_ids(self, model: type[models.Model], objs: list) -> None:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        start = self._next[model]
        for offset, obj in enumerate(objs):
            obj.pk = start + offset
        self._next[model] = start + len(objs)

    def write(self, model: type[models.Model], objs: list, *, assigned: bool = False) -> None:
        """Insert ``objs`` (ids given here unless ``assigned``); foreign keys are read from the related objects.

        The county code is filled as the model's manager fills it (wangge.areas.county): from the area
        code, or from the parent row, which must have been written (or filled) first."""
        if not objs:
            return
        if not assigned:
            self.assign_ids(model, objs)
        if hasattr(model, "county_from"):
            fill_county(model, objs)
        fields = [f for f in model._meta.concrete_fields]
        columns = [f.column for f in fields]
        now = datetime.datetime.now(datetime.timezone.utc)
        rows = (self._row(obj, fields, now) for obj in objs)
        table = model._meta.db_table
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self.pg:
                sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({marks})", list(rows)
                )
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + len(objs)

    def _row(self, obj, fields, now) -> list:
        row = []
        for f in fields:
            if f.is_relation:
                related = f.get_cached_value(obj, None)
                value = related.pk if related is not None else getattr(obj, f.attname)
            else:
                value = getattr(obj, f.attname)
                if value is None and getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) and value is None:
                    value = now
            if not self.pg or not isinstance(f, _PLAIN) or isinstance(f, models.DateTimeField):
                value = f.get_db_prep_save(value, connection)
            row.append(value)
        return row

    def finish(self) -> None:
        """Move each PostgreSQL sequence past the ids given out."""
        if not self.pg:
            return
        with connection.cursor() as cursor:
            for model in self._next:
                table = model._meta.db_table
                pk = model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), (SELECT COALESCE(MAX({pk}), 1) FROM {table}))",
                    [table, pk],
                )
