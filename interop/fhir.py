"""A patient's record as a FHIR R4 Bundle of type collection (issue 14, item 4).

Patient, an Encounter per visit, a Media per photo (R4: Media left the standard
in R5) pointing at its DICOM instance, and a Consent per signed consent with a
provision per purpose. References are the `urn:uuid:` full URLs of the entries.
"""

from django.utils import timezone

from imaging import regions
from interop import dicom

SNOMED = "http://snomed.info/sct"
# PixioDoc's own code system and extension for what FHIR R4 has no code for.
BASE = "https://pixiodoc.org/fhir"
PURPOSE_SYSTEM = f"{BASE}/CodeSystem/consent-purpose"
LATERALITY_EXTENSION = f"{BASE}/StructureDefinition/body-site-laterality"
GENDER = {"female": "female", "male": "male", "other": "other"}


def _ref(obj) -> dict:
    return {"reference": f"urn:uuid:{obj.uuid}"}


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def patient_resource(patient) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": str(patient.uuid),
        "identifier": [
            {
                "use": "usual",
                "system": f"urn:uuid:{patient.practice.uuid}",
                "value": patient.record_number,
            }
        ],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.date_of_birth.isoformat(),
    }
    telecom = [
        {"system": system, "value": value}
        for system, value in (("email", patient.email), ("phone", patient.phone))
        if value
    ]
    if telecom:
        resource["telecom"] = telecom
    return resource


def encounter_resource(visit, patient) -> dict:
    resource = {
        "resourceType": "Encounter",
        "id": str(visit.uuid),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "subject": _ref(patient),
        "period": {"start": visit.visit_on.isoformat()},
    }
    if visit.reason:
        resource["reasonCode"] = [{"text": visit.reason}]
    return resource


def body_site(photo) -> dict:
    region = regions.BY_KEY[photo.body_region]
    site = {
        "coding": [{"system": SNOMED, "code": region.snomed, "display": region.label}],
        "text": region.label,
    }
    if photo.laterality in dicom.SIDES:
        code, label = dicom.SIDES[photo.laterality]
        site["text"] = f"{region.label}, {label.lower()}"
        # R4 has no laterality on Media.bodySite: SNOMED CT's qualifier, as an extension.
        site["extension"] = [
            {
                "url": LATERALITY_EXTENSION,
                "valueCoding": {"system": SNOMED, "code": code, "display": label},
            }
        ]
    return site


def media_resource(photo, patient, *, root: str) -> dict:
    uid = dicom.instance_uid(photo=photo, root=root)
    return {
        "resourceType": "Media",
        "id": str(photo.uuid),
        "identifier": [{"system": "urn:dicom:uid", "value": f"urn:oid:{uid}"}],
        "status": "completed",
        "type": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/media-type",
                    "code": "image",
                    "display": "Image",
                }
            ]
        },
        "modality": {
            "coding": [
                {
                    "system": "http://dicom.nema.org/resources/ontology/DCM",
                    "code": dicom.MODALITY,
                    "display": "External-camera Photography",
                }
            ]
        },
        "subject": _ref(patient),
        "encounter": _ref(photo.visit),
        "createdDateTime": dicom.acquired_at(photo).isoformat(),
        "bodySite": body_site(photo),
        "height": photo.height,
        "width": photo.width,
        # The pixels are the DICOM instance (and photos/<uuid>.jpg in an export).
        "content": {
            "contentType": "image/jpeg",
            "url": f"urn:oid:{uid}",
            "title": f"{photo.uuid}.jpg",
        },
    }


def consent_resource(consent, patient) -> dict:
    """Permit or deny per purpose as signed; a withdrawn purpose is denied from
    its withdrawal on, and a consent with nothing left permitted is inactive."""
    withdrawn = {w.purpose: w for w in consent.withdrawals.all()}
    provisions, permitted = [], 0
    labels = {a.purpose: a.get_purpose_display() for a in consent.answers.all()}
    for answer in consent.answers.all():
        provision = {
            "type": "permit" if answer.granted else "deny",
            "purpose": [
                {
                    "system": PURPOSE_SYSTEM,
                    "code": answer.purpose,
                    "display": labels[answer.purpose],
                }
            ],
        }
        withdrawal = withdrawn.get(answer.purpose)
        if answer.granted and withdrawal is not None:
            provision["type"] = "deny"
            provision["period"] = {"start": withdrawal.effective_at.isoformat()}
        elif answer.granted:
            permitted += 1
        provisions.append(provision)
    return {
        "resourceType": "Consent",
        "id": str(consent.uuid),
        "status": "active" if permitted or not withdrawn else "inactive",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                    "display": "Privacy Consent",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://loinc.org",
                        "code": "59284-0",
                        "display": "Patient Consent",
                    }
                ]
            }
        ],
        "patient": _ref(patient),
        "dateTime": consent.signed_at.isoformat(),
        "policyRule": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                    "code": "OPTIN",
                }
            ]
        },
        # Nothing is assumed (S30): denied unless a purpose is permitted below.
        "provision": {"type": "deny", "provision": provisions},
    }


def patient_bundle(*, patient, visits, photos, consents, root: str) -> dict:
    resources = [patient_resource(patient)]
    resources += [encounter_resource(v, patient) for v in visits]
    resources += [media_resource(p, patient, root=root) for p in photos]
    resources += [consent_resource(c, patient) for c in consents]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [_entry(r) for r in resources],
    }
