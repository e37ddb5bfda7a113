"""Checking the files a seller attaches to a chat reply.

The type is decided by the file's first bytes, never by its name or the browser's
Content-Type: a renamed .exe or a text file called "invoice.pdf" is refused. Images must
also decode with Pillow (a PNG header on garbage is refused). Limits come from the
connector interface, which mirrors the marketplace's (Wildberries: JPEG/PNG/PDF, 5 MB
each, 30 MB per message).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from sellerdesk.marketplaces.base import CHAT_MAX_FILE_BYTES, CHAT_MAX_MESSAGE_FILES_BYTES

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
THUMBNAIL_SIZE = (240, 240)


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    size: int
    name: str


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _image_decodes(upload: UploadedFile) -> bool:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except Exception:  # Pillow raises many types for broken images
        return False
    finally:
        upload.seek(0)
    return True


def check_chat_files(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Validate every upload; raise one ValidationError listing each refused file."""
    errors: list[str] = []
    checked: list[CheckedFile] = []
    total = 0
    for upload in uploads:
        name = (upload.name or "file").rsplit("/", 1)[-1][:255]
        size = upload.size or 0
        total += size
        if size == 0:
            errors.append(_("“%(name)s” is empty.") % {"name": name})
            continue
        if size > CHAT_MAX_FILE_BYTES:
            errors.append(
                _("“%(name)s” is %(size)s; the marketplace accepts files up to %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(size),
                    "limit": filesizeformat(CHAT_MAX_FILE_BYTES),
                }
            )
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff_content_type(head)
        if content_type is None or (
            content_type.startswith("image/") and not _image_decodes(upload)
        ):
            errors.append(
                _("“%(name)s” is not a real JPEG, PNG or PDF file (checked by its content).")
                % {"name": name}
            )
            continue
        checked.append(CheckedFile(upload=upload, content_type=content_type, size=size, name=name))
    if total > CHAT_MAX_MESSAGE_FILES_BYTES:
        errors.append(
            _("The files add up to %(size)s; one message may carry up to %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(CHAT_MAX_MESSAGE_FILES_BYTES)}
        )
    if errors:
        raise ValidationError(errors, code="bad_attachment")
    return checked


def make_thumbnail(upload: UploadedFile, content_type: str) -> ContentFile | None:
    """A small preview of an image in its own format, or None when it cannot be made."""
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = io.BytesIO()
            fmt = "PNG" if content_type == "image/png" else "JPEG"
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(buffer, format=fmt)
    except Exception:  # a preview is a nicety; the original file is what matters
        return None
    finally:
        upload.seek(0)
    return ContentFile(buffer.getvalue(), name="thumb")
