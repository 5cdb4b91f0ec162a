import json
import os
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.actions import Action
from audit.models import AccessEvent
from imaging import covering
from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import allow_capture, make_photo
from patients.tests.factories import make_patient, make_visit


def upload(client, visit, files, *, json_reply=True, **fields):
    data = {
        "body_region": "hand",
        "laterality": "left",
        "tags": "",
        "note": "",
        **fields,
    }
    data["photo"] = [SimpleUploadedFile(name, content) for name, content in files]
    headers = {"Accept": "application/json"} if json_reply else {}
    return client.post(
        reverse("imaging:upload", kwargs={"uuid": visit.uuid}), data, headers=headers
    )


@pytest.fixture
def visit(clinician):
    visit = make_visit(actor=clinician, patient=make_patient(actor=clinician))
    allow_capture(visit.patient, clinician)
    return visit


def test_each_file_gets_its_own_verdict_and_the_good_ones_are_kept(
    client_for, clinician, visit
):
    response = upload(
        client_for(clinician),
        visit,
        [
            ("a.jpg", images.jpeg()),
            ("broken.jpg", images.truncated_jpeg()),
            ("c.png", images.png()),
        ],
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["name"], r["stored"]) for r in results] == [
        ("a.jpg", True),
        ("broken.jpg", False),
        ("c.png", True),
    ]
    assert "incomplete or damaged" in results[1]["message"]
    assert Photo.objects.filter(visit=visit).count() == 2
    assert response["Cache-Control"].startswith("no-store")


def test_the_plain_form_shows_verdicts_without_javascript(client_for, clinician, visit):
    response = upload(
        client_for(clinician), visit, [("x.pdf", images.pdf())], json_reply=False
    )
    assert response.status_code == 422
    assert (
        b"x.pdf" in response.content
        and b"not a photo PixioDoc accepts" in response.content
    )


def test_a_missing_body_region_is_explained(client_for, clinician, visit):
    response = upload(
        client_for(clinician), visit, [("a.jpg", images.jpeg())], body_region=""
    )
    assert response.status_code == 400 and "required" in response.json()["error"]


def test_the_verdict_says_what_a_multi_picture_file_lost(client_for, clinician, visit):
    response = upload(
        client_for(clinician), visit, [("hdr.jpg", images.ultra_hdr_jpeg())]
    )
    [result] = response.json()["results"]
    assert result["stored"] is True
    assert result["message"] == (
        "Stored. Only the main picture was kept; left out 1 HDR gain map."
    )
    assert result["notes"] == [
        "Only the main picture was kept; left out 1 HDR gain map."
    ]


def test_the_plain_form_shows_what_was_left_out(client_for, clinician, visit):
    response = upload(
        client_for(clinician),
        visit,
        [("pair.mpo", images.stereo_mpo())],
        json_reply=False,
    )
    assert response.status_code == 200
    assert b"stored. Only the main picture was kept; left out 1 other view." in (
        response.content
    )


# S12: the capped handler hands over an empty, marked file
def test_an_oversize_upload_is_refused_by_name(client_for, clinician, visit, settings):
    settings.PHOTO_MAX_BYTES = 5000
    response = upload(
        client_for(clinician),
        visit,
        [("big.jpg", images.jpeg((1200, 900))), ("small.png", images.png((40, 30)))],
    )
    results = response.json()["results"]
    assert results[0]["stored"] is False and "larger than" in results[0]["message"]
    assert results[1]["stored"] is True


# S14
def test_an_upload_writes_no_temporary_file(
    client_for, clinician, visit, monkeypatch, tmp_path
):
    import django.core.files.temp

    from imaging import views

    # A temp folder of this test's own, so other processes' files do not count.
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_dir))
    before = set(os.listdir(temp_dir))
    during = []
    real_add = views.add_photo

    def add_and_look(**kwargs):
        # While the upload is being processed, nothing new sits in the temp folder.
        during.append(set(os.listdir(temp_dir)) - before)
        return real_add(**kwargs)

    spilled = []
    real_temp = django.core.files.temp.NamedTemporaryFile
    monkeypatch.setattr(views, "add_photo", add_and_look)
    monkeypatch.setattr(
        django.core.files.temp,
        "NamedTemporaryFile",
        lambda *a, **k: spilled.append(1) or real_temp(*a, **k),
    )
    # Over Django's 2.5 MB default spill threshold.
    big = images.jpeg((1200, 900)) + b"\x00" * 3_000_000
    response = upload(client_for(clinician), visit, [("big.jpg", big)])
    assert response.json()["results"][0]["stored"] is True
    assert during == [set()]
    assert spilled == []
    assert set(os.listdir(temp_dir)) - before == set()


