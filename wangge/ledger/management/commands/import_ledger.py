"""python manage.py import_ledger KIND FILE: the page's import, from the command line."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wangge.ledger.models import Kind
from wangge.ledger.reading import estimate_rows
from wangge.ledger.services import commit_import, format_refused, preview_import
from wangge.ledger.validation import CREATE, REFUSED, UNCHANGED, UPDATE

from ..console import Progress, acting

# Refused rows printed; all of them are in the error sheet (--errors).
SHOWN = 50


class Command(BaseCommand):
    help = (
        "导入台账（楼栋 buildings、住户 households、居民 residents、志愿者 volunteers、联建单位 partners、"
        "便民服务点 service_points）：先逐行校验；默认全部通过才写入，"
        "--valid-only 只写入通过的行。写入在一个事务中完成，中断不留下部分数据。因有未通过的行而未写入任何数据时退出码为 1。"
        " (Import a ledger; all rows or nothing unless --valid-only; exits 1 when refused rows kept it from writing.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("file", help=".xlsx 或 .csv (UTF-8、UTF-8 BOM、GBK/GB18030)")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入 (check only, write nothing)")
        parser.add_argument("--valid-only", action="store_true",
                            help="只写入通过校验的行，跳过未通过的行 (write the valid rows, skip the refused ones)")
        parser.add_argument("--user", help="以该账号的管辖范围导入；不填则以运维身份、全部范围导入 "
                                           "(act within this user's scope; without it, as the operator)")
        parser.add_argument("--errors", metavar="XLSX", help="把未通过的行连同错误原因写入此文件 (write the refused rows here)")

    def handle(self, *args, kind, file, dry_run, valid_only, user, errors, **options):
        scope, account, operator = acting(user)
        if not Path(file).is_file():
            raise CommandError(f"文件不存在 (no such file): {file}")
        lines = estimate_rows(file, Path(file).name)
        progress = Progress(self.stderr, "已校验 (checked)" if dry_run else "已处理 (processed)",
                            total=max(lines - 1, 0) if lines else None)  # less the header
        common = {"kind": kind, "path": file, "file_name": Path(file).name, "scope": scope,
                  "valid_only": valid_only, "progress": progress, "error_sheet": errors}
        if dry_run:
            report = preview_import(**common)
        else:
            report = commit_import(**common, user=account, operator=operator)
        progress.done()
        for message in report.file_errors:
            self.stderr.write(message)
        if report.ignored_columns:
            self.stdout.write("未识别、未导入的列 (ignored columns): " + "、".join(report.ignored_columns))
        self.stdout.write(
            f"新增 (create) {report.counts[CREATE]} · 更新 (update) {report.counts[UPDATE]} · "
            f"未变 (unchanged) {report.counts[UNCHANGED]} · 未通过 (refused) {report.counts[REFUSED]}"
        )
        lines = format_refused(report)
        for line in lines[:SHOWN]:
            self.stdout.write(line)
        if report.counts[REFUSED] > len(lines[:SHOWN]):
            self.stdout.write(f"……共 {report.counts[REFUSED]} 行未通过 (refused rows in all)"
                              + (f"，见 {errors}" if errors else "，用 --errors 导出全部 (use --errors for all)"))
        if report.written:
            self.stdout.write(self.style.SUCCESS(
                f"已导入，记录编号 {report.record.pk}；{settings.WANGGE_IMPORT_UNDO_HOURS} 小时内可在网页撤销 "
                f"(imported, record {report.record.pk})"
                if report.record else "已导入 (imported)"))
        if report.blocked:
            raise CommandError("未写入任何数据 (nothing written)" if not dry_run
                               else "有未通过的行，导入时将不写入任何数据 (refused rows: an import would write nothing)")
        if dry_run:
            self.stdout.write("仅校验，未写入 (dry run: nothing written)")
