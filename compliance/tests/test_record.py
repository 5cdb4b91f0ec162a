"""The record of processing (GDPR Art. 30) is written from configuration and data (#16)."""

import io

import pytest
from pypdf import PdfReader

from audit.actions import Action
from audit.models import AccessEvent
from compliance.record import build_record
from consent.tests.factories import make_template
from imaging.tests.factories import make_photo
from pixiodoc import processing
from pixiodoc.testing import store_blobs_in
from sharing.tests.factories import make_link


@pytest.fixture(autouse=True)
def blob_root(settings, tmp_path):
    return store_blobs_in(settings, tmp_path / "blobs")


def pdf_text(content: bytes) -> str:
    return " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(content)).pages
    ).replace("\n", " ")


def test_the_record_reflects_purposes_recipients_retention_and_measures(
    owner, clinician, compliance
):
    make_template(practice=owner.practice, title="Teaching photographs form")
    make_photo(actor=clinician, body_region="hand")
    make_link(actor=clinician, recipient_email="grey@example.org")
    make_link(actor=clinician, recipient_email="Grey@example.org")

    record = build_record(member=compliance)

    purposes = {label: forms for label, _, forms in record.purposes}
    assert set(purposes) == {
        "Treatment documentation",
        "Second-opinion sharing",
        "Teaching",
        "Publication",
    }
    assert "Teaching photographs form" in purposes["Teaching"]
    subjects = dict(record.subjects)
    # Counts of the whole practice, though compliance opens no record itself.
    assert subjects["Patients"] == "3 records held"
    assert subjects[
        "Recipients of share links (clinicians asked for a second opinion)"
    ].startswith("1 in the last 12 months")
    assert (
        "2 links created in the last 12 months, 2 open now"
        in dict(record.recipients)["Share links (second opinion)"][0]
    )
    assert (
        "1 photographs; by body region: hand 1"
        in dict(record.data)["Clinical photographs (health data, Art. 9)"]
    )
    assert dict(record.retention)["Patient records"].startswith("10 years")
    assert "3 of 3 active members enrolled" in dict(record.measures)["Sign-in"]
    assert record.configuration["RETENTION_DEFAULT_YEARS"] == 10
    assert len(record.fingerprint) == 16


def test_another_app_adds_its_recipients_through_the_registry(compliance):
    processing.register_recipients(
        "Publishers", lambda practice: ["Journal of Dermatology, London"]
    )
    try:
        record = build_record(member=compliance)
    finally:
        processing._recipients.pop("Publishers")
    assert dict(record.recipients)["Publishers"] == ["Journal of Dermatology, London"]


def test_a_changed_setting_changes_the_fingerprint(compliance, settings):
    before = build_record(member=compliance).fingerprint
    settings.EXPORT_TTL_HOURS = 48
    assert build_record(member=compliance).fingerprint != before


def test_the_pdf_names_what_it_should_and_is_audited(client_for, compliance, owner):
    response = client_for(compliance).get("/compliance/record-of-processing.pdf")

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "Record of processing activities",
        "Test Clinic",
        "Second-opinion sharing",
        "Share links (second opinion)",
        "AES-256-GCM",
        "Configuration this record reflects",
        owner.user.email,
    ):
        assert expected in text, expected
    event = AccessEvent.objects.get(action=Action.PROCESSING_RECORD_EXPORTED)
    assert event.member == compliance and len(event.details["fingerprint"]) == 16


def test_only_owner_and_compliance_reach_the_desk(client_for, members):
    for role, expected in [
        ("owner", 200),
        ("compliance", 200),
        ("clinician", 403),
        ("assistant", 403),
    ]:
        assert client_for(members[role]).get("/compliance/").status_code == expected