def test_the_upload_is_for_staff_who_may_add_photos(
    client_for, compliance, outsider, visit
):
    response = upload(client_for(compliance), visit, [("a.jpg", images.jpeg())])
    assert response.status_code == 403
    response = upload(client_for(outsider), visit, [("a.jpg", images.jpeg())])
    assert response.status_code == 404
    assert Photo.objects.count() == 0


def test_the_upload_page_offers_files_and_leads_to_the_camera(
    client_for, clinician, visit
):
    response = client_for(clinician).get(
        reverse("imaging:add", kwargs={"uuid": visit.uuid})
    )
    html = response.content.decode()
    assert "multiple" in html and 'id="dropzone"' in html
    # One camera, on its own page: no second, competing camera button here.
    assert 'capture="environment"' not in html
    assert reverse("imaging:capture", kwargs={"uuid": visit.uuid}) in html
    assert response["Cache-Control"].startswith("no-store")


# S15
def test_a_rendition_is_served_with_the_safe_headers(client_for, assistant, clinician):
    photo = make_photo(actor=clinician)
    response = client_for(assistant).get(photo.url("thumb"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("no-store")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response.content.startswith(b"\xff\xd8\xff")
    event = AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).get()
    assert event.object_uuid == photo.uuid and event.member == assistant


# S8
def test_another_practices_photo_is_a_404_and_compliance_is_refused(
    client_for, clinician, outsider, compliance
):
    photo = make_photo(actor=clinician)
    for rendition in ("thumb", "display", "original"):
        assert client_for(outsider).get(photo.url(rendition)).status_code == 404
    assert client_for(compliance).get(photo.url()).status_code == 403
    assert client_for(outsider).get(photo.get_absolute_url()).status_code == 404


def test_a_deleted_photo_is_not_served(client_for, clinician):
    from imaging.services import delete_photo

    photo = make_photo(actor=clinician)
    delete_photo(actor=clinician, photo=photo, reason="duplicate")
    assert client_for(clinician).get(photo.url()).status_code == 404


# S18
def test_an_integrity_failure_shows_a_placeholder(client_for, clinician, blob_root):
    photo = make_photo(actor=clinician)
    path = blob_root / photo.display_blob
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x20
    path.write_bytes(bytes(data))
    response = client_for(clinician).get(photo.url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-PixioDoc-Integrity"] == "failed"
    assert response.content.startswith(b"\x89PNG")
    assert AccessEvent.objects.filter(action=Action.PHOTO_INTEGRITY_FAILED).count() == 1


def test_the_timeline_shows_each_visits_photos_and_audits_them_once(
    client_for, clinician
):
    patient = make_patient(actor=clinician)
    first, second = (
        make_visit(actor=clinician, patient=patient),
        make_visit(actor=clinician, patient=patient),
    )
    a = make_photo(actor=clinician, visit=first)
    b = make_photo(actor=clinician, visit=second, body_region="knee")
    client = client_for(clinician)
    response = client.get(patient.get_absolute_url())
    html = response.content.decode()
    assert a.url("thumb") in html and b.url("thumb") in html
    shown = AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).get()
    assert set(shown.details["photos"]) == {str(a.uuid), str(b.uuid)}
    # The listed thumbnails are covered by that one event ...
    token = covering.cover_token(member=clinician, photo=a)
    assert client.get(f"{a.url('thumb')}?c={token}").status_code == 200
    assert AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).count() == 1
    # ... a token for another photo or rendition covers nothing.
    client.get(f"{b.url('display')}?c={token}")
    assert AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).count() == 2


def test_the_viewer_links_neighbours_and_carries_the_marks(client_for, clinician):
    from imaging.services import save_annotation

    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    a, b = (
        make_photo(actor=clinician, visit=visit),
        make_photo(actor=clinician, visit=visit),
    )
    save_annotation(
        actor=clinician,
        photo=b,
        shapes=[{"kind": "circle", "x": 0.5, "y": 0.5, "r": 0.1}],
    )
    html = client_for(clinician).get(b.get_absolute_url()).content.decode()
    assert a.get_absolute_url() in html and 'rel="prev"' in html
    assert '"kind": "circle"' in html


