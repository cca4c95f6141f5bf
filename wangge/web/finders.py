"""Serve a few files of npm packages (node_modules) as static files.

A whole package directory would put megabytes nobody uses into collectstatic
(echarts' dist is 46 MB); settings.NPM_STATIC_FILES names the files we use,
each under the static path it is served at.
"""
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    return {name: Path(path) for name, path in getattr(settings, "NPM_STATIC_FILES", {}).items()}


class NpmFinder(BaseFinder):
    def check(self, **kwargs):
        missing = [str(path) for path in _files().values() if not path.is_file()]
        if missing:
            return [Warning(
                "npm files missing: " + ", ".join(missing), hint="Run `npm ci` (scripts/setup does).",
                id="wangge.W001",
            )]
        return []

    def find(self, path, find_all=False, **kwargs):
        found = _files().get(path)
        if found is None or not found.is_file():
            return [] if find_all else None
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for name, path in _files().items():
            if path.is_file():
                storage = FileSystemStorage(location=str(path.parent))
                storage.prefix = str(Path(name).parent)
                yield path.name, storage
