"""The FHIR R4 Bundle of a patient (issue 14, item 4), checked with fhir.resources' R4B models."""

import io
import json
import zipfile

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from audit.models import AccessEvent
from consent.services import withdraw_consent
from consent.tests.factories import make_consent
from interop import dicom
from interop.exports import export_fhir
from interop.tests.factories import make_record, photos_of
from patients.lifecycle.export import build_archive, start_export

pytestmark = pytest.mark.django_db


def resources(bundle: dict, kind: str) -> list[dict]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind
    ]


def exported(member, patient) -> dict:
    raw = export_fhir(actor=member, patient=patient)
    Bundle.model_validate_json(raw)  # raises on anything R4(B) does not allow
    return json.loads(raw)


def test_the_bundle_is_a_valid_collection_of_the_record(clinician):
    patient, _ = make_record(actor=clinician, given_name="Ada", sex="female")
    bundle = exported(clinician, patient)
    assert bundle["type"] == "collection"
    (person,) = resources(bundle, "Patient")
    assert person["identifier"][0]["value"] == patient.record_number
    assert person["name"][0] == {"family": "Lovelace", "given": ["Ada"]}
    assert (person["gender"], person["birthDate"]) == ("female", "1980-12-10")
    assert len(resources(bundle, "Encounter")) == 2
    assert len(resources(bundle, "Media")) == 3
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    for media in resources(bundle, "Media"):
        assert media["subject"]["reference"] in full_urls
        assert media["encounter"]["reference"] in full_urls


def test_media_carry_the_snomed_body_site_and_the_dicom_instance(clinician):
    patient, hand = make_record(actor=clinician)
    bundle = exported(clinician, patient)
    media = {m["id"]: m for m in resources(bundle, "Media")}[str(hand.uuid)]
    assert media["bodySite"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "85562004",
        "display": "Hand",
    }
    side = media["bodySite"]["extension"][0]["valueCoding"]
    assert (side["system"], side["code"]) == ("http://snomed.info/sct", "7771000")
    uid = dicom.instance_uid(photo=hand, root=dicom.uid_root_for(patient.practice))
    assert media["content"]["url"] == f"urn:oid:{uid}"
    assert media["createdDateTime"].startswith("2026-01-15T09:30:05")


def test_consents_give_a_provision_per_purpose_and_withdrawal_ends_them(clinician):
    patient, _ = make_record(actor=clinician)
    later = make_consent(
        patient=patient,
        witness=clinician,
        granted=["treatment", "teaching"],
        refused=["publication"],
    )
    withdraw_consent(
        actor=clinician,
        patient=patient,
        purpose="teaching",
        withdrawn_on=timezone.localdate(),
    )
    bundle = exported(clinician, patient)
    consent = {c["id"]: c for c in resources(bundle, "Consent")}[str(later.uuid)]
    by_purpose = {p["purpose"][0]["code"]: p for p in consent["provision"]["provision"]}
    assert by_purpose["treatment"]["type"] == "permit"
    assert by_purpose["publication"]["type"] == "deny"
    assert by_purpose["teaching"]["type"] == "deny"
    assert "start" in by_purpose["teaching"]["period"]
    assert consent["status"] == "active"  # treatment still holds
    withdraw_consent(
        actor=clinician,
        patient=patient,
        purpose="treatment",
        withdrawn_on=timezone.localdate(),
    )
    consent = {c["id"]: c for c in resources(exported(clinician, patient), "Consent")}
    assert consent[str(later.uuid)]["status"] == "inactive"


def test_the_export_is_audited_without_phi(clinician):
    patient, _ = make_record(actor=clinician, family_name="Zebedee")
    exported(clinician, patient)
    event = AccessEvent.objects.filter(action="fhir_exported").get()
    assert event.patient_uuid == patient.uuid
    assert "Zebedee" not in json.dumps(event.details)


def test_only_this_patients_photos_are_in_it(clinician):
    patient, _ = make_record(actor=clinician)
    other, _ = make_record(actor=clinician)
    media = resources(exported(clinician, patient), "Media")
    assert {m["id"] for m in media} == {str(p.uuid) for p in photos_of(patient)}
    assert not {m["id"] for m in media} & {str(p.uuid) for p in photos_of(other)}


# S31
def test_the_patient_export_zip_holds_the_bundle(clinician):
    patient, _ = make_record(actor=clinician)
    export = start_export(actor=clinician, patient=patient)
    archive, _, _ = build_archive(patient=patient, export=export)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        raw = zipped.read("fhir/bundle.json")
        data = json.loads(zipped.read("data.json"))
    bundle = Bundle.model_validate_json(raw)
    assert (
        len([e for e in bundle.entry if e.resource.get_resource_type() == "Media"]) == 3
    )
    assert data["fhir"]["file"] == "fhir/bundle.json"
