"""Printed documents hold untrusted text: an image URL in it never makes the server fetch anything."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.models import RenderedDocument
from instructions.printing import revision_pdf
from tests.conftest import accept
from tests.pdf import pdf_pages


@pytest.fixture
def listener():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:{}".format(server.server_address[1]), hits
    server.shutdown()
    server.server_close()


def test_markdown_images_are_not_fetched_when_printing(release_b_document, engineer, listener):
    base, hits = listener
    release_b_document["operations"][0]["steps"][0]["instruction"] = (
        "See ![diagram]({}/internal.png) and ![secret](/etc/passwd) and ![local](mes/settings.py).".format(
            base
        )
    )
    revision = accept(release_b_document, engineer).revision
    document = RenderedDocument(
        kind="revision-instructions", subject_id=str(revision.pk), requested_by=engineer
    )
    pages = pdf_pages(revision_pdf(document))
    assert hits == []
    assert pages and "Place PCB in housing" in " ".join(pages)


def _images_on(pdf: bytes) -> list[str]:
    """The subtype of every XObject on every page (an embedded picture is /Image, an SVG a /Form)."""
    import io

    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        objects = page.get("/Resources", {}).get("/XObject", {}) or {}
        found += [str(objects[name].get_object()["/Subtype"]) for name in objects]
    return found


def test_step_pictures_are_embedded_as_data_uris_and_nothing_is_fetched(
    release_b_document, engineer, listener
):
    # given a release whose step 1 shows a PNG and an SVG, step 2 a PDF and a video,
    # and whose text points at an image on a server
    from instructions.printing import revision_html
    from instructions.services.releases import accept_release
    from tests.instructions.media_bundle import bundle_with_media

    base, hits = listener
    release_b_document["operations"][0]["steps"][0]["instruction"] = (
        "See ![diagram]({}/internal.png).".format(base)
    )
    revision = accept_release(
        payload=bundle_with_media(release_b_document), content_type="application/zip", actor=engineer
    ).revision
    # when the instructions are printed
    html = revision_html(revision.pk)
    pdf = revision_pdf(
        RenderedDocument(kind="revision-instructions", subject_id=str(revision.pk), requested_by=engineer)
    )
    # then the pictures are in the HTML as data: URIs with their captions, and in the PDF as images
    assert html.count('<img src="data:image/png;base64,') == 1
    assert html.count('<img src="data:image/svg+xml;base64,') == 1
    assert (
        "<figcaption>Notch at top left</figcaption>" in html
        and "<figcaption>Cross pattern</figcaption>" in html
    )
    assert "/Image" in _images_on(pdf)
    # and the PDF and the video stay captions
    text = " ".join(pdf_pages(pdf))
    assert "Document: Torque driver card (media/torque.pdf)" in text
    assert "Video: How to fasten (media/fasten.mp4)" in text
    # and nothing was fetched from the network
    assert hits == []


def test_the_instructions_pdf_downloads_under_the_part_and_revision(release_b_document, engineer):
    from django.core.files.base import ContentFile

    from core.choices import DocumentStatus
    from tests.conftest import client_for

    revision = accept(release_b_document, engineer).revision
    document = RenderedDocument.objects.create(
        kind="revision-instructions",
        subject_id=str(revision.pk),
        variant="de",
        requested_by=engineer,
        status=DocumentStatus.READY,
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"))
    response = client_for(engineer).get("/documents/{}/download".format(document.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="100-200-revB-instructions-de.pdf"'
