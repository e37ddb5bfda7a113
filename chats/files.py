"""Checking the files a seller attaches to a chat reply.

The type is decided by the file's first bytes, never by its name or the browser's
Content-Type: a renamed .exe or a text file called "invoice.pdf" is refused. Images must
also decode with Pillow (a PNG header on garbage is refused). Limits come from the
connector interface, which mirrors the marketplace's (Wildberries: JPEG/PNG/PDF, 5 MB
each, 30 MB per message).

A small compressed file can hold a huge picture (a 657 KB PNG of 13000x13000 pixels
decodes to half a gigabyte), so an image's width and height are read from its header and
checked against ``settings.IMAGE_MAX_PIXELS`` / ``IMAGE_MAX_SIDE`` before any pixel is
decoded; an image that passes is decoded once, and its thumbnail is made from that decode.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
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
    thumbnail: ContentFile | None = None  # images: made from the one decode of the check


class ImageTooLarge(ValueError):
    def __init__(self, width: int, height: int) -> None:
        super().__init__(f"{width}x{height} pixels")
        self.width, self.height = width, height


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def _open_within_limits(data):
    """Open an image reading only its header; refuse it before decoding when too large."""
    from PIL import Image

    image = Image.open(data)
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS or max(width, height) > settings.IMAGE_MAX_SIDE:
        with image:  # its __exit__ leaves the caller's file open, unlike close()
            raise ImageTooLarge(width, height)
    return image


def _thumbnail_of(image, content_type: str) -> ContentFile:
    image.thumbnail(THUMBNAIL_SIZE)
    buffer = io.BytesIO()
    fmt = "PNG" if content_type == "image/png" else "JPEG"
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.save(buffer, format=fmt)
    return ContentFile(buffer.getvalue(), name="thumb")


def _check_image(upload: UploadedFile, content_type: str) -> ContentFile | None:
    """Decode the image once (it must decode) and return its thumbnail.

    Raises ImageTooLarge from the header, ValueError when it does not decode.
    """
    upload.seek(0)
    try:
        with _open_within_limits(upload) as image:
            image.load()  # the one decode: a broken or truncated image fails here
            try:
                return _thumbnail_of(image, content_type)
            except Exception:  # a preview is a nicety; the decode above is the check
                return None
    except ImageTooLarge:
        raise
    except Exception as error:  # Pillow raises many types for broken images
        raise ValueError("the image does not decode") from error
    finally:
        upload.seek(0)


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
        thumbnail = None
        try:
            if content_type is None:
                raise ValueError("unknown content")
            if content_type.startswith("image/"):
                thumbnail = _check_image(upload, content_type)
        except ImageTooLarge as too_large:
            errors.append(
                _(
                    "“%(name)s” is %(width)s×%(height)s pixels; pictures may have up to "
                    "%(limit)s million pixels and %(side)s pixels on a side."
                )
                % {
                    "name": name,
                    "width": too_large.width,
                    "height": too_large.height,
                    "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                    "side": settings.IMAGE_MAX_SIDE,
                }
            )
            continue
        except ValueError:
            errors.append(
                _("“%(name)s” is not a real JPEG, PNG or PDF file (checked by its content).")
                % {"name": name}
            )
            continue
        checked.append(
            CheckedFile(
                upload=upload,
                content_type=content_type,
                size=size,
                name=name,
                thumbnail=thumbnail,
            )
        )
    if total > CHAT_MAX_MESSAGE_FILES_BYTES:
        errors.append(
            _("The files add up to %(size)s; one message may carry up to %(limit)s.")
            % {"size": filesizeformat(total), "limit": filesizeformat(CHAT_MAX_MESSAGE_FILES_BYTES)}
        )
    if errors:
        raise ValidationError(errors, code="bad_attachment")
    return checked


def make_thumbnail(upload: UploadedFile | ContentFile, content_type: str) -> ContentFile | None:
    """A small preview of an image in its own format, or None when it cannot be made
    (broken, or over the pixel limits: then nothing is decoded at all)."""
    upload.seek(0)
    try:
        with _open_within_limits(upload) as image:
            return _thumbnail_of(image, content_type)
    except Exception:  # a preview is a nicety; the original file is what matters
        return None
    finally:
        upload.seek(0)
