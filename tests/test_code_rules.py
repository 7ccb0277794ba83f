"""Project-wide rules that a reviewer should not have to catch by eye."""

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
