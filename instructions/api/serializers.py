"""JSON shapes of revisions, as ../shared/API.md fixes them (and a little more)."""

from decimal import Decimal

from instructions.models import Revision


def _number(value: Decimal | None):
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def revision_summary(revision: Revision) -> dict:
    return {
        "id": revision.pk,
        "part_number": revision.product.part_number,
        "revision": revision.revision,
        "status": revision.status,
        "release_id": revision.release_id,
        "released_at": revision.released_at.isoformat(),
        "released_by": revision.released_by,
        "supersedes": revision.supersedes.revision if revision.supersedes is not None else None,
        "in_flight": revision.in_flight,
        "effectivity": revision.effectivity,
        "sha256": revision.document_sha256,
        "accepted_at": revision.accepted_at.isoformat(),
        "step_count": revision.step_count,
    }


def revision_full(revision: Revision) -> dict:
    """`revision` must come from `selectors.revision_in_full` (everything prefetched)."""
    body = revision_summary(revision)
    body["product"] = {
        "part_number": revision.product.part_number,
        "name": revision.product.name,
        "uom": revision.product.uom,
        "tracking": revision.product.tracking,
    }
    body["operations"] = [
        {
            "id": operation.pk,
            "sequence": operation.sequence,
            "code": operation.code,
            "title": operation.title,
            "work_center": operation.work_center,
            "standard_minutes": _number(operation.standard_minutes),
            "steps": [
                {
                    "id": step.pk,
                    "sequence": step.sequence,
                    "position": step.position,
                    "title": step.title,
                    "instruction": step.instruction,
                    "qualification": step.qualification or None,
                    "tools": step.tools,
                    "signoff": step.signoff,
                    "media": [
                        {"path": item.path, "caption": item.caption, "content_type": item.content_type}
                        for item in step.media.all()
                    ],
                    "materials": [
                        {
                            "part_number": material.part_number,
                            "quantity": _number(material.quantity),
                            "allowed_revisions": material.allowed_revisions,
                            "alternates": material.alternates,
                        }
                        for material in step.materials.all()
                    ],
                    "characteristics": [
                        {
                            "code": characteristic.code,
                            "name": characteristic.name,
                            "kind": characteristic.kind,
                            "nominal": _number(characteristic.nominal),
                            "lower": _number(characteristic.lower),
                            "upper": _number(characteristic.upper),
                            "unit": characteristic.unit or None,
                            "gauge": characteristic.gauge or None,
                        }
                        for characteristic in step.characteristics.all()
                    ],
                }
                for step in operation.steps.all()
            ],
        }
        for operation in revision.operations.all()
    ]
    return body
