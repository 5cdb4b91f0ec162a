"""Share links (access rights) in the change log (S29); the recipient masked (S27)."""

from auditlog.context import set_actor
from auditlog.models import LogEntry

from audit.changelog import MASK, registered_models
from audit.tests.factories import change_log_text
from patients.tests.factories import make_patient
from sharing.models import ShareAccess, ShareLink
from sharing.services import create_share_link
from sharing.tests.factories import grant_second_opinion, make_shared_photo

PLANTED = ("Quetzalcoatlina", "xylophonovska@example.org", "Vermillionite")


def test_share_links_and_their_opens_are_in_the_change_log():
    assert {ShareLink, ShareAccess} <= set(registered_models())


# S27, S29
def test_link_changes_are_logged_with_their_actor_and_no_phi(
    clinician, compliance, client_for
):
    patient = make_patient(actor=clinician)
    grant_second_opinion(patient=patient, witness=clinician)
    photo = make_shared_photo(actor=clinician, patient=patient)
    with set_actor(clinician.user):
        link, token, passcode = create_share_link(
            actor=clinician,
            patient=patient,
            photos=[photo],
            recipient_name=f"Dr {PLANTED[0]}",
            recipient_email=PLANTED[1],
            message=f"Query {PLANTED[2]}",
            with_passcode=True,
            link_url=lambda token: f"https://pixiodoc.test/s/{token}/",
        )
        ShareAccess.objects.create(link=link)
    # Through a page the actor comes from the request (auditlog's middleware).
    assert client_for(compliance).post(f"/shares/{link.uuid}/revoke/").status_code in (
        200,
        302,
    )

    created, *_, revoked = LogEntry.objects.get_for_object(link).order_by("pk")
    assert created.actor == clinician.user and revoked.actor == compliance.user
    assert created.object_repr == f"share link {link.uuid}"
    for field in ("recipient_name", "recipient_email", "message"):
        assert created.changes[field] == [MASK, MASK]
    assert "token_hash" not in created.changes
    assert "passcode_hash" not in created.changes
    assert "revoked_at" in revoked.changes
    shared = LogEntry.objects.get_for_object(link).filter(changes__has_key="photos")
    assert shared.exists()  # which photos a link opens is an access right too
    opened = LogEntry.objects.get_for_object(ShareAccess.objects.get(link=link))
    assert opened.get().actor == clinician.user
    link.refresh_from_db()
    text = change_log_text()
    for secret in (*PLANTED, token, passcode, link.token_hash, link.passcode_hash):
        assert secret.casefold() not in text.casefold()
