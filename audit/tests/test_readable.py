"""The audit log reads as plain language: names, labels, local times, never a uuid (#16)."""

import io
import re
from html.parser import HTMLParser

from pypdf import PdfReader

from audit.actions import Action
from audit.models import AccessEvent
from audit.services import record_event
from consent.tests.factories import grant
from imaging.tests.factories import make_photo
from patients.tests.factories import make_patient
from sharing.tests.factories import make_link

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


class TableText(HTMLParser):
    """The visible text of the page's audit table (attributes left out)."""

    def __init__(self):
        super().__init__()
        self.depth, self.cells = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and data.strip():
            self.cells.append(data.strip())


def table_text(response) -> str:
    parser = TableText()
    parser.feed(response.content.decode())
    return " | ".join(parser.cells)


def test_the_audit_table_names_people_and_records_without_uuids(
    client_for, compliance, clinician
):
    patient = make_patient(actor=clinician, record_number="MRN-4711")
    grant(patient=patient, witness=clinician)
    photo = make_photo(patient=patient, actor=clinician)
    link, _token = make_link(actor=clinician, patient=patient, photos=[photo])
    record_event(
        action=Action.SHARE_CREATED, actor=clinician, target=link, patient=patient
    )
    client_for(clinician).get(f"/patients/{patient.uuid}/")

    response = client_for(compliance).get("/audit/")

    text = table_text(response)
    assert response.status_code == 200
    assert not UUID.search(text), text
    assert "MRN-4711" in text
    assert "Clinician Tester" in text and "(Clinician)" in text
    assert "Timeline viewed" in text and "Consent recorded" in text
    assert "Photo: " in text and "Share link: the link to" in text
    assert "timeline_viewed" not in text


def test_the_page_view_lists_the_patients_it_named(client_for, compliance, clinician):
    patient = make_patient(actor=clinician)
    client_for(compliance).get("/audit/")
    event = AccessEvent.objects.filter(action=Action.AUDIT_VIEWED).latest("seq")
    assert event.details["patients"] == [str(patient.uuid)]


def test_an_object_no_longer_held_is_named_by_its_kind(
    client_for, compliance, clinician
):
    patient = make_patient(actor=clinician)
    photo = make_photo(patient=patient, actor=clinician)
    from imaging.models import Photo

    Photo.objects.filter(pk=photo.pk).delete()
    text = table_text(client_for(compliance).get("/audit/"))
    assert "Photo, no longer held" in text
    assert not UUID.search(text)


def test_who_accessed_this_patient_names_it_by_record_number(
    client_for, compliance, clinician
):
    patient = make_patient(actor=clinician, record_number="MRN-0815")
    response = client_for(compliance).get(f"/audit/patients/{patient.uuid}/")
    assert "Patient with record number MRN-0815" in response.content.decode()


def test_the_pdf_report_breaks_no_word_of_any_action(client_for, compliance, clinician):
    patient = make_patient(actor=clinician, record_number="MRN-2001")
    for action in Action:
        record_event(action=action, actor=clinician, patient=patient, target=patient)

    response = client_for(compliance).get("/audit/export.pdf")

    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height  # portrait
    words = set()
    for page in reader.pages:
        words |= {w.strip(",.()“”") for w in page.extract_text().split()}
    for label in [*Action.labels, "Outcome", "Who", "What", "Record", "Patient"]:
        for word in label.split():
            assert word.strip(",.()“”/") in words or "/" in word, (label, word)
