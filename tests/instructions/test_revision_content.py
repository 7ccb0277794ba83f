"""A stored revision's content never changes: the database refuses UPDATE, the line reads it once."""

import pytest
from django.db import DatabaseError, transaction

from instructions import content
from instructions.models import Characteristic, MaterialRequirement, Operation, RevisionPart, Step, StepMedia
from tests.conftest import accept


@pytest.mark.invariant(2)  # what a unit is bound to cannot change under it
@pytest.mark.parametrize(
    "model, field, value",
    [
        (Step, "title", "Changed after release"),
        (Operation, "work_center", "ELSEWHERE"),
        (MaterialRequirement, "part_number", "999-999"),
        (Characteristic, "upper", 99),
        (RevisionPart, "name", "Renamed"),
    ],
    ids=["step", "operation", "requirement", "characteristic", "part"],
)
def test_the_database_refuses_to_change_released_content(
    released_b, release_document, engineer, model, field, value
):
    # given a stored revision
    accept(release_document, engineer)
    row = model.objects.first()
    before = getattr(row, field)
    # when anything tries to change one of its rows, ORM or not
    with pytest.raises(DatabaseError) as refused:
        with transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field: value})
    # then the database says why, and the row is as released
    assert "released content" in str(refused.value)
    assert getattr(model.objects.get(pk=row.pk), field) == before


def test_step_media_rows_refuse_update_too(db):
    # no media in the example release: the trigger is checked on the table itself
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [StepMedia._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [StepMedia._meta.db_table],
            )
        names = [row[0] for row in cursor.fetchall()]
    assert "{}_no_update".format(StepMedia._meta.db_table) in names


def test_a_step_is_read_once_per_process_and_a_missing_one_is_not_remembered(
    released_b, release_document, engineer, django_assert_num_queries
):
    revision = accept(release_document, engineer).revision
    step = revision.steps.order_by("position").last()
    # the first read takes the step, its requirements and its characteristics
    with django_assert_num_queries(3):
        first = content.step_content(step.pk)
    # later reads take nothing, and give the same rows, in order
    with django_assert_num_queries(0):
        again = content.step_content(step.pk)
        assert [item.code for item in again.step.characteristics.all()] == [
            c.code for c in first.characteristics
        ]
    assert again is first
    assert [r.part_number for r in first.requirements] == list(
        MaterialRequirement.objects.filter(step=step).order_by("order").values_list("part_number", flat=True)
    )
    assert first.characteristic("nope") is None
    # a step that does not exist is asked for again next time (it may be committed by then)
    missing = step.pk + 1000
    with django_assert_num_queries(1):
        assert content.step_content(missing) is None
    with django_assert_num_queries(1):
        assert content.step_content(missing) is None
    # the part list of the revision is read once too
    with django_assert_num_queries(1):
        parts = content.revision_parts(revision.pk)
    with django_assert_num_queries(0):
        assert content.revision_parts(revision.pk) is parts
    assert set(parts) == set(
        RevisionPart.objects.filter(revision=revision).values_list("part_number", flat=True)
    )


def test_the_cache_is_bounded(released_b, release_document, engineer, monkeypatch):
    revision = accept(release_document, engineer).revision
    steps = list(revision.steps.order_by("position").values_list("pk", flat=True))
    monkeypatch.setattr(content._steps, "size", 1)
    content.step_content(steps[0])
    content.step_content(steps[1])
    assert list(content._steps.items) == [steps[1]]
