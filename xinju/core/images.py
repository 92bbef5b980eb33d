"""Photos from phones: checked to be real images, turned upright, resized, with a thumbnail,
and the capture time read from the EXIF data when the camera wrote one.

The original is not kept: a phone photo of 5–10 MB becomes a JPEG of at most
`XINJU_PHOTO_MAX_SIDE` pixels on its longer side. The SHA-256 of the *uploaded bytes* names the
photo, so the same upload retried after a dropped connection is recognised as the same photo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import InvalidInput

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_IFD = 0x8769
THUMBNAIL_SIDE = 360
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: dt.datetime | None
    sha256: str


def _taken_at(image: Image.Image) -> dt.datetime | None:
    try:
        exif = image.getexif()
        raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(0x0132)
    except Exception:
        return None
    if not raw:
        return None
    try:
        naive = dt.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # Phones write local time without a zone; the district's time zone is the right guess.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _jpeg(image: Image.Image, side: int, quality: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue(), copy.width, copy.height


def prepare_photo(upload: IO[bytes], *, field: str = "photo") -> PreparedPhoto:
    """Check and shrink an uploaded photo. Raises InvalidInput naming `field`."""
    limit = settings.XINJU_PHOTO_MAX_BYTES
    data = upload.read(limit + 1)  # never more than the limit in memory
    if len(data) > limit:
        raise InvalidInput(
            _("The photo is larger than %(size)s.") % {"size": filesizeformat(limit)}, field=field
        )
    if not data:
        raise InvalidInput(_("The photo is empty."), field=field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            pixels = probe.size[0] * probe.size[1]
            probe.verify()
        if pixels > MAX_PIXELS:
            # A small file may decode to gigabytes (a "decompression bomb"); phones take 50 MP.
            raise InvalidInput(
                _("The photo has more than %(mp)s million pixels.")
                % {"mp": MAX_PIXELS // 1_000_000},
                field=field,
            )
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(
            _("This file is not a photo we can read (JPEG, PNG or WebP)."), field=field
        ) from None
    if kind not in ACCEPTED_FORMATS:
        raise InvalidInput(
            _("This file is not a photo we can read (JPEG, PNG or WebP)."), field=field
        )
    taken_at = _taken_at(image)
    upright = ImageOps.exif_transpose(image)
    content, width, height = _jpeg(upright, settings.XINJU_PHOTO_MAX_SIDE, 85)
    thumbnail, _w, _h = _jpeg(upright, THUMBNAIL_SIDE, 80)
    return PreparedPhoto(
        content=content,
        thumbnail=thumbnail,
        width=width,
        height=height,
        taken_at=taken_at,
        sha256=hashlib.sha256(data).hexdigest(),
    )
