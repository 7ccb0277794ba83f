"""Engineer screens: products, a product's revisions, one revision in full."""

import copy

import pytest
from django.urls import reverse

from tests.conftest import accept


def _more_steps(document: dict, revision: str, steps: int) -> dict:
    """A copy of the document under another revision code with `steps` extra steps."""
    document = copy.deepcopy(document)
    document["revision"] = revision
    document["release_id"] = "ECO-9{}".format(revision)
    document.pop("supersedes", None)
    operation = document["operations"][0]
    for n in range(steps):
        operation["steps"].append(
            {
                "sequence": 100 + n * 10,
                "title": "Extra check {}".format(n),
                "instruction": "Check item {}.".format(n),
                "materials": [{"part_number": "300-550", "quantity": 1}],
                "characteristics": [
                    {
                        "code": "X{}".format(n),
                        "name": "Gap {}".format(n),
                        "kind": "variable",
                        "nominal": 1,
                        "lower": 0.9,
                        "upper": 1.1,
                        "unit": "mm",
                    }
                ],
            }
        )
    return document


def test_product_list_links_each_product_and_revision(engineer_client, released_c, django_assert_num_queries):
    # given 100-200 with rev B (superseded) and rev C (released)
    url = reverse("instructions:product-list")
    # when the engineer opens the product list
    with django_assert_num_queries(4):  # session, user, products, revisions
        response = engineer_client.get(url)
    # then both revisions are listed with their status and link to their screen
    assert response.status_code == 200
    html = response.text
    assert reverse("instructions:product-detail", args=[released_c.product_id]) in html
    assert reverse("instructions:revision-detail", args=[released_c.pk]) in html
    assert reverse("instructions:revision-detail", args=[released_c.supersedes_id]) in html
    assert "C · Released" in html
    assert "B · Superseded" in html


def test_product_detail_lists_revisions_with_identity_and_supersession(
    engineer_client, released_c, django_assert_num_queries
):
    url = reverse("instructions:product-detail", args=[released_c.product_id])
    with django_assert_num_queries(4):  # session, user, product, revisions (+ supersedes, accepted_by)
        response = engineer_client.get(url)
    assert response.status_code == 200
    html = response.text
    assert html.index("ECO-1042") < html.index("ECO-0987")  # newest first
    assert "badge-released" in html and "badge-superseded" in html
    assert "PC-01000" in html and "2026-11-03" in html  # effectivity of C
    assert "j.smith" in html and "2026-11-02 09:30" in html
    assert reverse("instructions:revision-detail", args=[released_c.supersedes_id]) in html
    assert reverse("instructions:revision-preview", args=[released_c.pk, 1]) in html


def test_product_detail_query_count_does_not_grow_with_revisions(
    engineer_client, released_c, release_document, engineer, django_assert_num_queries
):
    # given three more revisions (one a draft)
    for code in ("D", "E"):
        accept(_more_steps(release_document, code, 1), engineer)
    accept(_more_steps(release_document, "F", 1), engineer, draft=True)
    url = reverse("instructions:product-detail", args=[released_c.product_id])
    # then the count is the same as with two
    with django_assert_num_queries(4):
        response = engineer_client.get(url)
    assert response.text.count("badge-draft") == 1
    assert "ECO-9F" in response.text


def test_revision_detail_shows_everything_the_revision_defines(
    engineer_client, released_c, django_assert_num_queries
):
    url = reverse("instructions:revision-detail", args=[released_c.pk])
    with django_assert_num_queries(
        9
    ):  # session, user, revision, parts, operations, steps, materials, characteristics, media
        response = engineer_client.get(url)
    assert response.status_code == 200
    html = response.text
    assert "OP10 · Mount PCB" in html and "ASSY-1" in html
    assert (
        "Align the <strong>notch</strong> with the locating pin." in html
    )  # instruction_html, rendered at import
    assert "Fasten PCB" in html
    assert "<td>0.6</td><td>0.55</td><td>0.65</td><td>N.m</td>" in html  # TQ1 nominal, lower, upper, unit
    assert "VIS1 No lifted pads or cracks" in html
    assert "TD-0.6" in html and "ESD-1" in html and "Operator and inspector" in html
    assert "<td>200-010</td><td>1</td><td>B</td>" in html
    assert "ECO-1042" in html and "rev B" in html  # release id, supersedes


def test_revision_detail_query_count_does_not_grow_with_steps(
    engineer_client, release_document, engineer, django_assert_num_queries
):
    revision = accept(_more_steps(release_document, "Z", 40), engineer).revision
    assert revision.step_count == 42
    with django_assert_num_queries(9):
        response = engineer_client.get(reverse("instructions:revision-detail", args=[revision.pk]))
    assert "Extra check 39" in response.text


def test_instruction_html_from_an_untrusted_release_stays_escaped(
    engineer_client, release_document, engineer
):
    release_document["operations"][0]["steps"][0]["instruction"] = "Hold <script>alert(1)</script> it."
    revision = accept(release_document, engineer, draft=True).revision
    response = engineer_client.get(reverse("instructions:revision-detail", args=[revision.pk]))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_draft_revision_is_marked_as_never_built(engineer_client, release_document, engineer):
    revision = accept(release_document, engineer, draft=True).revision
    response = engineer_client.get(reverse("instructions:revision-detail", args=[revision.pk]))
    assert "DRAFT · PREVIEW ONLY · NEVER BUILT" in response.text
    assert "badge-draft" in response.text


@pytest.mark.parametrize("name", ["product-list", "product-detail", "revision-detail"])
def test_operators_may_not_open_engineer_screens(operator_client, released_b, name):
    args = {
        "product-list": [],
        "product-detail": [released_b.product_id],
        "revision-detail": [released_b.pk],
    }[name]
    response = operator_client.get(reverse("instructions:" + name, args=args))
    assert response.status_code == 403


def test_unknown_revision_is_not_found(engineer_client, db):
    assert engineer_client.get(reverse("instructions:revision-detail", args=[999])).status_code == 404
    assert engineer_client.get(reverse("instructions:product-detail", args=[999])).status_code == 404
