"""Request parsing and answer shapes of the NCR API (API.md "NCR" minimum shape, plus more)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import SignatureMeaning
from quality.choices import Decision


def number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class SignatureSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=512, trim_whitespace=False)
    meaning = serializers.ChoiceField(choices=SignatureMeaning.choices)


class RaiseNcrSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=64, required=False, allow_blank=True)
    step = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    lot = serializers.CharField(max_length=64, required=False, allow_blank=True)
    contain = serializers.BooleanField(required=False, default=False)
    description = serializers.CharField(max_length=4000)


class DecisionLineSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=0)
    rtv_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DispositionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices, required=False)
    lines = DecisionLineSerializer(
        many=True, required=False, help_text=_("A lot-level NCR may split its quantity between decisions.")
    )
    reason = serializers.CharField(max_length=4000)
    rework_steps = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    repair_note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    rtv_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    signature = SignatureSerializer(
        required=False, help_text=_("The signer re-enters user name and password now.")
    )
    second_signature = SignatureSerializer(
        required=False, help_text=_("The review board's second inspector.")
    )


class CloseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


def signature_body(signature) -> dict:
    return {
        "printed_name": signature.printed_name,
        "username": signature.signer.username,
        "meaning": signature.meaning,
        "signed_at": signature.signed_at.isoformat(),
        "content_hash": signature.content_hash,
    }


def ncr_body(ncr, *, disposition=None, signatures=()) -> dict:
    body = {
        "id": ncr.pk,
        "number": ncr.number,
        "status": ncr.status,
        "source": ncr.source,
        "unit": ncr.unit.serial if ncr.unit_id else None,
        "step": ncr.step_id,
        "revision": {
            "id": ncr.revision_id,
            "part_number": ncr.revision.product.part_number,
            "revision": ncr.revision.revision,
        }
        if ncr.revision_id
        else None,
        "characteristic": ncr.characteristic.code if ncr.characteristic_id else None,
        "value": number(ncr.value),
        "lot": ncr.lot.code if ncr.lot_id else None,
        "quantity": number(ncr.quantity),
        "decision": ncr.decision or None,
        "description": ncr.description,
        "hold": ncr.hold_id,
        "evidence": ncr.evidence,
        "raised_at": ncr.raised_at.isoformat(),
        "raised_by": ncr.raised_by.username if ncr.raised_by_id else None,
        "decided_at": ncr.decided_at.isoformat() if ncr.decided_at else None,
        "parent": ncr.parent_id,
        "has_photo": bool(ncr.photo),
    }
    if disposition is not None:
        body["disposition"] = {
            "reason": disposition.reason,
            "content_hash": disposition.content_hash,
            "lines": [
                {
                    "decision": line.decision,
                    "quantity": number(line.quantity),
                    "rework_steps": line.rework_steps,
                    "repair_note": line.repair_note,
                    "rtv_reference": line.rtv_reference,
                }
                for line in disposition.lines.all()
            ],
            "signatures": [signature_body(signature) for signature in signatures],
        }
    return body
