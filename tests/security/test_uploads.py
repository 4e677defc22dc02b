"""Hostile uploads are refused cleanly (a 4xx in the one error shape, nothing stored) or
neutralised (names without paths or control characters; display copies without metadata)."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.evidence import prepare_evidence, safe_file_name
from complaints.models import Complaint, Evidence
from takedown.exceptions import InvalidInput, PayloadTooLarge, UnsupportedMedia
from tests.conftest import make_png, valid_payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def post_files(files: list[tuple[str, bytes]]):
    client = Client()
    data = {"payload": json.dumps(valid_payload())}
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(URL, {**data, "evidence": uploads})


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    return body["error"]


def test_png_claiming_fifty_thousand_squared_pixels_is_refused_without_decoding():
    bomb = png_claiming(50_000, 50_000)
    assert len(bomb) < 200
    response = post_files([("bomb.png", bomb)])
    assert response.status_code == 413
    assert error_of(response)["code"] == "image_too_large"
    assert not Complaint.objects.exists() and not Evidence.objects.exists()


def test_image_just_over_the_pixel_cap_is_refused_too(settings):
    # Pillow only warns between the cap and twice the cap; the intake refuses there as well.
    settings.EVIDENCE_MAX_PIXELS = 1000
    with pytest.raises(PayloadTooLarge):
        prepare_evidence("a.png", make_png(40, 30))  # 1,200 pixels


def test_bomb_through_the_web_form_gets_a_page_not_a_crash():
    from tests.complaints.test_web import form_data

    bomb = io.BytesIO(png_claiming(60_000, 60_000))
    bomb.name = "photo.png"
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/report/", {**form_data(), "evidence": bomb})
    assert response.status_code == 413
    assert "too many pixels" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("empty.png", b"", 400, "empty_file"),
        ("garbage.png", b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20, 400, "bad_image"),
        ("truncated.png", make_png(64, 64)[:60], 400, "bad_image"),
        ("bad-crc.png", make_png(8, 8)[:-5] + b"\x00\x00\x00\x00\x00", 400, "bad_image"),
        ("truncated.jpg", make_png(32, 32, exif_gps=True)[:40], 400, "bad_image"),
        ("page.png", b"<html><script>alert(1)</script></html>", 415, "unsupported_media_type"),
        ("vector.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 415, "unsupported_media_type"),
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 64, 415, "unsupported_media_type"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 64, 415, "unsupported_media_type"),
    ],
)
def test_malformed_or_disguised_files_are_refused_cleanly(name, content, status, code):
    response = post_files([("fine.png", make_png()), (name, content)])
    assert response.status_code == status, response.content
    error = error_of(response)
    assert error["code"] == code
    # The refusal names the file, by position, so the person can fix it.
    assert "1" in error["fields"]["evidence"]
    assert not Complaint.objects.exists() and not Evidence.objects.exists()


def test_type_comes_from_the_bytes_whatever_the_name_says():
    response = post_files([("photo.png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")])
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.original.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("a\x00b.png", "ab.png"),
        ("invoice\u202egnp.exe", "invoice_gnp.exe"),
        ("zero\u200bwidth.png", "zero_width.png"),
        ("new\nline\r.png", "new_line_.png"),
        ("...", "evidence"),
        ("", "evidence"),
        ("x" * 400 + ".png", "x" * 150),
        ("截图 1.png", "截图 1.png"),
    ],
)
def test_unsafe_file_names_are_neutralised(given, expected):
    assert safe_file_name(given) == expected


def test_stored_paths_never_derive_from_the_client_name():
    response = post_files([("../../../../tmp/evil\u202egnp.png", make_png())])
    assert response.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.original.name.startswith("evidence/original/")
    assert "evil" not in evidence.original.name and ".." not in evidence.original.name
    assert "/" not in evidence.original_name and "\u202e" not in evidence.original_name


def test_display_copy_carries_no_metadata_while_the_original_is_kept_unchanged():
    original = make_png(64, 48, exif_gps=True)
    prepared = prepare_evidence("camera.jpg", original)
    assert prepared.data == original
    assert b"SecretCam" in original and b"SecretCam" not in prepared.display
    assert prepared.display[:3] == b"\xff\xd8\xff"


def test_service_level_errors_are_domain_errors():
    for content, error in ((b"", InvalidInput), (b"GIF89a" + b"\x00" * 10, InvalidInput), (b"text", UnsupportedMedia)):
        with pytest.raises(error):
            prepare_evidence("x", content)
