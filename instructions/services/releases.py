"""Accepting a released mBOM revision (invariants 1 and 9).

`accept_release` is the only way a revision enters the database: the API, the
`import_release` command and the engineer's upload screen all call it. It validates
the whole document first (every problem, with its JSON Pointer), then stores the
whole revision in one transaction, or nothing.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import run_in_transaction
from core.errors import Conflict, DomainError
from core.models import User
from instructions.choices import InFlight, RevisionStatus
from instructions.models import (
    Characteristic,
    MaterialRequirement,
    Operation,
    Part,
    Product,
    Revision,
    RevisionPart,
    Step,
    StepMedia,
)
from instructions.services.markdown import render_instruction
from instructions.services.parsing import ReleaseBundle, parse_release
from instructions.services.validation import parse_released_at, validate_release


@dataclass(frozen=True)
class AcceptedRelease:
    revision: Revision
    created: bool  # False: the identical release was already stored (a no-op)


def content_hash(document: dict, media: dict[str, bytes]) -> str:
    """SHA-256 of the canonical document plus its media: what "identical release" means."""
    digest = hashlib.sha256(
        json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    for path in sorted(media):
        digest.update(b"\0" + path.encode() + b"\0" + hashlib.sha256(media[path]).hexdigest().encode())
    return digest.hexdigest()


def accept_release(
    *, payload: bytes, content_type: str, actor: User, station: str = "", draft: bool = False
) -> AcceptedRelease:
    """Validate and store one release document (JSON or ZIP bundle), or refuse it whole."""
    bundle = parse_release(payload, content_type=content_type)  # raises Malformed (400)
    problems = validate_release(bundle, draft=draft)
    if problems:
        raise DomainError.many(problems, status=422)
    document = bundle.document
    product_number = document["product"]["part_number"]
    revision_code = document["revision"]
    digest = content_hash(document, bundle.media)

    if not draft:
        existing = _existing(product_number, revision_code)
        if existing is not None:
            return _same_or_conflict(existing, digest)
    media_files = _store_media(bundle)  # outside the transaction: content-addressed, so a retry reuses them

    def store() -> Revision:
        # One transaction, run again whole if PostgreSQL ends it for a deadlock (the hold of
        # in-flight units locks units the line may be writing to).
        revision = _store(bundle, digest=digest, actor=actor, draft=draft, media_files=media_files)
        if not draft and revision.supersedes is not None and revision.in_flight == InFlight.STOP_AND_REVIEW:
            # The line owns its units: it holds the started ones of the superseded revision,
            # in this same transaction, until an engineer decides for each (invariant 2).
            from line.services.eco import hold_units_for_review

            hold_units_for_review(superseded=revision.supersedes, revision=revision, actor=actor)
        acts.record(
            actor=actor,
            action="revision.draft_uploaded" if draft else "revision.accepted",
            subject=revision,
            station=station,
            summary="{} rev {} ({})".format(product_number, revision_code, document["release_id"]),
            data={
                "release_id": document["release_id"],
                "sha256": revision.document_sha256,
                "steps": revision.step_count,
            },
            event=None
            if draft
            else acts.Event(
                "revision.accepted",
                "revision:{}".format(revision.pk),
                {
                    "revision_id": revision.pk,
                    "part_number": product_number,
                    "revision": revision_code,
                    "release_id": document["release_id"],
                    "supersedes": document.get("supersedes"),
                    "effectivity": revision.effectivity,
                    "in_flight": revision.in_flight,
                    "sha256": revision.document_sha256,
                },
            ),
        )
        return revision

    try:
        revision = run_in_transaction(store)
    except IntegrityError:
        # Another request stored this product revision between the check and the insert.
        existing = _existing(product_number, revision_code)
        if existing is None or draft:
            raise
        return _same_or_conflict(existing, digest)
    return AcceptedRelease(revision=revision, created=True)


def _existing(product_number: str, revision_code: str) -> Revision | None:
    return (
        Revision.objects.exclude(status=RevisionStatus.DRAFT)
        .select_related("product")
        .filter(product__part_number=product_number, revision=revision_code)
        .first()
    )


def _same_or_conflict(existing: Revision, digest: str) -> AcceptedRelease:
    if existing.content_sha256 == digest:
        return AcceptedRelease(revision=existing, created=False)
    raise Conflict(
        "revision_exists",
        _(
            "{part} revision {revision} is already stored with different content (release {release}). "
            "A released revision never changes: release the change under a new revision code."
        ).format(part=existing.product.part_number, revision=existing.revision, release=existing.release_id),
        "/revision",
    )


def _store_media(bundle: ReleaseBundle) -> dict[str, tuple[str, str, int, str]]:
    """Save each media file once under its content hash: path → (storage name, content type, size, sha256)."""
    stored = {}
    for path, content in bundle.media.items():
        sha = hashlib.sha256(content).hexdigest()
        extension = path.rsplit(".", 1)[-1].lower()
        name = "releases/{}/{}.{}".format(sha[:2], sha, extension)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(content))
        stored[path] = (name, bundle.media_types[path], len(content), sha)
    return stored


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _store(
    bundle: ReleaseBundle,
    *,
    digest: str,
    actor: User,
    draft: bool,
    media_files: dict[str, tuple[str, str, int, str]],
) -> Revision:
    document = bundle.document
    product_data = document["product"]
    product, _created = Product.objects.get_or_create(
        part_number=product_data["part_number"],
        defaults={
            "name": product_data["name"],
            "uom": product_data["uom"],
            "tracking": product_data["tracking"],
        },
    )
    # serialise releases of one product
    product = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
    if not draft and not Revision.objects.executable().filter(product=product).exists():
        # The first real release sets the product's master data, whatever a draft said before.
        for key in ("name", "uom", "tracking"):
            setattr(product, key, product_data[key])
        product.save(update_fields=["name", "uom", "tracking"])
    superseded = None
    if document.get("supersedes") and not draft:
        superseded = Revision.objects.select_for_update(no_key=True).get(
            product=product,
            revision=document["supersedes"],
            status__in=[RevisionStatus.RELEASED, RevisionStatus.SUPERSEDED],
        )
    effectivity = document.get("effectivity") or {}
    steps_total = sum(len(operation["steps"]) for operation in document["operations"])
    released_at = parse_released_at(document["released_at"])
    if released_at is None:  # validate_release refused the document already
        raise ValueError("released_at {!r} is not a date and time.".format(document["released_at"]))
    now = timezone.now()
    revision = Revision.objects.create(
        product=product,
        revision=document["revision"],
        status=RevisionStatus.DRAFT if draft else RevisionStatus.RELEASED,
        release_id=document["release_id"],
        released_at=released_at,
        released_by=document["released_by"],
        supersedes=superseded,
        in_flight=document.get("in_flight") or "continue",
        serial_from=effectivity.get("serial_from") or "",
        serial_to=effectivity.get("serial_to") or "",
        date_from=date.fromisoformat(effectivity["date_from"]) if effectivity.get("date_from") else None,
        date_to=date.fromisoformat(effectivity["date_to"]) if effectivity.get("date_to") else None,
        document=document,
        raw_document=bundle.raw_document,
        document_sha256=hashlib.sha256(bundle.raw_document).hexdigest(),
        content_sha256=digest,
        extensions={key: value for key, value in document.items() if key.startswith("x-")},
        step_count=steps_total,
        accepted_at=now,
        accepted_by=actor,
    )
    if superseded is not None and superseded.status == RevisionStatus.RELEASED:
        Revision.objects.filter(pk=superseded.pk).update(status=RevisionStatus.SUPERSEDED)
        acts.record(
            actor=actor,
            action="revision.superseded",
            subject=superseded,
            summary="{} rev {} superseded by rev {}".format(
                product.part_number, superseded.revision, revision.revision
            ),
            data={"superseded_by": revision.pk, "in_flight": revision.in_flight},
        )

    _store_parts(revision, document["parts"], draft=draft)
    operations = Operation.objects.bulk_create(
        [
            Operation(
                revision=revision,
                sequence=operation["sequence"],
                code=operation["code"],
                title=operation["title"],
                work_center=operation["work_center"],
                standard_minutes=_decimal(operation.get("standard_minutes")),
            )
            for operation in document["operations"]
        ]
    )
    steps: list[Step] = []
    position = 0
    # Releases repeat boilerplate instructions ("Check the label faces the operator"): render each text once.
    html_of: dict[str, str] = {}

    def rendered(text: str) -> str:
        if text not in html_of:
            html_of[text] = render_instruction(text)
        return html_of[text]

    for operation, data in zip(operations, document["operations"], strict=True):
        for step in data["steps"]:
            position += 1
            steps.append(
                Step(
                    revision=revision,
                    operation=operation,
                    sequence=step["sequence"],
                    position=position,
                    title=step["title"],
                    instruction=step.get("instruction") or "",
                    instruction_html=rendered(step.get("instruction") or ""),
                    tools=step.get("tools") or [],
                    qualification=step.get("qualification") or "",
                    signoff=step.get("signoff") or "operator",
                )
            )
    steps = Step.objects.bulk_create(steps, batch_size=2000)
    step_data = [step for operation in document["operations"] for step in operation["steps"]]
    part_revisions = {part["part_number"]: part["revision"] for part in document["parts"]}
    materials, characteristics, media = [], [], []
    for step, data in zip(steps, step_data, strict=True):
        for order, material in enumerate(data.get("materials") or []):
            materials.append(
                MaterialRequirement(
                    step=step,
                    order=order,
                    part_number=material["part_number"],
                    quantity=Decimal(str(material["quantity"])),  # required by the schema
                    allowed_revisions=material.get("allowed_revisions")
                    or [part_revisions[material["part_number"]]],
                    alternates=material.get("alternates") or [],
                )
            )
        for order, characteristic in enumerate(data.get("characteristics") or []):
            characteristics.append(
                Characteristic(
                    step=step,
                    revision=revision,
                    order=order,
                    code=characteristic["code"],
                    name=characteristic["name"],
                    kind=characteristic["kind"],
                    nominal=_decimal(characteristic.get("nominal")),
                    lower=_decimal(characteristic.get("lower")),
                    upper=_decimal(characteristic.get("upper")),
                    unit=characteristic.get("unit") or "",
                    gauge=characteristic.get("gauge") or "",
                )
            )
        for order, item in enumerate(data.get("media") or []):
            name, content_type, size, sha = media_files[item["path"]]
            media.append(
                StepMedia(
                    step=step,
                    order=order,
                    path=item["path"],
                    caption=item.get("caption") or "",
                    file=name,
                    content_type=content_type,
                    size=size,
                    sha256=sha,
                )
            )
    MaterialRequirement.objects.bulk_create(materials, batch_size=2000)
    Characteristic.objects.bulk_create(characteristics, batch_size=2000)
    StepMedia.objects.bulk_create(media, batch_size=2000)
    return revision


def _store_parts(revision: Revision, parts: list[dict], *, draft: bool) -> None:
    RevisionPart.objects.bulk_create(
        [
            RevisionPart(
                revision=revision,
                part_number=part["part_number"],
                part_revision=part["revision"],
                name=part["name"],
                uom=part["uom"],
                tracking=part["tracking"],
                gtin=part.get("gtin") or "",
                shelf_life_days=part.get("shelf_life_days"),
            )
            for part in parts
        ]
    )
    if draft:
        return  # a preview never sets a part's master data: the first real release does
    known = set(
        Part.objects.filter(part_number__in=[part["part_number"] for part in parts]).values_list(
            "part_number", flat=True
        )
    )
    Part.objects.bulk_create(
        [
            Part(
                part_number=part["part_number"],
                name=part["name"],
                uom=part["uom"],
                tracking=part["tracking"],
                gtin=part.get("gtin") or "",
                shelf_life_days=part.get("shelf_life_days"),
            )
            for part in parts
            if part["part_number"] not in known
        ],
        ignore_conflicts=True,
    )
