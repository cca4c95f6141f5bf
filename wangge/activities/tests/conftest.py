"""Builders for the activity tests: uploads go to a temporary media folder."""
import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
