from io import StringIO

from django.core.management import call_command

from imaging.demo import demo_image, seed_photos
from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.demo import seed_patients
from patients.models import Visit


def test_demo_images_are_drawings_that_shrink_over_visits():
    first = images.open_image(demo_image(seed=1, progress=0.0))
    last = images.open_image(demo_image(seed=1, progress=1.0))
    assert first.size == (1200, 900)
    assert first.tobytes() != last.tobytes()


def test_seeding_photos_is_idempotent_and_respects_consent(owner, clinician):
    patients = seed_patients(
        practice=clinician.practice, clinicians=[clinician], count=3
    )
    for patient in patients[:2]:
        allow_capture(patient, clinician)
    added = seed_photos(practice=clinician.practice, actor=clinician, patients=3)
    visits = Visit.objects.filter(patient__in=Photo.objects.values("patient")).count()
    assert added == visits == Photo.objects.count() > 0
    assert set(Photo.objects.values_list("source", flat=True)) == {"demo"}
    assert Photo.objects.filter(patient=patients[2]).count() == 0  # no consent
    assert seed_photos(practice=clinician.practice, actor=clinician, patients=3) == 0


def test_the_demo_command_adds_photos_once(db):
    call_command("demo", "--patients", "2", stdout=StringIO())
    count = Photo.objects.count()
    assert count > 0
    call_command("demo", "--patients", "2", stdout=StringIO())
    assert Photo.objects.count() == count
