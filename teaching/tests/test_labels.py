"""The audit pages name teaching objects by what staff typed, never by the patient."""

from audit.lookups import labels_for
from teaching.tests.factories import make_teaching_image, make_teaching_link


def test_audit_pages_name_teaching_images_cases_and_links(clinician):
    link, _ = make_teaching_link(actor=clinician)
    image = link.case.images.get()

    found = labels_for(
        clinician.practice,
        {
            "teaching.teachingimage": {image.uuid},
            "teaching.teachingcase": {link.case.uuid},
            "teaching.teachingsharelink": {link.uuid},
        },
    )

    assert (
        found[("teaching.teachingimage", image.uuid)]
        == "teaching image “Facial lesion”"
    )
    assert found[("teaching.teachingcase", link.case.uuid)] == (
        "teaching case “Case of the week”"
    )
    assert found[("teaching.teachingsharelink", link.uuid)].startswith(
        "the teaching link of"
    )


def test_another_practice_gets_no_label(clinician, outsider):
    image = make_teaching_image(actor=clinician)

    found = labels_for(outsider.practice, {"teaching.teachingimage": {image.uuid}})

    assert found == {}
