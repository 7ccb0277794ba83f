"""A release ZIP bundle with one media file of each kind, for the preview and media tests."""

import io
import json
import zipfile

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf0000000301010018dd8db00000000049454e44ae426082"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 16

MEDIA = {
    "media/notch.png": (PNG, "Notch at top left"),
    "media/pattern.svg": (SVG, "Cross pattern"),
    "media/torque.pdf": (PDF, "Torque driver card"),
    "media/fasten.mp4": (MP4, "How to fasten"),
}


def bundle_with_media(document: dict) -> bytes:
    """The document with step 1 showing the PNG and SVG, step 2 the PDF and the video."""
    steps = document["operations"][0]["steps"]
    steps[0]["media"] = [
        {"path": "media/notch.png", "caption": MEDIA["media/notch.png"][1]},
        {"path": "media/pattern.svg", "caption": MEDIA["media/pattern.svg"][1]},
    ]
    steps[1]["media"] = [
        {"path": "media/torque.pdf", "caption": MEDIA["media/torque.pdf"][1]},
        {"path": "media/fasten.mp4", "caption": MEDIA["media/fasten.mp4"][1]},
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("release.json", json.dumps(document))
        for path, (content, _caption) in MEDIA.items():
            archive.writestr(path, content)
    return buffer.getvalue()
