"""Teaching images, cases and links in the change log (S29), free text masked (S27)."""

from auditlog.context import set_actor
from auditlog.models import LogEntry

from audit.changelog import MASK, registered_models
from audit.tests.factories import change_log_text
from teaching.models import TeachingCase, TeachingImage, TeachingShareLink
from teaching.shares import create_link
from teaching.tests.factories import make_teaching_image

PLANTED = ("Quetzalcoatlina lesion", "Vermillionite nodule", "Xylophonic case")


def test_teaching_models_are_in_the_change_log():
    assert {TeachingImage, TeachingCase, TeachingShareLink} <= set(registered_models())


# S27 S29
def test_changes_are_logged_with_their_actor_and_no_free_text(clinician):
    with set_actor(clinician.user):
        image = make_teaching_image(
            actor=clinician,
            title=PLANTED[0],
            diagnosis=PLANTED[1],
            new_case_title=PLANTED[2],
        )
        link, token = create_link(actor=clinician, case=image.case)

    created = LogEntry.objects.get_for_object(image).get()
    assert created.actor == clinician.user
    assert created.object_repr == f"teaching image {image.uuid}"
    for field in ("title", "diagnosis"):
        assert created.changes[field] == [MASK, MASK]
    shared = LogEntry.objects.get_for_object(link).filter(changes__has_key="images")
    assert shared.exists()
    link.refresh_from_db()
    text = change_log_text()
    for secret in (*PLANTED, token, link.token_hash):
        assert secret.casefold() not in text.casefold()
