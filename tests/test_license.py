"""The licence the project declares is the licence it ships (pyproject.toml ↔ LICENSE)."""

import hashlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The GNU AGPL v3 as the FSF publishes it (https://www.gnu.org/licenses/agpl-3.0.txt, 34,523 bytes).
AGPL_3_SHA256 = "61889a7d093284575db373386b30e3ba3ff505b773d2c2102215e462cc6a7689"


def test_pyproject_declares_the_agpl_and_ships_the_license_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "AGPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]


def test_license_file_is_the_verbatim_gnu_agpl_version_3():
    text = (ROOT / "LICENSE").read_bytes()
    assert text.startswith(
        b"                    GNU AFFERO GENERAL PUBLIC LICENSE\n"
        b"                       Version 3, 19 November 2007\n"
    )
    assert hashlib.sha256(text).hexdigest() == AGPL_3_SHA256
