"""The DICOM VL Photographic Image of a photo (issue 14, item 1)."""

import io
import shutil
import subprocess

import pytest
from pydicom import dcmread
from pydicom.encaps import generate_frames
from pydicom.uid import UID

from imaging.services import read_rendition
from interop import dicom, uids
from interop.exceptions import InteropError
from interop.models import DicomSettings
from interop.tests.factories import make_record, photos_of

pytestmark = pytest.mark.django_db


def datasets(patient, member):
    root = dicom.uid_root_for(patient.practice)
    return [
        dicom.photo_dataset(
            photo=photo,
            original=read_rendition(
                actor=member, photo=photo, rendition="original", audit=False
            ),
            root=root,
        )
        for photo in photos_of(patient)
    ]


def reread(ds):
    return dcmread(io.BytesIO(dicom.encode(ds)))


def test_a_photo_becomes_a_vl_photographic_image_with_the_original_jpeg(clinician):
    patient, hand = make_record(
        actor=clinician, given_name="Zoë", family_name="Ødegård", sex="female"
    )
    ds = reread(datasets(patient, clinician)[0])
    original = read_rendition(
        actor=clinician, photo=hand, rendition="original", audit=False
    )
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.77.1.4"
    assert ds.Modality == "XC"
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.4.50"
    assert ds.PatientID == patient.record_number
    assert str(ds.PatientName) == "Ødegård^Zoë"
    assert ds.PatientBirthDate == "19801210"
    assert ds.PatientSex == "F"
    # The stored JPEG, byte for byte (a pad byte only makes the fragment even).
    frame = next(generate_frames(ds.PixelData, number_of_frames=1))
    assert frame.rstrip(b"\x00") == original.rstrip(b"\x00")
    assert len(frame) - len(original) in (0, 1)
    assert (ds.Rows, ds.Columns) == (hand.height, hand.width)
    assert ds.PhotometricInterpretation == "YBR_FULL_422"
    assert ds.pixel_array.shape == (hand.height, hand.width, 3)


def test_region_and_side_are_snomed_ct_codes(clinician):
    patient, _ = make_record(actor=clinician)
    ds = datasets(patient, clinician)[0]
    region = ds.AnatomicRegionSequence[0]
    assert (region.CodeValue, region.CodingSchemeDesignator) == ("85562004", "SCT")
    assert region.CodeMeaning == "Hand"
    side = region.AnatomicRegionModifierSequence[0]
    assert (side.CodeValue, side.CodeMeaning) == ("7771000", "Left")
    face = datasets(patient, clinician)[2].AnatomicRegionSequence[0]
    assert face.CodeValue == "89545001"
    assert "AnatomicRegionModifierSequence" not in face


def test_acquisition_time_is_the_capture_time_else_the_upload_time(clinician):
    patient, hand = make_record(actor=clinician)
    taken, untimed = datasets(patient, clinician)[:2]
    assert taken.AcquisitionDateTime == "20260115093005"
    assert untimed.AcquisitionDateTime == dicom.acquired_at(
        photos_of(patient)[1]
    ).strftime("%Y%m%d%H%M%S")


def test_one_study_per_visit_one_series_per_visit_and_region(clinician):
    patient, _ = make_record(actor=clinician)
    first, second, face = datasets(patient, clinician)
    assert first.StudyInstanceUID == second.StudyInstanceUID != face.StudyInstanceUID
    assert first.SeriesInstanceUID == second.SeriesInstanceUID
    assert face.SeriesInstanceUID != first.SeriesInstanceUID
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert first.StudyDate == "20260115"


def test_uids_are_stable_and_under_the_practice_root(clinician):
    patient, _ = make_record(actor=clinician)
    once = [ds.SOPInstanceUID for ds in datasets(patient, clinician)]
    again = [ds.SOPInstanceUID for ds in datasets(patient, clinician)]
    assert once == again
    root = DicomSettings.objects.get(practice=patient.practice).uid_root
    assert root.startswith("2.25.")
    for ds in datasets(patient, clinician):
        for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID):
            assert uid.startswith(root + ".")
            assert UID(uid).is_valid


def test_an_owner_set_root_is_used(clinician):
    patient, _ = make_record(actor=clinician)
    DicomSettings.objects.create(
        practice=patient.practice, uid_root="1.2.826.0.1.3680043.10.999"
    )
    ds = datasets(patient, clinician)[0]
    assert ds.SOPInstanceUID.startswith("1.2.826.0.1.3680043.10.999.3.")


@pytest.mark.parametrize("bad", ["1.2.03", "1..2", "abc", "1.2." + "9" * 60, "1"])
def test_a_malformed_root_is_refused(bad):
    with pytest.raises(Exception, match="UID root"):
        uids.validate_uid_root(bad)


def test_a_progressive_jpeg_is_not_wrapped_as_baseline(clinician):
    from imaging.tests import images

    progressive = images.encode(images.drawing(), "JPEG", progressive=True)
    with pytest.raises(InteropError, match="baseline"):
        dicom.jpeg.read_frame(progressive)


def test_the_file_set_has_a_dicomdir_naming_every_object(clinician, tmp_path):
    from pydicom.fileset import FileSet

    patient, _ = make_record(actor=clinician)
    files = dicom.file_set(datasets(patient, clinician))
    for path, content in files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    names = [path for path, _ in files]
    assert names[-1] == "DICOMDIR"
    assert sorted(p.name for p in tmp_path.rglob("*.dcm")) == [
        "IM000001.dcm",
        "IM000002.dcm",
        "IM000003.dcm",
    ]
    loaded = FileSet(tmp_path / "DICOMDIR")
    assert len(loaded) == 3
    assert len(loaded.find(PatientID=patient.record_number)) == 3
    assert {i.path for i in loaded} == {str(tmp_path / n) for n in names[:-1]}
    # Two studies (visits) and two series under the first.
    assert len(loaded.find_values("StudyInstanceUID")) == 2
    assert len(loaded.find_values("SeriesInstanceUID")) == 2


DCIODVFY = shutil.which("dciodvfy")


def dciodvfy_errors(path) -> list[str]:
    result = subprocess.run(  # noqa: S603 - our own file
        [DCIODVFY, "-new", str(path)], capture_output=True, text=True, check=False
    )
    return [line for line in result.stderr.splitlines() if line.startswith("Error")]


@pytest.mark.skipif(
    DCIODVFY is None, reason="dciodvfy missing: apt install dicom3tools"
)
def test_dciodvfy_finds_no_error_in_the_objects(clinician, tmp_path):
    patient, _ = make_record(actor=clinician)
    for n, ds in enumerate(datasets(patient, clinician)):
        path = tmp_path / f"{n}.dcm"
        path.write_bytes(dicom.encode(ds))
        assert dciodvfy_errors(path) == [], path
