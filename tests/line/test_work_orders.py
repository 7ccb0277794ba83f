"""Work orders: the revision by effectivity, never a superseded one where a newer revision covers the
serial."""

import pytest

from core.errors import DomainError
from line.models import Unit, WorkOrder
from line.services.work_orders import create_work_order


@pytest.mark.invariant(1)
def test_a_work_order_on_a_superseded_revision_is_refused_for_serials_the_newer_one_covers(
    released_c, engineer
):
    create_work_order(number="WO-C", part_number="100-200", quantity=2, actor=engineer)
    assert list(Unit.objects.order_by("serial").values_list("serial", flat=True)) == ["PC-01000", "PC-01001"]
    # generated serials for rev B would continue at PC-01002, which rev C covers
    with pytest.raises(DomainError) as refused:
        create_work_order(number="WO-B", part_number="100-200", quantity=1, revision="B", actor=engineer)
    assert (refused.value.code, refused.value.path) == ("revision_superseded", "serials/0")
    assert WorkOrder.objects.filter(number="WO-B").exists() is False
    # serials only rev B covers are fine: spares built to the old revision
    order = create_work_order(
        number="WO-B", part_number="100-200", quantity=1, revision="B", serials=["PC-00500"], actor=engineer
    )
    assert (order.revision.revision, [unit.serial for unit in order.units.all()]) == ("B", ["PC-00500"])


def test_generated_serials_continue_after_the_highest_number_taken(released_c, engineer):
    # given generated serials, a given one further on, and one whose counter is written wider
    create_work_order(number="WO-1", part_number="100-200", quantity=2, actor=engineer)  # PC-01000, PC-01001
    create_work_order(
        number="WO-2",
        part_number="100-200",
        quantity=2,
        serials=["PC-01007", "PC-001003"],
        actor=engineer,
    )
    # when serials are generated again
    order = create_work_order(number="WO-3", part_number="100-200", quantity=2, actor=engineer)
    # then they continue after the highest counter of the prefix (1007), at the effectivity's width
    assert sorted(unit.serial for unit in order.units.all()) == ["PC-01008", "PC-01009"]
