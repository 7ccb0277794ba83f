"""Reading release payloads: broken JSON, ZIP bundles with media, bombs and forged headers.
Every refusal is a DomainError with a code (never a crash), and nothing is stored."""

import io
import json
import struct
import zipfile

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from core.errors import DomainError
from instructions.models import StepMedia
from instructions.services.releases import accept_release
from tests.instructions.test_intake_malformed import snapshot


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (255, 255, 255)).save(buffer, format="PDF")
    return buffer.getvalue()


def bundle(
    document: dict | None, files: dict[str, bytes] | None = None, *, compression=zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        if document is not None:
            archive.writestr("release.json", json.dumps(document))
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_media(document: dict) -> dict:
    steps = document["operations"][0]["steps"]
    steps[0]["media"] = [{"path": "media/op10-step10.png", "caption": "Notch at top left"}]
    steps[1]["media"] = [
        {"path": "media/op10-step20.jpg"},
        {"path": "media/torque-chart.pdf", "caption": "Torque chart"},
    ]
    return document


def refused(payload: bytes, content_type: str, actor) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as error:
        accept_release(payload=payload, content_type=content_type, actor=actor)
    assert snapshot() == before
    return error.value


def codes(error: DomainError) -> list[tuple[str, str, int]]:
    return [(item.code, item.path, error.status) for item in error.errors]


def test_a_bundle_with_real_media_is_stored_through_django_storage(release_b_document, engineer):
    files = {
        "media/op10-step10.png": png_bytes(),
        "media/op10-step20.jpg": jpeg_bytes(),
        "media/torque-chart.pdf": pdf_bytes(),
    }
    payload = bundle(with_media(release_b_document), files)

    result = accept_release(payload=payload, content_type="application/zip", actor=engineer)

    media = list(StepMedia.objects.filter(step__revision=result.revision).order_by("step__position", "order"))
    assert [(item.path, item.caption, item.content_type) for item in media] == [
        ("media/op10-step10.png", "Notch at top left", "image/png"),
        ("media/op10-step20.jpg", "", "image/jpeg"),
        ("media/torque-chart.pdf", "Torque chart", "application/pdf"),
    ]
    for item in media:
        assert default_storage.exists(item.file.name)
        with default_storage.open(item.file.name) as handle:
            assert handle.read() == files[item.path]
        assert item.size == len(files[item.path])


def test_a_bundle_resent_identically_is_unchanged(release_b_document, engineer):
    payload = bundle(
        with_media(release_b_document),
        {
            "media/op10-step10.png": png_bytes(),
            "media/op10-step20.jpg": jpeg_bytes(),
            "media/torque-chart.pdf": pdf_bytes(),
        },
    )
    first = accept_release(payload=payload, content_type="application/zip", actor=engineer)
    before = snapshot()
    again = accept_release(payload=payload, content_type="application/zip", actor=engineer)
    assert (again.created, again.revision.pk) == (False, first.revision.pk)
    assert snapshot() == before


def test_other_media_under_the_same_revision_is_a_conflict(release_b_document, engineer):
    document = with_media(release_b_document)
    files = {
        "media/op10-step10.png": png_bytes(),
        "media/op10-step20.jpg": jpeg_bytes(),
        "media/torque-chart.pdf": pdf_bytes(),
    }
    accept_release(payload=bundle(document, files), content_type="application/zip", actor=engineer)
    files["media/op10-step10.png"] = png_bytes().replace(b"IEND", b"IEND") + b"\0"
    error = refused(bundle(document, files), "application/zip", engineer)
    assert codes(error) == [("revision_exists", "/revision", 409)]


def test_a_media_file_that_is_not_what_its_name_says_is_refused_at_its_pointer(release_b_document, engineer):
    files = {
        "media/op10-step10.png": b"<html>not a picture</html>",
        "media/op10-step20.jpg": png_bytes(),
        "media/torque-chart.pdf": pdf_bytes(),
    }
    error = refused(bundle(with_media(release_b_document), files), "application/zip", engineer)
    assert codes(error) == [
        ("media_type_mismatch", "/operations/0/steps/0/media/0/path", 422),
        ("media_type_mismatch", "/operations/0/steps/1/media/0/path", 422),
    ]
    assert "not a PNG file" in error.errors[0].message


def test_a_media_file_missing_from_the_bundle_is_refused_at_its_pointer(release_b_document, engineer):
    files = {"media/op10-step10.png": png_bytes(), "media/op10-step20.jpg": jpeg_bytes()}
    error = refused(bundle(with_media(release_b_document), files), "application/zip", engineer)
    assert codes(error) == [("media_missing", "/operations/0/steps/1/media/1/path", 422)]


def test_a_media_file_over_the_size_limit_is_refused(release_b_document, engineer, settings):
    settings.RELEASE_MEDIA_MAX_BYTES = 8192
    files = {
        "media/op10-step10.png": png_bytes() + b"\0" * 10000,
        "media/op10-step20.jpg": jpeg_bytes(),
        "media/torque-chart.pdf": pdf_bytes(),
    }
    error = refused(bundle(with_media(release_b_document), files), "application/zip", engineer)
    assert codes(error) == [("media_too_large", "/operations/0/steps/0/media/0/path", 422)]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        pytest.param(b'{"schema": "threadline.mbom-release/1",', "invalid_json", id="truncated"),
        pytest.param(b"{'schema': 'x'}", "invalid_json", id="single_quotes"),
        pytest.param(b'{"a": 1} {"b": 2}', "invalid_json", id="two_documents"),
        pytest.param(b'{"schema": "a", "schema": "b"}', "invalid_json", id="duplicate_keys"),
        pytest.param(b'{"quantity": NaN}', "invalid_json", id="nan"),
        pytest.param(b'{"quantity": 1e400}', "invalid_json", id="overflowing_number"),
        pytest.param(b'{"quantity": ' + b"9" * 5000 + b"}", "invalid_json", id="integer_with_5000_digits"),
        pytest.param(b"[" * 100000 + b"]" * 100000, "invalid_json", id="nested_100000_deep"),
        pytest.param('{"name": "Kühler"}'.encode("latin-1"), "invalid_encoding", id="latin_1"),
        pytest.param(b"\xff\xfe{\x00}\x00", "invalid_encoding", id="utf_16"),
        pytest.param(b"   ", "empty_document", id="blank"),
        pytest.param(b"", "empty_document", id="empty"),
        pytest.param(b'["schema"]', "not_an_object", id="a_list"),
        pytest.param(b'"release"', "not_an_object", id="a_string"),
    ],
)
def test_unreadable_json_is_malformed(engineer, payload, code):
    error = refused(payload, "application/json", engineer)
    assert codes(error) == [(code, "", 400)]
    assert error.errors[0].message.endswith(".")


