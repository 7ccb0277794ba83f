"""The tests' fetch-mode guard: inside a counted block a lazy load raises instead of querying."""

import pytest
from django.core.exceptions import FieldFetchBlocked

from core.models import ApiToken


def test_a_lazy_load_inside_a_counted_block_raises(agent_token, django_assert_num_queries):
    with pytest.raises(FieldFetchBlocked), django_assert_num_queries(1):
        token = ApiToken.objects.get(pk=agent_token[0].pk)
        token.identity  # noqa: B018 - the lazy load under test


def test_a_planned_load_inside_a_counted_block_passes(agent_token, django_assert_num_queries):
    with django_assert_num_queries(1):
        token = ApiToken.objects.select_related("identity").get(pk=agent_token[0].pk)
        assert token.identity.username == "plm-adapter"


def test_outside_a_counted_block_lazy_loads_still_work(agent_token):
    token = ApiToken.objects.get(pk=agent_token[0].pk)
    assert token.identity.username == "plm-adapter"
