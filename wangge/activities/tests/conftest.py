"""Builders for the activity tests: uploads go to a temporary media folder."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="photo.png", size=0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG + b"\x00" * size, content_type="image/png")


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")
