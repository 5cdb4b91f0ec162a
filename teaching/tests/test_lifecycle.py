"""The patient's teaching images in their export (S31)."""

import io
import json
import zipfile

from patients.lifecycle import export as export_service
from teaching.tests.factories import consenting_patient, face_photo, make_teaching_image


# S31
def test_the_patient_export_holds_their_teaching_images_and_no_one_elses(clinician):
    patient = consenting_patient(actor=clinician)
    mine = make_teaching_image(
        actor=clinician, photo=face_photo(actor=clinician, patient=patient)
    )
    other = make_teaching_image(actor=clinician, title="Someone else's")

    export = export_service.start_export(actor=clinician, patient=patient)
    export_service.build_export(export_uuid=str(export.uuid))
    export.refresh_from_db()
    _name, body = export_service.download_export(actor=clinician, export=export)

    archive = zipfile.ZipFile(io.BytesIO(body))
    data = json.loads(archive.read("data.json"))
    assert [r["uuid"] for r in data["teaching"]] == [str(mine.uuid)]
    assert f"teaching/{mine.uuid}.jpg" in archive.namelist()
    assert not any(str(other.uuid) in name for name in archive.namelist())
