"""Checking and preparing evidence files before they are stored.

The content type comes from the bytes, never from the client's claim. Images are
decoded once to prove they are images, and a display copy is re-encoded from the
pixels so that no metadata (EXIF GPS position, camera serial, embedded thumbnails)
travels with it to a moderator's screen. The original bytes are kept unchanged.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from takedown.exceptions import ErrorCode, InvalidInput, PayloadTooLarge, UnsupportedMedia

IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
ACCEPTED_TYPES = {**IMAGE_TYPES, "application/pdf": ".pdf"}
DISPLAY_MAX_SIDE = 1600


@dataclass(frozen=True)
class PreparedEvidence:
    original_name: str
    content_type: str
    extension: str
    data: bytes
    sha256: str
    display: bytes | None
    display_extension: str


def sniff_content_type(head: bytes) -> str | None:
    """The type the leading bytes prove, or None for anything not accepted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        return "application/pdf"
    return None


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_file_name(name: str) -> str:
    """A display name with no path, control characters or shell-significant marks."""
    name = unicodedata.normalize("NFC", name or "").replace("\x00", "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    return (name or "evidence")[:150]


def _display_copy(data: bytes, content_type: str) -> tuple[bytes, str]:
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; refuse there too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        Image.MAX_IMAGE_PIXELS = settings.EVIDENCE_MAX_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                image = ImageOps.exif_transpose(image)
                image.thumbnail((DISPLAY_MAX_SIDE, DISPLAY_MAX_SIDE))
                keep_alpha = image.mode in ("RGBA", "LA", "P") and content_type != "image/jpeg"
                image = image.convert("RGBA" if keep_alpha else "RGB")
                out = io.BytesIO()
                # Saving without exif/icc/pnginfo arguments writes pixels only.
                if keep_alpha:
                    image.save(out, "PNG", optimize=False)
                    return out.getvalue(), ".png"
                image.save(out, "JPEG", quality=85)
                return out.getvalue(), ".jpg"
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise PayloadTooLarge(
                _("This image has too many pixels to process."), code=ErrorCode.IMAGE_TOO_LARGE
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise InvalidInput(_("This image file is damaged and cannot be opened."), code=ErrorCode.BAD_IMAGE) from exc


def prepare_evidence(name: str, data: bytes) -> PreparedEvidence:
    """Check one uploaded file and build its display copy. Raises a DomainError."""
    if len(data) == 0:
        raise InvalidInput(_("The file is empty."), code=ErrorCode.EMPTY_FILE)
    if len(data) > settings.EVIDENCE_MAX_FILE_BYTES:
        raise PayloadTooLarge(
            _("Each file may be at most %(size)s MB.") % {"size": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024)}
        )
    content_type = sniff_content_type(data[:32])
    if content_type is None:
        raise UnsupportedMedia(_("Only images (JPEG, PNG, GIF, WebP) and PDF files are accepted."))
    display, display_ext = (None, "")
    if content_type in IMAGE_TYPES:
        display, display_ext = _display_copy(data, content_type)
    return PreparedEvidence(
        original_name=safe_file_name(name),
        content_type=content_type,
        extension=ACCEPTED_TYPES[content_type],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        display=display,
        display_extension=display_ext,
    )
