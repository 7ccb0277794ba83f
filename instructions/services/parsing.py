"""Reading a release payload: a JSON document, or a ZIP bundle of release.json plus media.

Everything here distrusts its input: sizes are capped before anything is inflated,
paths are confined to the bundle, and each media file must be what its name says.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ErrorDetail, Malformed

JSON_TYPES = {"application/json", "text/json"}
ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}

MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "mp4": "video/mp4",
    "pdf": "application/pdf",
}


@dataclass
class ReleaseBundle:
    document: dict
    raw_document: bytes
    media: dict[str, bytes] = field(default_factory=dict)
    media_types: dict[str, str] = field(default_factory=dict)
    # Problems found while reading media, reported with the document's own problems.
    media_problems: dict[str, ErrorDetail] = field(default_factory=dict)


def _refuse(code: str, message: str, path: str = "") -> Malformed:
    return Malformed(code, message, path)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("the key '{key}' appears twice in one object").format(key=key))
        result[key] = value
    return result


def _no_constants(name: str):
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(_("the number {number} is too large").format(number=text[:40]))
    return value


def _pointer(parts) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _unstorable_text(document) -> list[ErrorDetail]:
    """Strings no database column can hold: NUL characters and lone UTF-16 surrogates
    (JSON's \\u escapes can spell both). Walked without recursion: nesting is the sender's choice."""
    problems: list[ErrorDetail] = []
    stack: list[tuple[tuple, object]] = [((), document)]
    while stack and len(problems) < 50:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if _bad_text(key):
                    problems.append(
                        ErrorDetail(
                            "invalid_character",
                            _(
                                "A key holds a NUL character or a lone surrogate (\\u0000, \\ud800...): "
                                "remove it."
                            ),
                            _pointer(where),
                        )
                    )
                    continue
                stack.append(((*where, key), child))
        elif isinstance(value, list):
            stack.extend(((*where, index), child) for index, child in enumerate(value))
        elif isinstance(value, str) and _bad_text(value):
            problems.append(
                ErrorDetail(
                    "invalid_character",
                    _(
                        "This text holds a NUL character or a lone surrogate (\\u0000, \\ud800...), which "
                        "cannot be stored: remove it."
                    ),
                    _pointer(where),
                )
            )
    return sorted(problems, key=lambda problem: problem.path)


def _bad_text(text: str) -> bool:
    if "\0" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def parse_document(raw: bytes) -> dict:
    """Decode the UTF-8 JSON release document, refusing duplicate keys and NaN/Infinity."""
    if len(raw) > settings.RELEASE_MAX_BYTES:
        raise _refuse(
            "too_large",
            _(
                "The release document is {size} bytes; the limit is {limit} bytes. Split media into a ZIP "
                "bundle or ask the administrator to raise RELEASE_MAX_BYTES."
            ).format(size=len(raw), limit=settings.RELEASE_MAX_BYTES),
        )
    try:
        text = raw.decode("utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as error:
        raise _refuse(
            "invalid_encoding",
            _(
                "The document is not UTF-8 text (bad byte at position {position}). Send it encoded as UTF-8."
            ).format(position=error.start),
        ) from None
    if not text.strip():
        raise _refuse("empty_document", _("The request body is empty: send the release document as JSON."))
    try:
        document = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as error:
        raise _refuse(
            "invalid_json",
            _("The document is not valid JSON: {problem} at line {line}, column {column}.").format(
                problem=error.msg, line=error.lineno, column=error.colno
            ),
        ) from None
    except (ValueError, RecursionError) as error:
        raise _refuse(
            "invalid_json", _("The document is not acceptable JSON: {problem}.").format(problem=error)
        ) from None
    if not isinstance(document, dict):
        raise _refuse(
            "not_an_object", _("The release document must be a JSON object ({...}), not a list or a value.")
        )
    if problems := _unstorable_text(document):
        raise Malformed.many(problems)
    return document


def _sniff(content: bytes, extension: str) -> bool:
    """Whether the bytes really are the type the file name claims."""
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "webp":
        return content[:4] == b"RIFF" and content[8:12] == b"WEBP"
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension == "mp4":
        return content[4:8] == b"ftyp"
    if extension == "svg":
        head = content[:2048].lstrip().lower()
        return (
            head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--")
        ) and b"<svg" in content[:65536].lower()
    return False


def _safe_member(name: str) -> bool:
    """A bundle path must stay inside the bundle: relative, forward slashes, no '..'."""
    if not name or name.startswith("/") or "\\" in name or ":" in name or "\0" in name:
        return False
    return ".." not in name.split("/")


def parse_zip(raw: bytes) -> ReleaseBundle:
    if len(raw) > settings.RELEASE_MAX_BYTES:
        raise _refuse(
            "too_large",
            _("The bundle is {size} bytes; the limit is {limit} bytes.").format(
                size=len(raw), limit=settings.RELEASE_MAX_BYTES
            ),
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError):
        raise _refuse(
            "invalid_zip",
            _("The body is not a readable ZIP file. Build the bundle again with release.json at its root."),
        ) from None
    if len(members) > settings.RELEASE_MAX_FILES:
        raise _refuse(
            "too_many_files",
            _("The bundle holds {count} files; the limit is {limit}.").format(
                count=len(members), limit=settings.RELEASE_MAX_FILES
            ),
        )
    declared = sum(member.file_size for member in members)
    if declared > settings.RELEASE_MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            "zip_too_large_uncompressed",
            _("The bundle would unpack to {size} bytes; the limit is {limit} bytes.").format(
                size=declared, limit=settings.RELEASE_MAX_UNCOMPRESSED_BYTES
            ),
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        if member.is_dir():
            continue
        if not _safe_member(member.filename):
            raise _refuse(
                "unsafe_path",
                _(
                    "The bundle entry '{name}' points outside the bundle. Use relative paths such as "
                    "media/op10-step10.jpg."
                ).format(name=member.filename),
            )
        if member.flag_bits & 0x1:
            raise _refuse(
                "encrypted_zip",
                _("The bundle entry '{name}' is encrypted; send it unencrypted.").format(
                    name=member.filename
                ),
            )
        if member.filename in by_name:
            raise _refuse(
                "duplicate_entry",
                _("The bundle holds '{name}' twice. Build the bundle again with each file once.").format(
                    name=member.filename
                ),
            )
        by_name[member.filename] = member
    if "release.json" not in by_name:
        raise _refuse(
            "missing_release_json",
            _(
                "The bundle has no release.json at its root. Put the release document there, named exactly "
                "release.json."
            ),
        )

    def read(member: zipfile.ZipInfo, limit: int) -> bytes:
        # Read at most limit+1 bytes whatever the header claims: a forged size cannot inflate past it.
        try:
            with archive.open(member) as handle:
                content = handle.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
            raise _refuse(
                "invalid_zip",
                _("The bundle entry '{name}' cannot be read: {problem}.").format(
                    name=member.filename, problem=error
                ),
            ) from None
        if len(content) > limit:
            raise _refuse(
                "zip_too_large_uncompressed",
                _("The bundle entry '{name}' unpacks to more than {limit} bytes.").format(
                    name=member.filename, limit=limit
                ),
            )
        return content

    raw_document = read(by_name["release.json"], settings.RELEASE_MAX_BYTES)
    document = parse_document(raw_document)
    bundle = ReleaseBundle(document=document, raw_document=raw_document)
    budget = settings.RELEASE_MAX_UNCOMPRESSED_BYTES
    for path, pointer in _media_references(document):
        if path in bundle.media or path in bundle.media_problems:
            continue
        media_member = by_name.get(path)
        if media_member is None:
            bundle.media_problems[path] = ErrorDetail(
                "media_missing",
                _("The media file '{path}' is not in the bundle. Add it or remove the reference.").format(
                    path=path
                ),
                pointer,
            )
            continue
        extension = path.rsplit(".", 1)[-1].lower()
        if extension not in MEDIA_TYPES:
            continue  # the schema reports the unsupported extension
        if media_member.file_size > settings.RELEASE_MEDIA_MAX_BYTES:
            bundle.media_problems[path] = ErrorDetail(
                "media_too_large",
                _("The media file '{path}' is {size} bytes; the limit per file is {limit} bytes.").format(
                    path=path, size=media_member.file_size, limit=settings.RELEASE_MEDIA_MAX_BYTES
                ),
                pointer,
            )
            continue
        content = read(media_member, min(settings.RELEASE_MEDIA_MAX_BYTES, budget))
        budget -= len(content)
        if not _sniff(content, extension):
            bundle.media_problems[path] = ErrorDetail(
                "media_type_mismatch",
                _(
                    "The media file '{path}' is not a {kind} file, whatever its name says. Export it again "
                    "in that format."
                ).format(path=path, kind=extension.upper()),
                pointer,
            )
            continue
        bundle.media[path] = content
        bundle.media_types[path] = MEDIA_TYPES[extension]
    return bundle


def _media_references(document: dict):
    operations = document.get("operations")
    if not isinstance(operations, list):
        return
    for o, operation in enumerate(operations):
        steps = operation.get("steps") if isinstance(operation, dict) else None
        if not isinstance(steps, list):
            continue
        for s, step in enumerate(steps):
            media = step.get("media") if isinstance(step, dict) else None
            if not isinstance(media, list):
                continue
            for m, item in enumerate(media):
                if isinstance(item, dict) and isinstance(item.get("path"), str):
                    yield item["path"], "/operations/{}/steps/{}/media/{}/path".format(o, s, m)


def check_content_type(content_type: str) -> str:
    """'json', 'zip' or '' (unknown: told by the first bytes); refuses any other type (415).

    Interfaces call this before reading the body, so a form upload is refused before it is parsed.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ZIP_TYPES:
        return "zip"
    if kind in JSON_TYPES:
        return "json"
    if not kind:
        return ""
    raise Malformed(
        "unsupported_media_type",
        _(
            "Releases are accepted as application/json or application/zip, not '{kind}'. Set the "
            "Content-Type header."
        ).format(kind=kind[:100]),
        status=415,
    )


def parse_release(payload: bytes, *, content_type: str) -> ReleaseBundle:
    """A release from the request body: JSON or a ZIP bundle, told by content type (or by its first bytes)."""
    kind = check_content_type(content_type)
    if kind == "zip" or (not kind and payload[:4] == b"PK\x03\x04"):
        return parse_zip(payload)
    return ReleaseBundle(document=parse_document(payload), raw_document=payload)
