"""Printed documents hold untrusted text: an image URL in it never makes the server fetch anything."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from instructions.printing import revision_pdf
from mes.core.models import RenderedDocument
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
        "See ![diagram]({}/internal.png) and ![secret](/etc/passwd) and ![local](mes/settings.py).".format(base)
    )
    revision = accept(release_b_document, engineer).revision
    document = RenderedDocument(kind="revision-instructions", subject_id=str(revision.pk), requested_by=engineer)
    pages = pdf_pages(revision_pdf(document))
    assert hits == []
    assert pages and "Place PCB in housing" in " ".join(pages)
