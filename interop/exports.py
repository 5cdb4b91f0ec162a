"""DICOM and FHIR exports of a patient, audited (issue 14, items 1, 4 and 5).

A member's export reads what that member may see (imaging's and patients'
scoping selectors) and writes one event naming how many photos left, never
who the patient is (S27). The FHIR bundle also goes into the patient export
ZIP through the section registered in apps.py.
"""

import json
import logging

from django.utils.translation import gettext

from audit.actions import Action
from audit.services import record_event
from consent.selectors import consent_history
from imaging.models import Photo
from imaging.selectors import patient_photos
from imaging.services import PhotoUnreadable, read_rendition
from interop import dicom, fhir
from interop.exceptions import InteropError
from patients.selectors import timeline_visits

logger = logging.getLogger(__name__)


def photos_to_export(*, member, patient, visit=None) -> list[Photo]:
    photos = patient_photos(member=member, patient=patient).select_related(
        "patient__practice"
    )
    if visit is not None:
        photos = photos.filter(visit=visit)
    return list(photos.order_by("visit__visit_on", "body_region", "created_at", "id"))


def dicom_datasets(*, actor, photos, root: str):
    """The DICOM object of each readable photo; unreadable ones are left out
    (read_rendition records the integrity failure, S18)."""
    datasets = []
    for photo in photos:
        try:
            original = read_rendition(
                actor=actor, photo=photo, rendition="original", audit=False
            )
        except PhotoUnreadable:
            continue
        datasets.append(dicom.photo_dataset(photo=photo, original=original, root=root))
    return datasets


def export_dicom(
    *, actor, patient, visit=None, request=None
) -> list[tuple[str, bytes]]:
    """The file-set (objects and DICOMDIR) of a patient's or one visit's photos."""
    if not actor.may("view_patients") or patient.practice_id != actor.practice_id:
        raise InteropError(
            gettext("Only staff of this practice may export its photos.")
        )
    photos = photos_to_export(member=actor, patient=patient, visit=visit)
    if not photos:
        raise InteropError(gettext("There are no photos to export."))
    root = dicom.uid_root_for(patient.practice)
    datasets = dicom_datasets(actor=actor, photos=photos, root=root)
    record_event(
        action=Action.DICOM_EXPORTED,
        actor=actor,
        request=request,
        target=visit or patient,
        patient=patient,
        details={
            "photos": [str(p.uuid) for p in photos],
            "written": len(datasets),
        },
    )
    if not datasets:
        raise InteropError(
            gettext("None of these photos could be read; nothing to export.")
        )
    return dicom.file_set(datasets)


def bundle_for(*, patient, photos) -> dict:
    return fhir.patient_bundle(
        patient=patient,
        visits=list(timeline_visits(patient=patient).order_by("visit_on", "pk")),
        photos=photos,
        consents=consent_history(patient=patient)[::-1],
        root=dicom.uid_root_for(patient.practice),
    )


def export_fhir(*, actor, patient, request=None) -> bytes:
    """The patient's FHIR Bundle as JSON bytes; audited."""
    if not actor.may("view_patients") or patient.practice_id != actor.practice_id:
        raise InteropError(
            gettext("Only staff of this practice may export its records.")
        )
    bundle = bundle_for(
        patient=patient, photos=photos_to_export(member=actor, patient=patient)
    )
    record_event(
        action=Action.FHIR_EXPORTED,
        actor=actor,
        request=request,
        target=patient,
        patient=patient,
        details={"resources": len(bundle["entry"])},
    )
    return to_json(bundle)


def to_json(bundle: dict) -> bytes:
    return json.dumps(bundle, indent=2, ensure_ascii=False).encode()


def fhir_section(patient):
    """patients.exports section: the same Bundle, in the patient export ZIP (Art. 20)."""
    from patients.exports import ExportPart

    photos = list(
        Photo.objects.filter(patient=patient, deleted_at__isnull=True)
        .select_related("visit", "patient__practice")
        .order_by("visit__visit_on", "body_region", "created_at", "id")
    )
    bundle = bundle_for(patient=patient, photos=photos)
    return ExportPart(
        data={"file": "fhir/bundle.json", "resources": len(bundle["entry"])},
        files=[("bundle.json", to_json(bundle))],
    )
