"""Photos and annotations in the change log (S29) with clinical text masked (S27)."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.urls import reverse

from audit.changelog import MASK, registered_models
from audit.tests.factories import change_log_text
from imaging import services
from imaging.models import Annotation, Photo
from imaging.tests import images
from imaging.tests.factories import make_photo

PLANTED = ("Quetzalcoatlina", "xylophonovska", "Vermillionite", "Cerulite")


def test_photos_and_annotations_are_in_the_change_log():
    assert {Photo, Annotation} <= set(registered_models())


# S27, S29
def test_photo_changes_are_logged_with_their_actor_and_no_phi(clinician, client_for):
    with set_actor(clinician.user):
        photo = make_photo(
            actor=clinician,
            data=images.exif_jpeg(taken="2019:05:06 07:08:09"),
            note=f"Lesion near {PLANTED[0]}'s scar",
            tags=PLANTED[1],
        )
        services.save_annotation(
            actor=clinician,
            photo=photo,
            shapes=[{"kind": "text", "x": 0.1, "y": 0.1, "text": PLANTED[2]}],
        )
    # Through a page the actor comes from the request (auditlog's middleware).
    response = client_for(clinician).post(
        reverse("imaging:delete", kwargs={"uuid": photo.uuid}),
        {"reason": f"Wrong patient, belongs to {PLANTED[3]}"},
    )
    assert response.status_code == 302

    created, deleted = LogEntry.objects.get_for_object(photo).order_by("pk")
    assert created.actor == deleted.actor == clinician.user
    assert created.object_repr == f"photo {photo.uuid}"
    assert created.changes["note"] == created.changes["tags"] == [MASK, MASK]
    assert created.changes["captured_at"] == [MASK, MASK]
    assert "sha256" not in created.changes
    assert deleted.changes["deletion_reason"] == [MASK, MASK]
    marks = LogEntry.objects.get_for_object(Annotation.objects.get(photo=photo))
    assert marks.exists() and all(m.actor == clinician.user for m in marks)
    text = change_log_text()
    for planted in (*PLANTED, "2019-05-06", photo.sha256):
        assert planted.casefold() not in text.casefold()
