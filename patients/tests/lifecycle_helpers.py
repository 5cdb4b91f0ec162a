"""Builders for lifecycle tests: patients with blobs, approved erasures."""

from datetime import date

from patients.lifecycle import erasure as erasure_service
from patients.tests.factories import make_patient, make_visit
from pixiodoc import blobs


def make_patient_with_blobs(*, actor, blobs_count=3, **extra):
    patient = make_patient(actor=actor, **extra)
    make_visit(actor=actor, patient=patient)
    names = [
        blobs.save_blob(
            patient, obj=patient.uuid, label=f"test-{i}", plaintext=b"secret %d" % i
        )
        for i in range(blobs_count)
    ]
    return patient, names


def approved_erasure(*, patient, requester, approver, captured=None):
    erasure = erasure_service.request_erasure(
        actor=requester, patient=patient, asked_on=date(2026, 11, 1), reason="asked"
    )
    return erasure_service.approve_erasure(
        actor=approver, erasure=erasure, reason="no duty to keep"
    )
