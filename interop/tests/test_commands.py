"""export_dicom and export_fhir as the issue states them (issue 14, Commands)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B.bundle import Bundle
from pydicom import dcmread
from pydicom.fileset import FileSet

from interop.tests.factories import make_record, photos_of

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_dicom_writes_a_dcm_per_photo_and_a_dicomdir(owner, tmp_path):
    patient, _ = make_record(actor=owner)
    out = tmp_path / "dicom"
    printed = run(
        "export_dicom",
        "--practice",
        "test",
        "--patient",
        patient.record_number,
        "--out",
        str(out),
    )
    files = sorted(out.rglob("*.dcm"))
    assert len(files) == len(photos_of(patient)) == 3
    assert (out / "DICOMDIR").is_file()
    assert printed.splitlines() == [f"wrote {p}" for p in (*files, out / "DICOMDIR")]
    assert {dcmread(f).PatientID for f in files} == {patient.record_number}
    assert len(FileSet(out / "DICOMDIR")) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--practice", "nowhere", "--patient", "R-1"],
        ["--practice", "test", "--patient", "NO-SUCH-RECORD"],
    ],
)
def test_export_dicom_exits_2_on_bad_arguments(owner, tmp_path, args):
    with pytest.raises(CommandError) as raised:
        run("export_dicom", *args, "--out", str(tmp_path / "x"))
    assert raised.value.returncode == 2


def test_export_dicom_does_not_overwrite_a_file_set(owner, tmp_path):
    patient, _ = make_record(actor=owner)
    args = ["--practice", "test", "--patient", patient.record_number]
    run("export_dicom", *args, "--out", str(tmp_path))
    with pytest.raises(CommandError) as raised:
        run("export_dicom", *args, "--out", str(tmp_path))
    assert raised.value.returncode == 2


def test_another_practices_patient_is_not_found(owner, outsider, tmp_path):
    theirs, _ = make_record(actor=outsider)
    with pytest.raises(CommandError) as raised:
        run(
            "export_dicom",
            "--practice",
            "test",
            "--patient",
            theirs.record_number,
            "--out",
            str(tmp_path),
        )
    assert raised.value.returncode == 2


def test_export_fhir_writes_the_bundle(owner, tmp_path):
    patient, _ = make_record(actor=owner)
    out = tmp_path / "bundle.json"
    run(
        "export_fhir",
        "--practice",
        "test",
        "--patient",
        patient.record_number,
        "--out",
        str(out),
    )
    bundle = Bundle.model_validate_json(out.read_bytes())
    assert bundle.type == "collection"
    assert json.loads(out.read_text())["entry"][0]["resource"]["id"] == str(
        patient.uuid
    )


def test_export_fhir_exits_2_without_a_folder(owner, tmp_path):
    patient, _ = make_record(actor=owner)
    with pytest.raises(CommandError) as raised:
        run(
            "export_fhir",
            "--practice",
            "test",
            "--patient",
            patient.record_number,
            "--out",
            str(tmp_path / "missing" / "bundle.json"),
        )
    assert raised.value.returncode == 2
