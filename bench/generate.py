"""A generated release that reads like a real one: operations at several work centers, lot and
serial materials with alternates, variable and attribute characteristics, tools, qualifications
and Markdown instructions (each step's text is its own, so nothing is rendered twice).
Deterministic: the same arguments give the same document."""

import random

WORK_CENTERS = ["KIT-1", "ASSY-1", "ASSY-2", "SOLDER-1", "TEST-1", "PACK-1"]
VERBS = ["Place", "Fasten", "Align", "Inspect", "Route", "Torque", "Clean", "Label", "Connect", "Seat"]
THINGS = [
    "PCB",
    "housing",
    "cable harness",
    "gasket",
    "cover",
    "heat sink",
    "connector",
    "fan",
    "bracket",
    "display",
]


def generate_release(
    *,
    steps: int = 5000,
    operations: int = 25,
    parts: int = 60,
    part_number: str = "900-100",
    revision: str = "A",
    seed: int = 7,
) -> dict:
    """A valid threadline.mbom-release/1 document with `steps` steps spread over `operations` operations."""
    rng = random.Random(seed)
    part_list = [
        {
            "part_number": "P-{:05d}".format(index),
            "revision": rng.choice("ABC"),
            "name": "{} {}".format(rng.choice(THINGS).capitalize(), index),
            "uom": "ML" if index % 10 == 9 else "EA",
            "tracking": "serial" if index % 7 == 0 else ("none" if index % 5 == 4 else "lot"),
            **({"shelf_life_days": 365} if index % 10 == 9 else {}),
        }
        for index in range(parts)
    ]
    per_operation = [
        steps // operations + (1 if index < steps % operations else 0) for index in range(operations)
    ]
    characteristic_number = 0
    operation_list = []
    for o, count in enumerate(per_operation):
        step_list = []
        for s in range(count):
            verb, thing = rng.choice(VERBS), rng.choice(THINGS)
            step: dict = {
                "sequence": (s + 1) * 10,
                "title": "{} the {}".format(verb, thing),
                "instruction": (
                    "{verb} the **{thing}** ({o}.{s}) as shown. Check that:\n\n"
                    "- nothing is scratched or bent;\n- the label faces the operator;\n- the part sits "
                    "flat.\n\n"
                    "Stop and call the line lead if the {thing} does not fit."
                ).format(verb=verb, thing=thing, o=o + 1, s=s + 1),
            }
            if s % 2 == 0:
                chosen = rng.sample(part_list, 2)
                materials = []
                for part in chosen:
                    material: dict = {
                        "part_number": part["part_number"],
                        "quantity": 1 if part["tracking"] == "serial" else rng.choice([1, 2, 4, 0.5, 2.25]),
                    }
                    if rng.random() < 0.2:
                        alternate = rng.choice(
                            [p for p in part_list if p["part_number"] != part["part_number"]]
                        )
                        material["alternates"] = [alternate["part_number"]]
                    if rng.random() < 0.1:
                        material["allowed_revisions"] = sorted({part["revision"], "D"})
                    materials.append(material)
                step["materials"] = materials
            if s % 5 == 1:
                characteristic_number += 1
                nominal = rng.choice([0.6, 1.2, 2.5, 12.0])
                step["characteristics"] = [
                    {
                        "code": "C{:05d}".format(characteristic_number),
                        "name": "Torque of the {}".format(thing),
                        "kind": "variable",
                        "nominal": nominal,
                        "lower": round(nominal * 0.9, 4),
                        "upper": round(nominal * 1.1, 4),
                        "unit": "N.m",
                        "gauge": "torque driver",
                    },
                    {
                        "code": "V{:05d}".format(characteristic_number),
                        "name": "No visible damage",
                        "kind": "attribute",
                    },
                ]
                step["tools"] = ["TD-{}".format(nominal)]
            if s % 50 == 0:
                step["qualification"] = "ESD-1"
                step["signoff"] = "operator+inspector"
            step_list.append(step)
        operation_list.append(
            {
                "sequence": (o + 1) * 10,
                "code": "OP{}".format((o + 1) * 10),
                "title": "Operation {}".format(o + 1),
                "work_center": WORK_CENTERS[o % len(WORK_CENTERS)],
                "standard_minutes": round(count * 0.75, 2),
                "steps": step_list,
            }
        )
    return {
        "schema": "threadline.mbom-release/1",
        "release_id": "ECO-BENCH-{}".format(seed),
        "released_at": "2026-11-02T09:30:00Z",
        "released_by": "bench",
        "product": {
            "part_number": part_number,
            "name": "Benchmark controller",
            "uom": "EA",
            "tracking": "serial",
        },
        "revision": revision,
        "effectivity": {
            "serial_from": "BC-00001",
            "serial_to": None,
            "date_from": "2026-11-03",
            "date_to": None,
        },
        "in_flight": "continue",
        "parts": part_list,
        "operations": operation_list,
    }