def test_duplicate_keys_name_the_key(engineer):
    error = refused(b'{"release_id": "a", "release_id": "b"}', "application/json", engineer)
    assert "'release_id' appears twice" in error.message


def test_a_document_over_the_size_limit_is_refused_before_parsing(engineer, settings):
    settings.RELEASE_MAX_BYTES = 2048
    error = refused(b'{"x-pad": "' + b"a" * 4096 + b'"}', "application/json", engineer)
    assert codes(error) == [("too_large", "", 400)]


@pytest.mark.parametrize(
    ("content_type", "code", "status"),
    [
        ("text/plain", "unsupported_media_type", 415),
        ("application/xml", "unsupported_media_type", 415),
        ("multipart/form-data; boundary=x", "unsupported_media_type", 415),
    ],
)
def test_a_wrong_content_type_is_refused(release_b_document, engineer, content_type, code, status):
    error = refused(json.dumps(release_b_document).encode(), content_type, engineer)
    assert codes(error) == [(code, "", status)]


def test_a_broken_zip_is_refused(engineer):
    error = refused(b"PK\x03\x04 this is not really a zip", "application/zip", engineer)
    assert codes(error) == [("invalid_zip", "", 400)]


def test_a_truncated_zip_is_refused(release_b_document, engineer):
    payload = bundle(release_b_document)
    error = refused(payload[: len(payload) // 2], "application/zip", engineer)
    assert codes(error) == [("invalid_zip", "", 400)]


def test_a_bundle_without_release_json_is_refused(engineer):
    error = refused(bundle(None, {"media/a.png": png_bytes()}), "application/zip", engineer)
    assert codes(error) == [("missing_release_json", "", 400)]


@pytest.mark.parametrize(
    "name", ["../evil.png", "/etc/evil.png", "media/../../evil.png", "C:/evil.png", "media\\..\\evil.png"]
)
def test_a_bundle_entry_escaping_the_bundle_is_refused(release_b_document, engineer, name):
    error = refused(bundle(release_b_document, {name: png_bytes()}), "application/zip", engineer)
    assert codes(error) == [("unsafe_path", "", 400)]


def test_a_bundle_holding_a_file_twice_is_refused(release_b_document, engineer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("release.json", json.dumps(release_b_document))
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("release.json", json.dumps(release_b_document))
    error = refused(buffer.getvalue(), "application/zip", engineer)
    assert codes(error) == [("duplicate_entry", "", 400)]


def test_a_zip_bomb_is_refused_by_its_declared_size_before_inflating(engineer):
    # 300 MB of zeros deflate to about 300 KB: over the 200 MB unpacked limit of the defaults.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("release.json", "{}")
        with archive.open("media/huge.png", "w", force_zip64=True) as handle:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                handle.write(chunk)
    payload = buffer.getvalue()
    assert len(payload) < 1024 * 1024
    error = refused(payload, "application/zip", engineer)
    assert codes(error) == [("zip_too_large_uncompressed", "", 400)]


def _forge_sizes(payload: bytes, size: int) -> bytes:
    """Make every header claim `size` uncompressed bytes, whatever the entry really holds."""
    data = bytearray(payload)
    offset = 0
    while (offset := data.find(b"PK\x03\x04", offset)) != -1:
        struct.pack_into("<I", data, offset + 22, size)
        offset += 4
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        struct.pack_into("<I", data, offset + 24, size)
        offset += 4
    return bytes(data)


def test_a_zip_whose_header_lies_about_its_size_is_refused_without_inflating_it(release_b_document, engineer):
    release_b_document["x-pad"] = " " * (5 * 1024 * 1024)  # 5 MB that deflate to a few KB
    payload = _forge_sizes(bundle(release_b_document), 100)
    error = refused(payload, "application/zip", engineer)
    assert [(item.code, item.path) for item in error.errors] == [("invalid_zip", "")]
    assert "release.json" in error.message


def test_an_entry_that_unpacks_past_the_limit_is_stopped_at_the_limit(release_b_document, engineer, settings):
    settings.RELEASE_MAX_BYTES = 64 * 1024
    release_b_document["x-pad"] = " " * (1024 * 1024)
    payload = bundle(release_b_document)
    assert len(payload) < 64 * 1024
    error = refused(payload, "application/zip", engineer)
    assert codes(error) == [("zip_too_large_uncompressed", "", 400)]


def test_a_bundle_with_too_many_files_is_refused(release_b_document, engineer, settings):
    settings.RELEASE_MAX_FILES = 3
    files = {"media/{}.png".format(n): png_bytes() for n in range(3)}
    error = refused(bundle(release_b_document, files), "application/zip", engineer)
    assert codes(error) == [("too_many_files", "", 400)]


def test_a_zip_without_a_content_type_is_told_by_its_first_bytes(release_b_document, engineer):
    result = accept_release(payload=bundle(release_b_document), content_type="", actor=engineer)
    assert result.created is True
