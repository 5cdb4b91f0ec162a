"""A patient-link session reaches nothing else (issue 15 point 5, S8).

The patient passes their link's identity check; with that session alone every
staff URL (and the admin) must send them to sign in or refuse them, another
patient's link must still ask for its own check, and no photo is reachable.
"""

import pytest
from django.test import Client

from pixiodoc.tests.security import urlmap
from pixiodoc.tests.security.test_url_walk import (
    REDIRECTS,
    WALKED,
    admin_url_of,
    cast,  # noqa: F401 (fixture)
    describe,
    request,
    rule_for,
    url_of,
)
from pixiodoc.tests.security.urlmap import ADMIN, PUBLIC
from sharing.tests.factories import make_patient_link, pass_identity

STAFF_PAGES = [n for n in WALKED if rule_for(n).kind != PUBLIC]


@pytest.fixture
def patient_session(cast):  # noqa: F811
    members, _ = cast
    link, token = make_patient_link(actor=members["clinician"])
    client = Client()
    assert pass_identity(client, token).status_code == 302
    assert b"Your consents" in client.get(f"/p/{token}/").content
    return client


# S8 S1
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_every_staff_url_is_refused_with_a_patient_link_session(
    name,
    cast,  # noqa: F811
    patient_session,
):
    members, _ = cast
    rule = rule_for(name)
    url = (
        admin_url_of(name, members)
        if rule.kind == ADMIN
        else url_of(name, rule, members)
    )

    response = request(patient_session, url, rule)

    # Refused outright, or sent to sign in (the staff login or the admin's own).
    to_sign_in = response.status_code in REDIRECTS and "login" in response["Location"]
    refused = response.status_code in (401, 403, 404, 405)
    assert to_sign_in or refused, f"{name}: {describe(response)}"


def test_another_patients_link_still_asks_for_its_own_check(
    cast,  # noqa: F811
    patient_session,
):
    members, _ = cast
    _, other = make_patient_link(actor=members["clinician"])

    response = patient_session.get(f"/p/{other}/")

    assert b"Check it is you" in response.content
    assert b"Your consents" not in response.content
    assert patient_session.get(f"/p/{other}/erasure/").status_code == 404


def test_no_photo_is_reachable_with_a_patient_link_session(
    cast,  # noqa: F811
    patient_session,
):
    from imaging.tests.factories import make_photo

    members, _ = cast
    photo = make_photo(actor=members["clinician"])
    share_token = urlmap.OBJECTS["share_token"](members)

    viewer = patient_session.get(photo.get_absolute_url())
    shared = patient_session.get(f"/s/{share_token}/photos/{photo.uuid}/")

    assert viewer.status_code == 302 and "login" in viewer["Location"]
    assert shared.status_code == 404


def test_a_photo_link_session_reaches_its_ghost_and_nothing_else(
    cast,  # noqa: F811
):
    """Home capture (issue 15 point 3): the newest photo of an asked region is the
    one picture the patient's session may load; anything else is the neutral 404."""
    from imaging.tests.factories import make_photo, make_tray_photo
    from patients.tests.factories import make_visit

    members, _ = cast
    clinician = members["clinician"]
    link, token = make_patient_link(
        actor=clinician,
        for_photos=True,
        for_consents=False,
        regions=["knee"],
        photos_asked=2,
    )
    visit = make_visit(actor=clinician, patient=link.patient)
    older = make_photo(actor=clinician, visit=visit, body_region="knee")
    ghost = make_photo(actor=clinician, visit=visit, body_region="knee")
    not_asked = make_photo(actor=clinician, visit=visit, body_region="face")
    elsewhere = make_photo(actor=clinician, body_region="knee")  # another patient
    sent = make_tray_photo(actor=clinician, patient=link.patient)
    client = Client()
    assert pass_identity(client, token).status_code == 302

    assert client.get(f"/p/{token}/photos/ghost/{ghost.uuid}/").status_code == 200
    for photo in (older, not_asked, elsewhere):
        assert client.get(f"/p/{token}/photos/ghost/{photo.uuid}/").status_code == 404
    # Not even what the patient sent: the tray is a staff page.
    tray_image = client.get(f"/photos/tray/{sent.uuid}/thumb/")
    assert tray_image.status_code == 302 and "login" in tray_image["Location"]
    staff_image = client.get(ghost.url("display"))
    assert staff_image.status_code == 302 and "login" in staff_image["Location"]
