"""Take the README's screenshots from a running wangge (scripts/demo) with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "img"
PASSWORD = os.environ.get("WANGGE_DEMO_PASSWORD") or "wangge-demo-2026"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

PHONE, DESKTOP = (390, 760), (1280, 1100)
SHOTS = [
    # (account, path, file name, viewport)
    ("demo_grid", "/residents/?q=lyr", "resident-search.png", PHONE),
    ("demo_city", "/stats/220184/?from=2024-07-01&to=2025-06-30", "dashboard.png", DESKTOP),
    ("demo_street", "/maps/220184001002/?from=2024-07-01&to=2025-06-30", "map.png", DESKTOP),
    ("demo_city", "/stats/220184002001/briefing/?month=2025-06", "briefing.png", PHONE),
    ("demo_street", "/projects/1/", "project.png", PHONE),
]


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for username, path, name, (width, height) in SHOTS:
            context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2,
                                          locale="zh-CN")
            page = context.new_page()
            page.goto(f"{BASE}/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{BASE}/")
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
