"""Project-wide rules that a reviewer should not have to catch by eye."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_no_f_strings_or_concatenation_inside_translation_calls():
    # flake8-gettext (INT001-INT003): a message id that changes per call is never translated
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed: pip install -e '.[dev]'")
    result = subprocess.run(
        [ruff, "check", "--select", "INT", "--no-cache", "mes", "core", "line", "instructions", "quality"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_no_template_uses_inline_script_which_the_csp_forbids():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if "<script>" in text or " onclick=" in text or " onload=" in text or "hx-on" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


# Bookkeeping that only the kernel's `core.acts.record` writes (docs/architecture.md, "How an act
# is recorded"): an app writing an audit entry or an outbound event itself bypasses it.
KERNEL_ONLY_CALLS = {
    ("audit", "record"): "audit.record",
    ("outbox", "emit"): "outbox.emit",
    ("AuditEntry", "objects", "create"): "AuditEntry.objects.create",
    ("OutboxEvent", "objects", "create"): "OutboxEvent.objects.create",
    ("AuditEntry", "objects", "bulk_create"): "AuditEntry.objects.bulk_create",
    ("OutboxEvent", "objects", "bulk_create"): "OutboxEvent.objects.bulk_create",
}
KERNEL_ONLY_NAMES = {"record": "core.audit", "emit": "core.outbox"}  # `from core.audit import record`


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return tuple(reversed(parts))
    return None


def kernel_bypasses(source: str, path: str) -> list[str]:
    """Calls in `source` that write an audit entry or an outbound event without `core.acts`."""
    tree = ast.parse(source, filename=path)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("core.audit", "core.outbox"):
            imported.update(
                alias.asname or alias.name for alias in node.names if alias.name in KERNEL_ONLY_NAMES
            )
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if name is None:
            continue
        if name[-3:] in KERNEL_ONLY_CALLS or name[-2:] in KERNEL_ONLY_CALLS:
            found.append("{}:{} {}".format(path, node.lineno, ".".join(name)))
        elif len(name) == 1 and name[0] in imported:
            found.append("{}:{} {}".format(path, node.lineno, name[0]))
    return found


def test_kernel_bypass_detector_finds_each_form():
    source = (
        "from core import audit, outbox\nfrom core.audit import record as r\n"
        "audit.record(actor=None)\noutbox.emit('x')\nr(actor=None)\n"
        "AuditEntry.objects.create()\nmodels.OutboxEvent.objects.create()\nacts.record(actor=None)\n"
    )
    assert [hit.split(" ")[1] for hit in kernel_bypasses(source, "x.py")] == [
        "audit.record",
        "outbox.emit",
        "r",
        "AuditEntry.objects.create",
        "models.OutboxEvent.objects.create",
    ]


def test_only_the_kernel_records_acts():
    """Outside core/, an act is recorded by `core.acts.record` alone: no app writes an audit entry or
    an outbound event itself (issue 10, "One act, one record")."""
    offenders = []
    for app in ("mes", "line", "quality", "instructions"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            offenders += kernel_bypasses(path.read_text(), str(path.relative_to(ROOT)))
    assert offenders == []
