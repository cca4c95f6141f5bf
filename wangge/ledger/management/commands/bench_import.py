"""python manage.py bench_import: how fast a residents ledger imports, against a raw load.

Everything happens inside one transaction that is rolled back at the end, in a
city code no real city has (99xxxx), so the configured database is left as it
was. Prints figures; it is not a test.
"""
import csv
import datetime
import random
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from wangge.accounts.scope import Scope
from wangge.areas.codes import county_code
from wangge.areas.models import Area, Building, Estate, Household
from wangge.areas.services import household_address
from wangge.ledger.columns import SPECS
from wangge.ledger.models import Kind
from wangge.ledger.reading import open_table
from wangge.ledger.services import commit_import
from wangge.ledger.sheets import SheetWriter, template_columns
from wangge.people.names import pinyin_keys
from wangge.people.validators import id_check_char

SEED = 7
RESIDENTS_PER_HOUSEHOLD = 3
GRIDS_PER_COMMUNITY = 5
COMMUNITIES = 2
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鑫斌宇浩凯健俊帆帅旭宁龙林欣雪婷"
TAGS = ["独居老人", "空巢老人", "残疾人", "低保户", "退役军人", "老党员"]
RAW_COLUMNS = ("name", "name_pinyin", "name_initials", "gender", "birth_date", "id_number", "id_last4", "phone",
               "residence_type", "household_id", "relation", "area_code", "county_code", "note", "created_at",
               "updated_at")


