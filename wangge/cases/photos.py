"""Checks on uploaded photos before anything is stored: size, count, and the
real type read from the file's first bytes (never its name or the browser's word)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff(head: bytes) -> str | None:
    """The image type a file starts like, or None."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check(files, *, existing: int, limit: int) -> list[tuple[object, str]]:
    """Each uploaded file with its type; ValidationError on ``photos`` naming what is wrong."""
    files = list(files)
    max_bytes = settings.WANGGE_CASE_PHOTO_MAX_BYTES
    if existing + len(files) > limit:
        raise ValidationError({"photos": [_("每件诉求最多 %(n)s 张照片") % {"n": limit}]})
    checked, errors = [], []
    for upload in files:
        if upload.size > max_bytes:
            errors.append(_("照片“%(name)s”超过 %(size)s") % {"name": upload.name, "size": filesizeformat(max_bytes)})
            continue
        upload.seek(0)
        content_type = sniff(upload.read(12))
        upload.seek(0)
        if content_type is None:
            errors.append(_("“%(name)s”不是 JPEG、PNG 或 WebP 照片") % {"name": upload.name})
            continue
        checked.append((upload, content_type))
    if errors:
        raise ValidationError({"photos": errors})
    return checked
