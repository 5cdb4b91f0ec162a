"""Breach scoping (GDPR Art. 33/34): patients and data reached, the 72-hour clock (#16)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from audit.actions import Action
from audit.models import AccessEvent
from compliance.breach import scope_breach
from patients.tests.factories import make_patient
from sharing.tests.factories import grant_second_opinion, make_link

NOW = "2026-03-10 12:00:00+00:00"


@pytest.fixture
def seen(client_for, clinician, assistant):
    """The clinician opens two timelines, the assistant one, a recipient opens a link."""
    with time_machine.travel("2026-03-10 09:00:00+00:00"):
        first = make_patient(actor=clinician, record_number="MRN-B-1")
        second = make_patient(actor=clinician, record_number="MRN-B-2")
        third = make_patient(actor=clinician, record_number="MRN-B-3")
        for patient in (first, second):
            client_for(clinician).get(f"/patients/{patient.uuid}/")
        client_for(assistant).get(f"/patients/{third.uuid}/")
        grant_second_opinion(patient=third, witness=clinician)
        link, token = make_link(actor=clinician, patient=third)
        Client().post(f"/s/{token}/")
    return first, second, third, link


def window():
    start = timezone.make_aware(timezone.datetime(2026, 3, 10, 8))
    return {
        "start": start,
        "end": start + timedelta(hours=3),
        "aware_at": start + timedelta(hours=4),
    }


def test_a_member_account_reaches_the_patients_it_opened(compliance, clinician, seen):
    scope = scope_breach(member=compliance, subject=clinician, **window())

    # Creating a record is no read: only the two timelines it opened count.
    assert [row[1] for row in scope.patients] == ["MRN-B-1", "MRN-B-2"]
    categories = {c.name: (c.events, len(c.patients)) for c in scope.categories}
    assert categories == {
        "Identity and record (patient record, timeline opened)": (2, 2)
    }


def test_a_share_link_reaches_only_its_patient(compliance, seen):
    scope = scope_breach(member=compliance, link=seen[3], **window())
    assert [row[1] for row in scope.patients] == ["MRN-B-3"]
    assert [c.name for c in scope.categories] == ["Shared outside the practice"]
    assert "Dr Second Opinion" in scope.link_label


def test_a_window_outside_the_events_reaches_nobody(compliance, seen):
    times = window()
    times["start"] += timedelta(days=1)
    times["end"] += timedelta(days=1)
    assert scope_breach(member=compliance, **times).patients == []


@time_machine.travel(NOW)
def test_the_clock_runs_72_hours_from_awareness(compliance, seen):
    scope = scope_breach(member=compliance, **window())
    assert scope.notify_by == window()["aware_at"] + timedelta(hours=72)
    assert scope.hours_left(timezone.now()) == 72 - 0


def query(**extra):
    return {
        "start": "2026-03-10T08:00",
        "end": "2026-03-10T11:00",
        "aware_at": "2026-03-10T12:00",
        **extra,
    }


@time_machine.travel(NOW)
def test_the_page_lists_and_is_audited_with_patient_uuids(
    client_for, compliance, assistant, seen
):
    response = client_for(compliance).get(
        "/compliance/breach/", query(subject=assistant.pk)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "MRN-B-3" in text and "MRN-B-1" not in text
    assert "72.0 hours left" in text
    event = AccessEvent.objects.get(action=Action.BREACH_SCOPED)
    assert event.details["patients"] == [str(seen[2].uuid)]
    assert event.details["member"] == str(assistant.uuid)


@time_machine.travel(NOW)
def test_the_pdf_holds_the_draft_notification_and_is_audited(
    client_for, compliance, seen
):
    response = client_for(compliance).get("/compliance/breach.pdf", query())

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\n", " ")
    for expected in (
        "Draft notification to the supervisory authority",
        "MRN-B-1",
        "MRN-B-3",
        "3 patients",
        "13 Mar 2026, 12:00",
        compliance.user.email,
    ):
        assert expected in text, expected
    assert AccessEvent.objects.filter(action=Action.BREACH_EXPORTED).count() == 1


def test_a_window_that_ends_before_it_starts_is_refused(client_for, compliance):
    response = client_for(compliance).get(
        "/compliance/breach/", query(end="2026-03-10T07:00")
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert not AccessEvent.objects.filter(action=Action.BREACH_SCOPED).exists()
