"""python manage.py demo: load the demo city from the article and print how to log in."""
import unicodedata
from urllib.parse import urljoin

from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.roles import Role
from wangge.areas.models import Area
from wangge.demo import city, loader

_COUNT_LABELS = {"areas": "区域", "estates": "小区", "buildings": "楼栋", "households": "户", "residents": "居民",
                 "cases": "诉求"}


class Command(BaseCommand):
    help = (
        f"载入演示城市{city.CITY_NAME}（{city.CITY_CODE}）：街道、社区、网格、小区、楼栋、住户、居民、演示账号，"
        f"以及七一2025之前一年的诉求记录和若干以当前时间为准的在办诉求；"
        f"已载入时只检查账号。所有演示账号的密码取自环境变量 {loader.PASSWORD_ENV}，"
        f"未设置或为空时为 {loader.DEFAULT_PASSWORD}。"
        f" (Load the demo city {city.CITY_CODE} with its areas, estates, buildings, households, residents, demo "
        f"accounts, a year of cases up to 2025-07-01 and a few dozen open cases placed relative to now; when it is "
        f"already loaded only the accounts are checked. Every demo account's password is "
        f"${loader.PASSWORD_ENV}, or {loader.DEFAULT_PASSWORD} when that is unset or empty.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0,
            help="住户、居民与诉求数量的倍数，1.0 约为 5000 户、12000 人、3000 件诉求 "
                 "(households, residents and cases: 1.0 is about 5,000, 12,000 and 3,000)",
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="打印的登录地址 (the login URL to print)",
        )

    def handle(self, *args, scale: float, url: str, **options):
        if scale <= 0:
            raise CommandError("--scale 须大于 0 (must be greater than 0)")
        password = loader.demo_password()
        result = loader.load(scale=scale, password=password)
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"已生成演示城市 (demo city created): {city.CITY_NAME} ({city.CITY_CODE})"))
        else:
            self.stdout.write(f"演示城市已存在，数据未改动 (demo city already loaded, left as it was): "
                              f"{city.CITY_NAME} ({city.CITY_CODE})")
        self.stdout.write(" · ".join(f"{_COUNT_LABELS[key]} ({key}) {n}" for key, n in result.counts.items()))
        self.stdout.write("")
        self.stdout.write(f"登录地址 (login URL): {url}")
        self.stdout.write(f"管理后台，仅市级管理员 (admin, city administrators only): {urljoin(url, 'admin/')}")
        self.stdout.write("")
        self.stdout.write("演示账号 (demo accounts):")
        area_codes = [a.area_code for a in result.accounts]
        area_names = dict(Area.objects.filter(code__in=area_codes).values_list("code", "name"))
        rows = [("用户名 (username)", "角色 (role)", "区域 (area)", "密码 (password)")]
        rows += [
            (a.username, f"{Role(a.role).label} ({a.role})", f"{area_names[a.area_code]} ({a.area_code})", password)
            for a in result.accounts
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
