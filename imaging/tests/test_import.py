import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.actions import Action
from audit.models import AccessEvent
from imaging.models import Photo
from imaging.tests import images
from imaging.tests.factories import allow_capture
from patients.tests.factories import make_patient, make_visit


@pytest.fixture
def patient(owner, clinician):
    patient = make_patient(actor=clinician, record_number="IMP-0001")
    allow_capture(patient, clinician)
    return patient


@pytest.fixture
def files(tmp_path):
    def write(**named):
        paths = []
        for name, data in named.items():
            path = tmp_path / name.replace("_", ".")
            path.write_bytes(data)
            paths.append(str(path))
        return paths

    return write


def run(*args):
    out = StringIO()
    try:
        call_command("import_photos", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_all_stored_on_a_new_visit_of_that_date(practice, patient, files):
    paths = files(a_jpg=images.jpeg(), b_png=images.png())
    code, out = run(
        "--practice",
        practice.slug,
        "--patient",
        "IMP-0001",
        "--visit-date",
        "2024-05-06",
        "--region",
        "85562004",
        *paths,
    )
    assert code == 0
    assert out.splitlines() == [f"stored {paths[0]}", f"stored {paths[1]}"]
    photos = Photo.objects.filter(patient=patient)
    assert {p.visit.visit_on for p in photos} == {date(2024, 5, 6)}
    assert {p.body_region for p in photos} == {"hand"}
    assert {p.source for p in photos} == {"import"}
    assert AccessEvent.objects.filter(action=Action.PHOTO_UPLOADED).count() == 2


def test_an_existing_visit_of_that_date_is_used(practice, patient, clinician, files):
    visit = make_visit(actor=clinician, patient=patient, visit_on=date(2024, 5, 6))
    code, _ = run(
        "--practice",
        practice.slug,
        "--patient",
        str(patient.uuid),
        "--visit-date",
        "2024-05-06",
        *files(a_jpg=images.jpeg()),
    )
    assert code == 0 and Photo.objects.get().visit == visit


def test_without_a_date_each_photo_goes_on_its_capture_date(practice, patient, files):
    paths = files(dated_jpg=images.exif_jpeg(taken="2023:07:08 09:10:11"))
    assert run("--practice", practice.slug, "--patient", "IMP-0001", *paths)[0] == 0
    assert Photo.objects.get().visit.visit_on == date(2023, 7, 8)


def test_any_refusal_exits_1_and_names_file_and_reason(practice, patient, files):
    paths = files(
        good_jpg=images.jpeg(), bad_pdf=images.pdf(), cut_jpg=images.truncated_jpeg()
    )
    code, out = run(
        "--practice", practice.slug, "--patient", "IMP-0001", *paths, "/nonexistent.jpg"
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"stored {paths[0]}"
    assert lines[1].startswith(f"refused {paths[1]}: This is not a photo")
    assert lines[2].startswith(f"refused {paths[2]}: The file is incomplete")
    assert lines[3].startswith("refused /nonexistent.jpg: cannot read the file")
    assert Photo.objects.count() == 1


def test_an_unreadable_file_is_audited_like_any_refusal(practice, patient, tmp_path):
    code, out = run("--practice", practice.slug, "--patient", "IMP-0001", str(tmp_path))
    assert code == 1 and "cannot read the file" in out
    event = AccessEvent.objects.get(action=Action.PHOTO_REFUSED)
    assert (event.reason, event.outcome) == ("unreadable", "denied")
    assert event.patient_uuid == patient.uuid and event.details == {"source": "import"}
    assert str(tmp_path) not in str(event.details) + event.reason  # no file name


def test_a_phone_photo_with_a_gain_map_is_stored_and_the_line_says_what_was_left_out(
    practice, patient, files
):
    paths = files(hdr_jpg=images.ultra_hdr_jpeg(), stereo_mpo=images.stereo_mpo())
    code, out = run("--practice", practice.slug, "--patient", "IMP-0001", *paths)
    assert code == 0
    assert out.splitlines() == [
        f"stored {paths[0]}: Only the main picture was kept; left out 1 HDR gain map.",
        f"stored {paths[1]}: Only the main picture was kept; left out 1 other view.",
    ]
    assert Photo.objects.filter(patient=patient).count() == 2


def test_an_implausible_capture_date_makes_no_visit_of_that_date(
    practice, patient, files
):
    paths = files(future_jpg=images.exif_jpeg(taken="2099:01:01 10:00:00"))
    code, out = run("--practice", practice.slug, "--patient", "IMP-0001", *paths)
    assert code == 0
    assert out.splitlines() == [
        f"stored {paths[0]}: The camera's date (2099-01-01) was ignored: "
        "it is in the future."
    ]
    photo = Photo.objects.get()
    assert photo.captured_at is None
    assert photo.visit.visit_on == timezone.localdate()


def test_missing_consent_refuses_every_file_with_the_fix(
    practice, owner, clinician, files
):
    make_patient(actor=clinician, record_number="IMP-0002")
    code, out = run(
        "--practice",
        practice.slug,
        "--patient",
        "IMP-0002",
        *files(a_jpg=images.jpeg()),
    )
    assert code == 1 and "Record consent" in out


@pytest.mark.parametrize(
    "args",
    [
        ("--practice", "nope", "--patient", "IMP-0001"),
        ("--practice", "test", "--patient", "NO-SUCH"),
        ("--practice", "test", "--patient", "IMP-0001", "--region", "wing"),
        ("--practice", "test", "--patient", "IMP-0001", "--visit-date", "06/05/2024"),
        ("--practice", "test", "--patient", "IMP-0001", "--member", "nobody@x.example"),
    ],
)
def test_bad_arguments_exit_2(practice, patient, files, args):
    code, _ = run(*args, *files(a_jpg=images.jpeg()))
    assert code == 2
    assert Photo.objects.count() == 0


def test_another_practices_patient_is_not_found(other_practice, patient, files):
    from pixiodoc.testing import make_member

    make_member(other_practice, "owner")
    code, _ = run(
        "--practice", "elsewhere", "--patient", "IMP-0001", *files(a_jpg=images.jpeg())
    )
    assert code == 2


def test_a_usage_error_exits_2_from_the_shell():
    result = subprocess.run(
        [sys.executable, "manage.py", "import_photos", "--practice", "x"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "required" in result.stderr
