"""python manage.py export_ledger KIND FILE: a ledger in its import template."""
from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.scope import OutOfScope
from wangge.ledger.export import export_ledger
from wangge.ledger.models import Kind

from ..console import Progress, acting


class Command(BaseCommand):
    help = ("按导入模板导出台账（.xlsx），导出 → 修改 → 导入可往返。身份证号和电话按导出人的角色决定是否完整，完整导出会记录。"
            " (Export a ledger as its import template; full ID numbers and phones only for roles that may see them,"
            " logged.)")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("file", help="输出的 .xlsx 文件 (the .xlsx to write)")
        parser.add_argument("--area", default="", help="只导出该区域（区划代码）(only this area's rows)")
        parser.add_argument("--user", help="以该账号的管辖范围导出；不填则以运维身份、全部范围导出 "
                                           "(act within this user's scope; without it, as the operator)")

    def handle(self, *args, kind, file, area, user, **options):
        scope, account, operator = acting(user)
        progress = Progress(self.stderr, "已导出 (exported)")
        try:
            result = export_ledger(kind, scope, file, area=area, user=account, operator=operator, progress=progress)
        except OutOfScope:
            raise CommandError(f"区域不存在或不在管辖范围内 (area unknown or out of scope): {area}")
        progress.done()
        shown = "完整 (in full)" if result.full else "已脱敏 (masked)"
        self.stdout.write(f"已导出 {result.rows} 行到 {file} (rows exported)；身份证号和电话 {shown}"
                          if kind in (Kind.RESIDENTS, Kind.VOLUNTEERS)
                          else f"已导出 {result.rows} 行到 {file} (rows exported)")
