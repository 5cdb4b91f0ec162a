"""Every page that shows PHI writes an access event (S40), walked from urlmap.

Each URL of urlmap.URLS is declared in urlmap.SHOWS_PHI or urlmap.NO_PHI. The
walk requests it as a member allowed to (the owner; anonymous for public
pages): a 200 from a PHI page must have written an event naming what it
showed, and a page declared free of PHI must not show a patient's name. A new
page that forgets its event, or its declaration, fails here.
"""

import pytest
from django.test import Client

from audit.models import AccessEvent
from patients.models import Patient
from pixiodoc.testing import sign_in
from pixiodoc.tests.security import urlmap
from pixiodoc.tests.security.test_url_walk import (
    WALKED,
    cast,  # noqa: F401 (fixture)
    rule_for,
    url_of,
)
from pixiodoc.tests.security.urlmap import PUBLIC

PAGES = [n for n in WALKED if not n.startswith("admin:")]


# S40
def test_every_url_says_whether_it_shows_phi():
    both = urlmap.SHOWS_PHI & set(urlmap.NO_PHI)
    neither = [n for n in PAGES if n not in urlmap.SHOWS_PHI | set(urlmap.NO_PHI)]
    stale = (urlmap.SHOWS_PHI | set(urlmap.NO_PHI)) - set(PAGES)
    assert not neither, (
        "Say whether these pages show PHI: add each to SHOWS_PHI (and audit the "
        "page) or to NO_PHI (with why) in pixiodoc/tests/security/urlmap.py: "
        + ", ".join(sorted(neither))
    )
    assert not both, f"in both SHOWS_PHI and NO_PHI: {sorted(both)}"
    assert not stale, f"no such URL, remove from urlmap: {sorted(stale)}"


def _names_in_practice(practice) -> set[str]:
    """Every patient's family name and record number: what a PHI page would show."""
    patients = Patient.objects.filter(practice=practice)
    return {p.family_name for p in patients} | {p.record_number for p in patients}


# S40 S26
@pytest.mark.parametrize("name", PAGES)
def test_a_page_that_shows_phi_writes_an_access_event(name, cast):  # noqa: F811
    members, _ = cast
    rule = rule_for(name)
    owner = members["owner"]
    client = Client() if rule.kind == PUBLIC else sign_in(Client(), owner)
    url = url_of(name, rule, members)
    newest = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post(url) if rule.post else client.get(url)
    if response.status_code != 200:
        return  # a redirect, refusal or error page shows nothing of a patient
    events = list(AccessEvent.objects.filter(id__gt=newest or 0))
    if rule.kind != PUBLIC:
        events = [e for e in events if e.member_id == owner.pk]
    body = b"".join(response) if response.streaming else response.content
    if name in urlmap.SHOWS_PHI:
        assert events, f"{name} ({url}) showed PHI and wrote no access event (S40)"
        # One page view, one event; a POST may also record the change it made.
        assert rule.post or len(events) == 1, (
            f"{name} wrote {len(events)} events for one page view: "
            f"{[e.action for e in events]}"
        )
        named = events[-1]
        assert named.object_uuid or named.patient_uuid or named.details, (
            f"{name}: the event does not say what the page showed"
        )
    else:
        shown = [n for n in _names_in_practice(owner.practice) if n.encode() in body]
        assert not shown, (
            f"{name} ({url}) is declared free of PHI but shows a patient's name "
            "or record number: "
            "move it to urlmap.SHOWS_PHI and audit it"
        )


# S40 S27
def test_the_visit_form_event_names_what_it_showed_never_the_values(
    client_for, clinician
):
    from django.urls import reverse

    from patients.tests.factories import make_patient, make_visit

    patient = make_patient(actor=clinician)
    visit = make_visit(
        actor=clinician, patient=patient, reason="Itchy mole", notes="Grew 2 mm"
    )
    client = client_for(clinician)
    response = client.get(reverse("patients:visit_edit", kwargs={"uuid": visit.uuid}))
    assert b"Grew 2 mm" in response.content
    event = AccessEvent.objects.filter(action="visit_viewed").get()
    assert event.object_uuid == visit.uuid and event.patient_uuid == patient.uuid
    assert event.details == {
        "page": "visit_edit",
        "shown": ["name", "visit_date", "visit_notes", "visit_reason"],
    }
    assert "Itchy" not in str(event.details)


# S40
def test_the_photo_viewer_event_says_it_showed_the_annotation(client_for, clinician):
    from imaging.services import save_annotation
    from imaging.tests.factories import make_photo

    photo = make_photo(actor=clinician)
    mark = {"kind": "text", "x": 0.5, "y": 0.5, "text": "biopsy here"}
    save_annotation(actor=clinician, photo=photo, shapes=[mark])
    client_for(clinician).get(photo.get_absolute_url())
    event = AccessEvent.objects.filter(
        action="photo_viewed", details__page="viewer"
    ).get()
    assert event.object_uuid == photo.uuid
    assert "annotation" in event.details["shown"] and "tags" in event.details["shown"]
