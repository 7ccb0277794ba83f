"""The 5,000-step import of bench/import_release.py runs in a fixed, small number of queries."""

import json

import pytest

from bench.generate import generate_release
from instructions.models import Characteristic, MaterialRequirement, Step
from instructions.services.releases import accept_release


@pytest.mark.invariant(9)
def test_a_5000_step_release_is_imported_in_a_fixed_number_of_queries(agent, django_assert_num_queries):
    payload = json.dumps(generate_release(steps=5000)).encode()
    # SAVEPOINT/RELEASE around the store, the supersedes and duplicate checks, product, revision,
    # parts, the stored product and parts (master data check), the first release setting the product, then one
    # INSERT per batch of operations, steps, materials and characteristics, audit, outbox.
    with django_assert_num_queries(26):
        result = accept_release(payload=payload, content_type="application/json", actor=agent)
    assert result.revision.step_count == Step.objects.count() == 5000
    assert MaterialRequirement.objects.count() == 5000
    assert Characteristic.objects.count() == 2000


def test_the_query_count_does_not_grow_with_steps(agent, django_assert_num_queries):
    payload = json.dumps(generate_release(steps=50, operations=5, part_number="900-050")).encode()
    # 4 fewer than 5,000 steps: steps and materials each fit one INSERT instead of three (batches of 2,000).
    with django_assert_num_queries(22):
        accept_release(payload=payload, content_type="application/json", actor=agent)
