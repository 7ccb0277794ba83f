from instructions.models.products import Part, Product
from instructions.models.revisions import (
    Characteristic,
    MaterialRequirement,
    Operation,
    Revision,
    RevisionPart,
    Step,
    StepMedia,
)

__all__ = [
    "Characteristic",
    "MaterialRequirement",
    "Operation",
    "Part",
    "Product",
    "Revision",
    "RevisionPart",
    "Step",
    "StepMedia",
]
