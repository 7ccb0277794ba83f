"""The revision's routing as the line reads it: which step follows which (instructions/content.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from instructions import content
from instructions.models import Step
from tests.conftest import accept, lazy_loads_raise
from tests.instructions.test_screens_revisions import _more_steps


def test_each_step_is_followed_by_the_next_position_and_the_last_by_none(release_document, engineer):
    # given a released revision of several steps
    revision = accept(_more_steps(release_document, "R", 3), engineer).revision
    steps = list(Step.objects.filter(revision=revision).order_by("position"))
    assert len(steps) == revision.step_count > 3
    # then each step's successor is the next position, with its operation; the last has none
    for step, following in zip(steps, steps[1:], strict=False):
        found = content.step_after(revision.pk, step.position)
        assert (found.pk, found.operation_id) == (following.pk, following.operation_id)
    assert content.step_after(revision.pk, steps[-1].position) is None
    assert content.step_after(revision.pk, 0).pk == steps[0].pk


def test_the_routing_is_read_once_and_known_steps_need_no_query(release_document, engineer):
    revision = accept(_more_steps(release_document, "R", 3), engineer).revision
    first, second, third = Step.objects.filter(revision=revision).order_by("position")[:3]
    # the first question reads the routing and the step's row
    with lazy_loads_raise(), CaptureQueriesContext(connection) as cold:
        assert content.step_after(revision.pk, first.position).pk == second.pk
    assert len(cold) == 2
    # a step this process has met is answered from the released content: no query at all
    content.step_content(third.pk)
    with lazy_loads_raise(), CaptureQueriesContext(connection) as warm:
        assert content.step_after(revision.pk, second.position).pk == third.pk
    assert len(warm) == 0


def test_a_revision_without_steps_is_not_remembered(db):
    # a revision id with no steps (not stored, or not committed yet) answers None ...
    assert content.step_after(987654, 1) is None
    # ... and is asked again next time rather than remembered as empty
    with lazy_loads_raise(), CaptureQueriesContext(connection) as again:
        assert content.step_after(987654, 1) is None
    assert len(again) == 1
