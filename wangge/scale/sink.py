"""Write many rows fast: rows encoded by the planner processes, ids given out by the writer, then
PostgreSQL COPY (or executemany elsewhere).

The generator plans each community in a planner process (see generator.py) that
knows nothing of the database, and hands its rows to the one writing process as
small tuples laid out by a ``Layout``::

    (ref, ..., key, ..., tail)

- **refs** point at rows of the same community by their index there (a
  resident's household, an event's case); the writer adds where that table's
  rows of the community start, so the planner needs no ids;
- **keys** are values the writer may change to keep them unique over the whole
  city (ID numbers, case numbers, tracking codes);
- **tail** is everything else, already encoded by the planner: one line of
  PostgreSQL COPY text on PostgreSQL, a tuple of database values elsewhere.

The writer gives each row of a table with ``ids=True`` its primary key from the
table's current maximum (rows of other tables point at them), in the order the
rows come; rows nothing points at get theirs from the table's sequence. At the
end ``finish`` moves PostgreSQL's sequences past the ids given out (SQLite's
AUTOINCREMENT follows on its own). Run it in one transaction on a database no
one else writes to.
"""
from __future__ import annotations

import datetime
import json
import operator
import re
import uuid

from django.db import connection, models
from django.db.models import Max

from wangge.areas.county import fill_county

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\t\n\r]")


def _str(value) -> str:
    if type(value) is not str:
        return _text(value if value is None else str(value))
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


def _number(value) -> str:
    return NULL if value is None else str(value)


def _moment(value) -> str:
    return NULL if value is None else value.isoformat()


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, uuid.UUID)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"no COPY text for {type(value).__name__}")


class Layout:
    """How one model's rows travel from a planner to the writer (see the module's docstring).

    ``refs`` maps foreign-key fields to the model whose rows of the same community they point at;
    ``keys`` names fields the writer fixes; ``ids``: the writer gives primary keys (else the
    sequence does); ``county``: the county code of every row (else filled as the manager would).
    """

    def __init__(self, model: type[models.Model], *, refs: dict[str, type[models.Model]] | None = None,
                 keys: tuple[str, ...] = (), ids: bool = False, county: str = "", pg: bool | None = None):
        self.model = model
        self.county = county
        self.refs = refs or {}
        self.keys = keys
        self.ids = ids
        self.pg = connection.vendor == "postgresql" if pg is None else pg
        meta = model._meta
        self.ref_fields = [meta.get_field(name) for name in self.refs]
        self.key_fields = [meta.get_field(name) for name in keys]
        taken = {f.name for f in self.ref_fields} | set(keys) | {meta.pk.name}
        self.tail_fields = [f for f in meta.concrete_fields if f.name not in taken]
        head = [meta.pk] if ids else []
        self.columns = [f.column for f in [*head, *self.ref_fields, *self.key_fields, *self.tail_fields]]
        self.ref_models = list(self.refs.values())
        self.tail_names = [f.name for f in self.tail_fields]
        self._county = hasattr(model, "county_from")
        self._values = operator.attrgetter(*[f.attname for f in self.tail_fields])
        self._auto = [i for i, f in enumerate(self.tail_fields)
                      if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        self._texts = [_converter(f) for f in self.tail_fields]

    def encode(self, obj: models.Model, stamp: datetime.datetime | None = None) -> tuple:
        """The row of a model instance whose related rows of the community carry their index as pk;
        ``stamp`` fills the auto_now(_add) fields left empty."""
        if self._county and not obj.county_code:
            if self.county:
                obj.county_code = self.county
            else:
                fill_county(self.model, [obj])
        refs = []
        for f in self.ref_fields:
            related = f.get_cached_value(obj, None)
            refs.append(related.pk if related is not None else getattr(obj, f.attname))
        keys = [getattr(obj, f.attname) for f in self.key_fields]
        values = self._values(obj)
        if len(self.tail_fields) == 1:
            values = (values,)
        if self._auto:
            values = list(values)
            for i in self._auto:
                if values[i] is None:
                    values[i] = stamp
        return (*refs, *keys, self.tail(values))

    def tail(self, values) -> str | tuple:
        """Encode the tail fields' values (in ``tail_names`` order) for the database at hand."""
        if self.pg:
            return "\t".join([text(v) for text, v in zip(self._texts, values)])
        return tuple(f.get_db_prep_save(v, connection) for f, v in zip(self.tail_fields, values))


def _converter(field: models.Field):
    """The fastest COPY text of the field's values that is still right for every value."""
    if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
        return _str
    if isinstance(field, (models.ForeignKey, models.IntegerField, models.BigIntegerField)) and not isinstance(
            field, models.BooleanField):
        return _number
    if isinstance(field, models.DateTimeField):
        return _moment
    return _text


class Sink:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self._next: dict[type, int] = {}
        self.written: dict[str, int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        return self._next[model]

    def put(self, layout: Layout, rows: list[tuple], ref_bases: list[int], fix=None) -> int:
        """Write encoded rows; returns the id of the first (0 for rows whose ids the sequence gives).

        ``ref_bases``: for each ref, the id of the community's first row of the table it points at;
        ``fix(keys) -> keys``: called with the row's keys (a tuple) when ``layout.keys``."""
        model = layout.model
        first = self.next_id(model) if layout.ids else 0
        if not rows:
            return first
        nref, nkey = len(layout.ref_fields), len(layout.key_fields)
        if self.pg:
            lines = []
            add = lines.append
            if nref == 1 and not nkey and not layout.ids:
                (base,) = ref_bases
                for row in rows:
                    add(f"{row[0] + base}\t{row[1]}\n")
            else:
                for i, row in enumerate(rows):
                    head = [str(first + i)] if layout.ids else []
                    for j in range(nref):
                        v = row[j]
                        head.append(NULL if v is None else str(v + ref_bases[j]))
                    keys = row[nref:nref + nkey]
                    if fix is not None:
                        keys = fix(keys)
                    head.extend(keys)
                    head.append(row[-1])
                    add("\t".join(head) + "\n")
            self._copy(layout, lines)
        else:
            out = []
            for i, row in enumerate(rows):
                head = [first + i] if layout.ids else []
                for j in range(nref):
                    v = row[j]
                    head.append(None if v is None else v + ref_bases[j])
                keys = row[nref:nref + nkey]
                if fix is not None:
                    keys = fix(keys)
                out.append((*head, *keys, *row[-1]))
            self._insert(layout, out)
        if layout.ids:
            self._next[model] = first + len(rows)
        label = model._meta.label
        self.written[label] = self.written.get(label, 0) + len(rows)
        return first

    def _copy(self, layout: Layout, lines: list[str]) -> None:
        qn = connection.ops.quote_name
        sql = f"COPY {qn(layout.model._meta.db_table)} ({', '.join(qn(c) for c in layout.columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for start in range(0, len(lines), 4096):
                copy.write("".join(lines[start:start + 4096]))

    def _insert(self, layout: Layout, rows: list[tuple]) -> None:
        qn = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(layout.columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {qn(layout.model._meta.db_table)} ({', '.join(qn(c) for c in layout.columns)}) "
                f"VALUES ({marks})", rows,
            )

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
