"""ECO impact and decisions over HTTP: the same services as the engineer's screen."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.api.endpoints import api_endpoint
from core.errors import NotFound
from core.signatures import SignatureRequest
from core.types import AuthenticatedRequest
from instructions.models import Revision
from instructions.selectors import executable_revision
from line.access import get_unit_for_user
from line.models import EcoDecisionKind
from line.permissions import DECIDE_ECO, VIEW_UNIT
from line.services import eco


class SignatureIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, trim_whitespace=False)
    meaning = serializers.CharField(max_length=20)


class EcoDecisionIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=EcoDecisionKind.values)
    reason = serializers.CharField(max_length=2000)
    signature = SignatureIn()


def impact_body(impact: eco.RevisionImpact) -> dict:
    def revision_ref(revision: Revision | None):
        if revision is None:
            return None
        return {"id": revision.pk, "part_number": revision.product.part_number, "revision": revision.revision}

    return {
        "revision": revision_ref(impact.revision),
        "supersedes": revision_ref(impact.superseded),
        "in_flight": impact.revision.in_flight,
        "work_orders": [
            {"number": order.number, "quantity": order.quantity, "status": order.status}
            for order in impact.work_orders
        ],
        "units": [
            {
                "serial": unit.serial,
                "status": unit.status,
                "current_step": {
                    "id": unit.current_step.pk,
                    "position": unit.current_step.position,
                    "title": unit.current_step.title,
                }
                if unit.current_step is not None
                else None,
                "held_for_review": unit.held_for_review,
                "differing_done_steps": [
                    {
                        "step": difference.old_step_id,
                        "position": difference.old_position,
                        "title": difference.title,
                        "change": difference.change,
                        "new_step": difference.new_step_id,
                    }
                    for difference in unit.differing_steps
                ],
            }
            for unit in impact.units
        ],
    }


@extend_schema(
    summary="What releasing this revision does to the line",
    description=(
        "Open work orders and unfinished units on the revision it supersedes; for each unit the done steps "
        "whose definition differs."
    ),
    responses=inline_serializer(
        "RevisionImpact",
        {
            "revision": serializers.JSONField(),
            "supersedes": serializers.JSONField(allow_null=True),
            "in_flight": serializers.CharField(),
            "work_orders": serializers.ListField(child=serializers.JSONField()),
            "units": serializers.ListField(child=serializers.JSONField()),
        },
    ),
)
@api_endpoint(GET=(VIEW_UNIT, "instructions.view_revision"))
def revision_impact(request: AuthenticatedRequest, revision_id: int) -> Response:
    revision = executable_revision(revision_id)
    if revision is None:
        raise NotFound(
            "unknown_revision", _("There is no released revision with id {id}.").format(id=revision_id), "id"
        )
    return Response(impact_body(eco.revision_impact(revision)))


@extend_schema(
    request=EcoDecisionIn,
    summary="An engineer's signed decision for a unit held for ECO review",
    description=(
        "continue: finish on the old revision; migrate: rebind to the new revision and execute the differing "
        "done steps again; scrap. The signature is checked at that moment; an API token alone cannot sign."
    ),
    responses=inline_serializer(
        "EcoDecisionOut",
        {
            "serial": serializers.CharField(),
            "status": serializers.CharField(),
            "decision": serializers.CharField(),
            "revision": serializers.JSONField(),
            "current_step": serializers.JSONField(allow_null=True),
            "signature": serializers.JSONField(),
        },
    ),
)
@api_endpoint(POST=DECIDE_ECO)
def eco_decision(request: AuthenticatedRequest, serial: str) -> Response:
    data = EcoDecisionIn(data=request.data)
    data.is_valid(raise_exception=True)
    values = data.validated_data
    unit = get_unit_for_user(request.user, serial)
    signature = values["signature"]
    record = eco.decide_eco(
        unit=unit,
        decision=values["decision"],
        reason=values["reason"],
        signature=SignatureRequest(
            username=signature["username"], password=signature["password"], meaning=signature["meaning"]
        ),
        actor=request.user,
    )
    unit.refresh_from_db()
    return Response(
        {
            "serial": unit.serial,
            "status": unit.status,
            "decision": record.decision,
            "revision": {"id": unit.revision_id, "revision": unit.revision.revision},
            "current_step": {"id": unit.current_step_id, "title": unit.current_step.title}
            if unit.current_step is not None
            else None,
            "signature": {
                "printed_name": record.signature.printed_name,
                "meaning": record.signature.meaning,
                "signed_at": record.signature.signed_at.isoformat(),
                "content_hash": record.signature.content_hash,
            },
        }
    )