def test_annotations_are_saved_by_post_json(
    client_for, clinician, assistant, compliance
):
    photo = make_photo(actor=clinician)
    url = reverse("imaging:annotate", kwargs={"uuid": photo.uuid})
    body = json.dumps(
        {"shapes": [{"kind": "arrow", "x1": 0, "y1": 0, "x2": 1, "y2": 1}]}
    )
    response = client_for(assistant).post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"saved": True}
    assert (
        client_for(compliance)
        .post(url, body, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for(assistant).get(url).status_code == 405


def _annotate(client, photo, body):
    url = reverse("imaging:annotate", kwargs={"uuid": photo.uuid})
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize("depth", [5, 100_000])
def test_deeply_nested_annotation_json_is_a_400_with_a_message(
    client_for, clinician, depth
):
    photo = make_photo(actor=clinician)
    response = _annotate(client_for(clinician), photo, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response.json() == {"error": "Send JSON nested at most 3 levels deep."}
    assert not AccessEvent.objects.filter(action=Action.ANNOTATION_SAVED).exists()


def test_brackets_inside_annotation_text_do_not_count_as_nesting(client_for, clinician):
    photo = make_photo(actor=clinician)
    mark = {"kind": "text", "x": 0.5, "y": 0.5, "text": '[[[[{{{{ \\" ]]'}
    response = _annotate(client_for(clinician), photo, json.dumps({"shapes": [mark]}))
    assert response.status_code == 200, response.content
    photo.refresh_from_db()
    assert json.loads(photo.annotation.shapes)[0]["text"] == mark["text"]


def test_a_huge_annotation_body_is_a_400_before_it_is_parsed(client_for, clinician):
    photo = make_photo(actor=clinician)
    for size in (300 * 1024, 3 * 1024 * 1024):  # over our cap; over Django's too
        body = json.dumps({"shapes": [], "padding": "x" * size})
        response = _annotate(client_for(clinician), photo, body)
        assert response.status_code == 400
        assert response.json() == {"error": "Send at most 256 KB of JSON."}


def test_an_empty_annotation_body_clears_the_marks(client_for, clinician):
    photo = make_photo(actor=clinician)
    response = _annotate(client_for(clinician), photo, "")
    assert response.status_code == 200
    photo.refresh_from_db()
    assert json.loads(photo.annotation.shapes) == []


def test_annotation_body_that_is_not_json_is_a_400(client_for, clinician):
    photo = make_photo(actor=clinician)
    response = _annotate(client_for(clinician), photo, "{not json")
    assert response.status_code == 400
    assert response.json() == {"error": "Send the data as JSON."}


def test_compare_defaults_to_the_first_and_latest_of_a_region(client_for, clinician):
    patient = make_patient(actor=clinician)
    from datetime import date

    visits = [
        make_visit(actor=clinician, patient=patient, visit_on=date(2026, 1, d))
        for d in (1, 2, 3)
    ]
    first = make_photo(actor=clinician, visit=visits[0], body_region="knee")
    make_photo(actor=clinician, visit=visits[1], body_region="knee")
    make_photo(actor=clinician, visit=visits[1], body_region="hand")
    latest = make_photo(actor=clinician, visit=visits[2], body_region="knee")
    response = client_for(clinician).get(
        reverse("imaging:compare", kwargs={"uuid": patient.uuid})
    )
    assert response.context["first"] == first and response.context["second"] == latest
    event = AccessEvent.objects.filter(action=Action.PHOTOS_COMPARED).get()
    assert event.details["photos"] == [str(first.uuid), str(latest.uuid)]
    overlay = client_for(clinician).get(
        reverse("imaging:compare", kwargs={"uuid": patient.uuid}),
        {"a": latest.uuid, "b": first.uuid, "mode": "overlay"},
    )
    assert b'id="overlay-slider"' in overlay.content
    # Picked the other way round, the earlier photo is still on the left (issue 12).
    assert overlay.context["first"] == first and overlay.context["second"] == latest
    html = overlay.content.decode()
    assert html.index(f"{first.display_url}") < html.index(f"{latest.display_url}")
    assert 'Earlier: <time datetime="2026-01-01">' in html
    assert 'Later: <time datetime="2026-01-03">' in html


def test_the_gallery_filters_by_region_and_tag(client_for, clinician):
    patient = make_patient(actor=clinician)
    visit = make_visit(actor=clinician, patient=patient)
    knee = make_photo(actor=clinician, visit=visit, body_region="knee", tags="scar")
    hand = make_photo(
        actor=clinician, visit=visit, body_region="hand", tags="scar,burn"
    )
    client = client_for(clinician)
    url = reverse("imaging:gallery", kwargs={"uuid": patient.uuid})
    shown = lambda r: [p for p, _ in r.context["items"]]  # noqa: E731
    assert shown(client.get(url, {"region": "knee"})) == [knee]
    assert shown(client.get(url, {"tag": "burn"})) == [hand]
    assert set(shown(client.get(url))) == {knee, hand}


def test_the_timeline_filters_its_own_photos_in_place(client_for, clinician):
    patient = make_patient(actor=clinician)
    first, second = (
        make_visit(actor=clinician, patient=patient),
        make_visit(actor=clinician, patient=patient),
    )
    knee = make_photo(actor=clinician, visit=first, body_region="knee", tags="Scar")
    hand = make_photo(actor=clinician, visit=second, body_region="hand", tags="burn")
    client = client_for(clinician)
    url = patient.get_absolute_url()

    html = client.get(url, {"region": "knee"}).content.decode()
    assert knee.url("thumb") in html and hand.url("thumb") not in html
    # The visit left without a photo is marked for hiding; the bar says so.
    assert f'class="photos no-match" data-visit="{second.uuid}"' in html
    assert f'class="photos" data-visit="{first.uuid}"' in html
    assert '<option value="knee" selected>' in html
    assert "visits without one are hidden" in html
    assert f'<a href="{url}">Clear the filter</a>' in html
    # The one audit event names only the photos the filtered timeline showed.
    shown = AccessEvent.objects.filter(action=Action.PHOTO_VIEWED).latest("seq")
    assert shown.details["photos"] == [str(knee.uuid)]

    html = client.get(url, {"tag": " SCAR "}).content.decode()
    assert knee.url("thumb") in html and hand.url("thumb") not in html
    html = client.get(url, {"region": "knee", "tag": "burn"}).content.decode()
    assert "no-match" in html and "/thumb/" not in html


def test_an_unknown_filter_shows_the_whole_timeline(client_for, clinician):
    photo = make_photo(actor=clinician, body_region="knee")
    response = client_for(clinician).get(
        photo.patient.get_absolute_url(), {"region": "elsewhere"}
    )
    html = response.content.decode()
    assert photo.url("thumb") in html and "no-match" not in html


def test_the_timelines_filter_form_stays_on_the_timeline(client_for, clinician):
    patient = make_patient(actor=clinician)
    html = client_for(clinician).get(patient.get_absolute_url()).content.decode()
    form = html[html.index('<form class="photo-filter"') :]
    form = form[: form.index(">")]
    assert f'action="{patient.get_absolute_url()}#photos"' in form
    assert 'method="get"' in form
    assert "Clear the filter" not in html


def test_deleting_needs_a_reason_and_a_post(client_for, clinician, assistant):
    photo = make_photo(actor=clinician)
    url = reverse("imaging:delete", kwargs={"uuid": photo.uuid})
    assert client_for(assistant).get(url).status_code == 403
    client = client_for(clinician)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and b"This field is required" in response.content
    response = client.post(url, {"reason": "blurred, retaken"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.deleted_at is not None and photo.deleted_by == clinician


# S26: the confirmation names the patient; showing it is audited.
def test_the_delete_confirmation_names_the_patient(client_for, clinician):
    from audit.models import AccessEvent

    photo = make_photo(actor=clinician)
    patient = photo.patient
    url = reverse("imaging:delete", kwargs={"uuid": photo.uuid})
    html = client_for(clinician).get(url).content.decode()
    assert f"{patient.given_name} {patient.family_name}" in html
    assert patient.record_number in html
    assert patient.date_of_birth.strftime("%-d %b %Y") in html
    event = AccessEvent.objects.filter(action="photo_viewed").latest("id")
    assert event.details["page"] == "delete" and event.object_uuid == photo.uuid
    assert {"name", "record_number", "date_of_birth"} <= set(event.details["shown"])


def test_the_timeline_query_count_does_not_grow_with_photos(client_for, clinician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patient = make_patient(actor=clinician)
    visits = [make_visit(actor=clinician, patient=patient) for _ in range(2)]
    make_photo(actor=clinician, visit=visits[0])
    client = client_for(clinician)
    url = patient.get_absolute_url()
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for visit in visits * 2:
        make_photo(actor=clinician, visit=visit, body_region="knee")
    make_visit(actor=clinician, patient=patient)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as filtered:
        assert client.get(url, {"region": "knee"}).status_code == 200
    assert len(filtered) == len(few)
