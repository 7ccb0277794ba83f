"""The work-order screen (engineers, administrators): the list with progress, a new order, one order's
units."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from line.choices import UnitStatus
from line.models import Unit, WorkOrder
from line.services import work_orders as work_order_services
from tests.conftest import client_for, lazy_loads_raise

LIST = reverse("mes:work-order-list")


def create(client, **fields):
    data = {
        "idempotency_key": fields.pop("key", "k"),
        "number": "WO-9",
        "part_number": "100-200",
        "quantity": 2,
    }
    data.update(fields)
    return client.post(LIST, data)


def test_an_engineer_creates_a_work_order_on_the_revision_effective_today(engineer, released_c):
    client = client_for(engineer)
    assert "New work order" in client.get(LIST).text
    # when an order is created without naming the revision, with generated serials
    response = create(client)
    # then it is stored on the effective revision with its planned units, and its page lists them
    order = WorkOrder.objects.get(number="WO-9")
    assert response.status_code == 302 and response["Location"] == reverse(
        "mes:work-order-detail", args=["WO-9"]
    )
    assert (order.revision, order.quantity, order.created_by) == (released_c, 2, engineer)
    units = list(order.units.order_by("serial"))
    assert [unit.status for unit in units] == [UnitStatus.PLANNED] * 2
    page = client.get(response["Location"]).text
    assert all(unit.serial in page for unit in units) and "2 planned, 0 in work" in page


def test_given_serials_are_used_and_the_list_shows_progress(engineer, released_c, django_assert_num_queries):
    client = client_for(engineer)
    create(client, number="WO-10", serials="PC-09001\nPC-09002")
    assert sorted(Unit.objects.filter(work_order__number="WO-10").values_list("serial", flat=True)) == [
        "PC-09001",
        "PC-09002",
    ]
    for n in range(5):
        work_order_services.create_work_order(
            number="WO-2{}".format(n), part_number="100-200", quantity=3, actor=engineer
        )
    # the list answers in a fixed number of queries whatever the number of orders and units
    with lazy_loads_raise(), CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(5):
        work_order_services.create_work_order(
            number="WO-3{}".format(n), part_number="100-200", quantity=3, actor=engineer
        )
    with lazy_loads_raise(), CaptureQueriesContext(connection) as more:
        page = client.get(LIST).text
    assert len(few) == len(more) <= 8
    assert "WO-10" in page and "WO-34" in page


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"part_number": "999-999"}, "part_number", "No product 999-999 has been released."),
        ({"revision": "Z"}, "revision", "Z"),
        ({"quantity": 0}, "quantity", "greater than or equal to 1"),
        ({"serials": "PC-1"}, "serials", ""),
    ],
)
def test_a_refused_order_says_what_is_wrong_by_its_field_and_creates_nothing(
    engineer, released_c, fields, field, message
):
    client = client_for(engineer)
    response = create(client, **fields)
    assert response.status_code in (404, 409, 422)
    assert WorkOrder.objects.count() == 0 and Unit.objects.count() == 0
    form = response.context["form"]
    assert form.errors, response.text
    assert field in form.errors or None in form.errors or "__all__" in form.errors, form.errors
    assert message in response.text


def test_a_number_already_used_is_refused(engineer, released_c):
    client = client_for(engineer)
    create(client, key="a")
    response = create(client, key="b")
    assert response.status_code == 409 and "WO-9" in response.text
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize("role", ["operator", "inspector"])
def test_only_those_who_manage_work_orders_see_the_screen(role, request, released_c):
    client = client_for(request.getfixturevalue(role))
    assert client.get(LIST).status_code == 403
    assert create(client).status_code == 403
    assert WorkOrder.objects.count() == 0
