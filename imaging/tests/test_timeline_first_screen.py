"""A long timeline costs about what a short one does (issue 19).

The first screen's visits show their photos, decrypted, signed and audited;
later visits fold to a link that shows them. URLs come from one reversed
template each and must be the very URLs the resolver gives.
"""

import re
from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.actions import Action
from audit.models import AccessEvent
from imaging import covering
from imaging.tests.factories import make_photo
from imaging.timeline import FIRST_SCREEN_PHOTOS
from patients.tests.factories import make_patient, make_visit


def timeline_with(clinician, photos_per_visit: list[int]):
    """A patient whose visits, newest first, hold these numbers of photos."""
    patient = make_patient(actor=clinician)
    visits = []
    for n, count in enumerate(photos_per_visit):
        visit = make_visit(
            actor=clinician, patient=patient, visit_on=date(2026, 6, 1) - timedelta(n)
        )
        visits.append(
            (visit, [make_photo(actor=clinician, visit=visit) for _ in range(count)])
        )
    return patient, visits


def shown_event():
    return AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).latest("seq")


def test_thumbnail_and_viewer_links_are_the_resolvers_own(client_for, clinician):
    patient, [(_, [photo])] = timeline_with(clinician, [1])
    html = client_for(clinician).get(patient.get_absolute_url()).content.decode()
    token = re.search(rf'src="{photo.url("thumb")}\?c=([^"]+)"', html)[1]
    assert covering.is_covered(token, member=clinician, photo=photo, rendition="thumb")
    assert f'<a href="{photo.get_absolute_url()}">' in html


def test_later_visits_fold_and_the_audit_names_only_what_was_shown(
    client_for, clinician
):
    first = FIRST_SCREEN_PHOTOS - 1
    patient, [(_, near), (_, more), (later, far)] = timeline_with(
        clinician, [first, 2, 3]
    )
    client = client_for(clinician)
    html = client.get(patient.get_absolute_url()).content.decode()
    # The first screen fills with whole visits; the one after it is folded.
    for photo in [*near, *more]:
        assert photo.url("thumb") in html
    assert not any(photo.url("thumb") in html for photo in far)
    assert set(shown_event().details["photos"]) == {str(p.uuid) for p in [*near, *more]}
    show = f"?show={later.uuid}#visit-{later.uuid}"
    assert f'<a href="{show}">Show 3 photos</a>' in html

    html = client.get(patient.get_absolute_url() + show.split("#")[0]).content
    assert all(photo.url("thumb").encode() in html for photo in far)
    assert len(shown_event().details["photos"]) == first + 2 + 3


def test_folding_keeps_the_filter_and_show_all_unfolds(client_for, clinician):
    patient, [(_, near), (later, far)] = timeline_with(
        clinician, [FIRST_SCREEN_PHOTOS, 1]
    )
    client = client_for(clinician)
    url = patient.get_absolute_url()
    html = client.get(url, {"region": "hand"}).content.decode()
    assert f'href="?region=hand&amp;show={later.uuid}#visit-{later.uuid}"' in html
    html = client.get(url, {"show": "all"}).content.decode()
    assert far[0].url("thumb") in html and "Show 1 photo" not in html


def test_tags_show_on_the_first_screen_and_filter_the_rest(client_for, clinician):
    patient, [(_, near), (_, far)] = timeline_with(clinician, [FIRST_SCREEN_PHOTOS, 1])
    near[0].tags = "scar"
    near[0].save()
    far[0].tags = "burn"
    far[0].save()
    client = client_for(clinician)
    html = client.get(patient.get_absolute_url()).content.decode()
    assert '<span class="tag">scar</span>' in html and "burn" not in html
    html = client.get(patient.get_absolute_url(), {"tag": "burn"}).content.decode()
    assert far[0].url("thumb") in html and near[0].url("thumb") not in html


def test_queries_stay_flat_from_ten_photos_to_a_hundred(
    client_for, clinician, django_assert_num_queries
):
    patient, visits = timeline_with(clinician, [5, 5])
    client = client_for(clinician)
    url = patient.get_absolute_url()
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as ten:
        client.get(url)
    for visit, _ in visits:
        for _ in range(45):
            make_photo(actor=clinician, visit=visit)
    with django_assert_num_queries(len(ten)):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(len(ten)):
        assert client.get(url, {"show": "all"}).status_code == 200
