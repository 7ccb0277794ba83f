"""manage.py import_release PATH: the same service as the API, for installers and scripts."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import AuditEntry
from instructions.models import Revision, StepMedia
from tests.instructions.test_intake_bundles import bundle, jpeg_bytes, pdf_bytes, png_bytes, with_media
from tests.instructions.test_intake_malformed import snapshot


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_release", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def release_file(tmp_path, release_b_document):
    path = tmp_path / "release.json"
    path.write_text(json.dumps(release_b_document))
    return path


@pytest.mark.invariant(9)
def test_a_json_release_is_stored(db, release_file):
    code, out, err = run(str(release_file))
    revision = Revision.objects.get()
    assert (code, out, err) == (
        0,
        "100-200 rev B (id {}, release ECO-0987): stored\n".format(revision.pk),
        "",
    )
    entry = AuditEntry.objects.get(action="revision.accepted")
    assert entry.actor_label == "import-release-command"


@pytest.mark.invariant(9)
def test_an_identical_import_is_unchanged(db, release_file):
    run(str(release_file))
    before = snapshot()
    code, out, _err = run(str(release_file))
    assert (code, out.endswith("): unchanged\n")) == (0, True)
    assert snapshot() == before


def test_a_zip_bundle_is_stored_with_its_media(db, tmp_path, release_b_document):
    path = tmp_path / "release.zip"
    path.write_bytes(
        bundle(
            with_media(release_b_document),
            {
                "media/op10-step10.png": png_bytes(),
                "media/op10-step20.jpg": jpeg_bytes(),
                "media/torque-chart.pdf": pdf_bytes(),
            },
        )
    )
    code, out, _err = run(str(path))
    assert (code, out.endswith("): stored\n"), StepMedia.objects.count()) == (0, True, 3)


@pytest.mark.invariant(9)
def test_a_refused_release_prints_each_problem_and_exits_1(db, tmp_path, release_b_document):
    release_b_document["parts"][0]["gtin"] = "09506000134353"
    release_b_document["operations"][0]["steps"][0]["materials"][0]["quantity"] = 2
    path = tmp_path / "release.json"
    path.write_text(json.dumps(release_b_document))
    before = snapshot()
    code, out, err = run(str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "/parts/0/gtin: GTIN 09506000134353 has a wrong check digit. Copy it again from the part master.",
        "/operations/0/steps/0/materials/0/quantity: Part 200-010 is tracked by serial: its quantity must "
        "be 1 (list it again for several).",
    ]
    assert snapshot() == before


def test_different_content_under_a_stored_revision_exits_1(db, release_file, release_b_document):
    run(str(release_file))
    release_b_document["operations"][0]["title"] = "Mount the PCB"
    release_file.write_text(json.dumps(release_b_document))
    before = snapshot()
    code, _out, err = run(str(release_file))
    assert code == 1 and err.startswith(
        "/revision: 100-200 revision B is already stored with different content"
    )
    assert snapshot() == before


def test_broken_json_exits_1(db, tmp_path):
    path = tmp_path / "release.json"
    path.write_text('{"schema": ')
    code, _out, err = run(str(path))
    assert code == 1 and err.startswith("/: The document is not valid JSON")
    assert Revision.objects.count() == 0


def test_a_missing_file_exits_1(db, tmp_path):
    code, _out, err = run(str(tmp_path / "nope.json"))
    assert code == 1 and "Cannot read" in err


def test_an_identity_without_the_right_exits_1(operator, release_file):
    code, _out, err = run(str(release_file), "--as", operator.username)
    assert code == 1 and "may not import releases" in err
    assert Revision.objects.count() == 0


def test_an_engineer_may_import_under_their_own_name(engineer, release_file):
    code, _out, _err = run(str(release_file), "--as", engineer.username)
    assert code == 0
    assert Revision.objects.get().accepted_by == engineer


def test_the_default_identity_is_created_once_through_the_identities_service(db, release_file):
    # when two imports run without --as
    run(str(release_file))
    run(str(release_file))
    # then one system identity was created, audited once, and the import is recorded under it
    created = AuditEntry.objects.filter(
        action="identity.created", summary__startswith="import-release-command"
    )
    assert created.count() == 1
    assert created.get().summary == "import-release-command (integration, system)"
    assert set(
        AuditEntry.objects.filter(action="revision.accepted").values_list("actor_label", flat=True)
    ) == {"import-release-command"}


def test_a_person_of_the_system_identity_name_is_not_borrowed(db, release_file):
    # given a person who happens to carry the system identity's name
    from tests.conftest import make_person

    make_person("import-release-command", "engineer", full_name="Imposter Engineer")
    # when an import runs without --as, it is refused: nothing is recorded under that person
    code, _out, err = run(str(release_file))
    assert code == 1
    assert "not a system identity" in err
    assert not Revision.objects.exists()