class Command(BaseCommand):
    help = ("生成 N 行居民台账并导入（含全部校验），与原始批量写入（PostgreSQL COPY / SQLite executemany）比较；"
            "全部在回滚的事务中完成，不留数据。 (Benchmark a residents import against a raw load; leaves nothing behind.)")

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")

    def handle(self, *args, rows: int, format: str, **options):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"residents.{format}"
            with transaction.atomic():
                households = self._place(rows)
                started = time.perf_counter()
                self._write_file(path, format, rows, households)
                self._say(f"生成文件 (file written): {path.name}, {rows} 行 (rows), "
                          f"{path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
                self._measure(path, rows, households)
                transaction.set_rollback(True)

    def _measure(self, path: Path, rows: int, households) -> None:
        started = time.perf_counter()
        with open_table(path, path.name, SPECS[Kind.RESIDENTS]) as table:
            read = sum(1 for _row in table.rows)
        reading = time.perf_counter() - started
        self._say(f"只读文件 (reading only): {read} 行 (rows) in {reading:.1f} s")

        rss_before = _peak_rss_mb()
        savepoint = transaction.savepoint()
        started = time.perf_counter()
        report = commit_import(kind=Kind.RESIDENTS, path=path, file_name=path.name, scope=Scope.of(self.city))
        importing = time.perf_counter() - started
        transaction.savepoint_rollback(savepoint)
        assert report.written and report.counts["create"] == rows, (report.counts, report.file_errors)
        self._say(f"导入 (import, validation included): {importing:.1f} s, {rows / importing:,.0f} 行/秒 (rows/s); "
                  f"进程内存峰值 (peak RSS) {_peak_rss_mb():.0f} MB (导入前 before {rss_before:.0f} MB)")

        raw_rows = list(self._raw_rows(rows, households))
        savepoint = transaction.savepoint()
        started = time.perf_counter()
        how = self._raw_load(raw_rows)
        raw = time.perf_counter() - started
        transaction.savepoint_rollback(savepoint)
        self._say(f"原始写入 (raw load, {how}): {raw:.2f} s, {rows / raw:,.0f} 行/秒 (rows/s)")
        self._say(f"导入耗时 / 原始写入耗时 (import / raw): {importing / raw:.1f}×  "
                  f"[{connection.vendor}, {path.suffix[1:]}, {rows} 行 (rows)]")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    # --- a fresh city ------------------------------------------------------------
    def _place(self, rows: int) -> list[tuple[int, str, str]]:
        """A city under an unused 99xxxx code with enough households; (id, area code, address) of each."""
        used = set(Area.objects.filter(code__startswith="99", level="city").values_list("code", flat=True))
        self.city = next(f"99{n:04d}" for n in range(10000) if f"99{n:04d}" not in used)
        city = Area.objects.create(code=self.city, name="压测市")
        street = Area.objects.create(code=f"{self.city}001", name="压测街道", parent=city)
        grids = []
        for c in range(1, COMMUNITIES + 1):
            community = Area.objects.create(code=f"{street.code}{c:03d}", name=f"压测{c}社区", parent=street)
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grids.append(Area.objects.create(code=f"{community.code}{g:03d}", name=f"第{g}网格", parent=community))
        wanted = -(-rows // RESIDENTS_PER_HOUSEHOLD)
        per_building = 6 * 2 * 2  # floors × units × doors
        buildings = []
        for n in range(-(-wanted // per_building)):
            grid = grids[n % len(grids)]
            estate, _created = Estate.objects.get_or_create(area_code=grid.code[:12], name=f"压测{grid.code[-4:]}小区")
            buildings.append(Building(grid=grid, estate=estate, name=f"{n + 1}号楼", address=estate.name,
                                      floors=6, area_code=grid.code))
        Building.objects.bulk_create(buildings, batch_size=1000)
        households = []
        for building in buildings:
            for unit in ("1", "2"):
                for floor in range(1, 7):
                    for door in (1, 2):
                        room = f"{floor}{door:02d}"
                        households.append(Household(building=building, unit=unit, floor=floor, room=room,
                                                    address=household_address(building, unit, room),
                                                    area_code=building.area_code))
        Household.objects.bulk_create(households[:wanted], batch_size=1000)
        return [(h.pk, h.area_code, h.address) for h in households[:wanted]]

    # --- the rows ------------------------------------------------------------------
    def _people(self, rows: int, households):
        """(name, id number, gender, birth date, phone, tag, household) of each generated resident."""
        rng = random.Random(SEED)
        for i in range(rows):
            # Birth dates spread over 80 years; the 3-digit sequence makes every ID number unique.
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=(i // 1000) * 97 % 29000)
            first17 = f"990101{born:%Y%m%d}{i % 1000:03d}"
            id_number = first17 + id_check_char(first17)
            gender = "M" if int(first17[16]) % 2 else "F"
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            tag = rng.choice(TAGS) if rng.random() < 0.05 else ""
            phone = f"139{rng.randrange(10**8):08d}"
            yield name, id_number, gender, born, phone, tag, households[i // RESIDENTS_PER_HOUSEHOLD]

    def _write_file(self, path: Path, fmt: str, rows: int, households) -> None:
        spec = SPECS[Kind.RESIDENTS]
        keys = ["name", "id_number", "gender", "birth_date", "phone", "residence_type", "relation", "tags", "area",
                "address"]
        headers = [spec.column(key).header for key in keys]

        def lines():
            for n, (name, id_number, gender, born, phone, tag, (_pk, code, address)) in enumerate(
                    self._people(rows, households)):
                relation = "户主" if n % RESIDENTS_PER_HOUSEHOLD == 0 else "子女"
                yield [name, id_number, "男" if gender == "M" else "女", born.isoformat(), phone, "户籍", relation,
                       tag, code, address]

        if fmt == "csv":
            with open(path, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(headers)
                writer.writerows(lines())
            return
        columns = [(header, spec.column(key)) for header, key in zip(headers, keys)]
        writer = SheetWriter(path, spec, "压测社区居民信息台账", template_columns(spec)[:1] + columns, notes=True)
        for n, line in enumerate(lines(), start=1):
            writer.append([n] + line)
        writer.close()

    def _raw_rows(self, rows: int, households):
        now = timezone.now()
        for n, (name, id_number, gender, born, phone, _tag, (pk, code, _address)) in enumerate(
                self._people(rows, households)):
            full, initials = pinyin_keys(name)
            relation = "head" if n % RESIDENTS_PER_HOUSEHOLD == 0 else "child"
            yield (name, full, initials, gender, born, id_number, id_number[-4:], phone, "registered", pk, relation,
                   code, county_code(code), "", now, now)

    def _raw_load(self, raw_rows: list[tuple]) -> str:
        columns = ", ".join(RAW_COLUMNS)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY people_resident ({columns}) FROM STDIN") as copy:
                    for row in raw_rows:
                        copy.write_row(row)
                return "COPY"
            placeholders = ", ".join(["%s"] * len(RAW_COLUMNS))
            cursor.executemany(f"INSERT INTO people_resident ({columns}) VALUES ({placeholders})", raw_rows)
            return "executemany"


def _peak_rss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
