"""GET /api/v1/ncrs pages by cursor (`after`, `next`) in flat queries; `in_review` is documented."""

import pytest
from django.test import Client

from line.models import Unit
from quality.models import Ncr
from quality.services import ncrs


def raise_many(line, operator, count: int) -> list[int]:
    unit = Unit.objects.get(pk=line.unit.pk)
    return [
        ncrs.raise_ncr(
            unit=unit,
            step=line.step2,
            lot=line.screws,
            description="Problem {}".format(index),
            actor=operator,
            station=line.station,
        ).pk
        for index in range(count)
    ]


def test_the_list_pages_by_cursor_until_next_is_null(api, at_step2, operator):
    # given 5 NCRs
    ids = raise_many(at_step2, operator, 5)
    # when an integration reads them 2 at a time, following `next`
    seen, pages, after = [], [], None
    while True:
        answer = api.get("/api/v1/ncrs", {"limit": 2, **({"after": after} if after else {})})
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        pages.append([row["id"] for row in body["ncrs"]])
        seen += pages[-1]
        after = body["next"]
        if after is None:
            break
    # then every NCR comes once, newest first, in pages of 2, 2 and 1
    assert seen == sorted(ids, reverse=True)
    assert [len(page) for page in pages] == [2, 2, 1]


def test_an_ncr_raised_between_pages_shifts_nothing(api, at_step2, operator):
    ids = raise_many(at_step2, operator, 3)
    first = api.get("/api/v1/ncrs", {"limit": 2}).json()
    raise_many(at_step2, operator, 1)
    second = api.get("/api/v1/ncrs", {"limit": 2, "after": first["next"]}).json()
    assert [row["id"] for row in first["ncrs"] + second["ncrs"]] == sorted(ids, reverse=True)
    assert second["next"] is None


def test_the_default_page_is_100_with_a_next(api, at_step2, operator):
    raise_many(at_step2, operator, 101)
    body = api.get("/api/v1/ncrs").json()
    assert len(body["ncrs"]) == 100
    assert body["next"] == body["ncrs"][-1]["id"]
    assert [row["id"] for row in api.get("/api/v1/ncrs", {"after": body["next"]}).json()["ncrs"]] == [
        Ncr.objects.order_by("pk").first().pk
    ]


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_query_count_does_not_grow_with_the_page(
    count, api, at_step2, operator, django_assert_num_queries
):
    raise_many(at_step2, operator, count)
    with django_assert_num_queries(3):
        answer = api.get("/api/v1/ncrs", {"limit": 500})
    assert len(answer.json()["ncrs"]) == count


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"after": "x"}, "invalid_after"),
        ({"after": "0"}, "invalid_after"),
        ({"limit": "501"}, "invalid_limit"),
        ({"limit": "-1"}, "invalid_limit"),
        ({"status": "pending"}, "invalid_status"),
    ],
)
def test_a_bad_page_request_is_malformed(api, query, code):
    answer = api.get("/api/v1/ncrs", query)
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (400, code)


def test_in_review_is_listed_and_documented_as_an_extension(api, ncr_at_step2, inspector):
    # given an NCR taken into review
    ncrs.start_review(ncr=ncr_at_step2, actor=inspector)
    # then the API answers the status and filters by it
    rows = api.get("/api/v1/ncrs", {"status": "in_review"}).json()["ncrs"]
    assert [(row["id"], row["status"]) for row in rows] == [(ncr_at_step2.pk, "in_review")]
    # and the OpenAPI schema explains it on the NCR endpoints, and the paging
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/ncrs"]["get"]
    assert "in_review" in listing["description"] and "extends API.md" in listing["description"]
    assert {parameter["name"] for parameter in listing["parameters"]} >= {"status", "after", "limit"}
    assert "next" in str(schema["components"]["schemas"]["NcrList"])
