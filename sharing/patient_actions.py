"""What a verified patient does through their link: consents and requests (issue 15).

Each takes a live Grant (sharing.patient_access) and goes through the owning
app's own service, so a withdrawal here takes effect exactly as one recorded by
staff (share links close, teaching marks drop) and an erasure request still
needs its four-eyes approval. The practice hears of each by e-mail, with no PHI.
"""

from django.db import transaction
from django.utils import timezone

from audit.actions import Action
from audit.services import record_event
from consent.models import Consent, Purpose
from sharing import notifications
from sharing.exceptions import ShareLinkError
from sharing.patient_access import Grant, Reason, audit_as_link, refuse


def _needs_consents(grant: Grant, request) -> None:
    if not grant.link.for_consents:
        refuse(reason=Reason.NOT_ASKED, link=grant.link, request=request)


def consent_of(*, grant: Grant, consent_uuid, request) -> Consent:
    """One of the link's patient's consents; another patient's is refused like unknown."""
    _needs_consents(grant, request)
    consent = Consent.objects.filter(
        uuid=consent_uuid, patient=grant.link.patient
    ).first()
    if consent is None:
        refuse(reason=Reason.NOT_ASKED, link=grant.link, request=request)
    return consent


def _tell_practice(link, event: str, purpose: str = "") -> None:
    transaction.on_commit(
        lambda: notifications.tell_practice_about_patient_link(
            link_uuid=link.uuid, event=event, purpose=purpose
        )
    )


@transaction.atomic
def withdraw_through_link(*, grant: Grant, purpose: str, request):
    """Withdraw one purpose, signed "by the patient through a verified link"."""
    from consent.services import withdraw_consent

    _needs_consents(grant, request)
    withdrawal = withdraw_consent(
        actor=None,
        patient=grant.link.patient,
        purpose=purpose,
        by_patient_link=grant.link,
        request=request,
    )
    _tell_practice(grant.link, "withdrawn", Purpose(purpose).label.lower())
    return withdrawal


@transaction.atomic
def ask_for_erasure(*, grant: Grant, request):
    """File an erasure request (Art. 17); it closes this link at once."""
    from patients.lifecycle.erasure import request_erasure

    _needs_consents(grant, request)
    erasure = request_erasure(
        actor=None,
        patient=grant.link.patient,
        asked_on=timezone.localdate(),
        by_patient_link=grant.link,
        request=request,
    )
    _tell_practice(grant.link, "erasure")
    return erasure


@transaction.atomic
def ask_for_data_copy(*, grant: Grant, request) -> None:
    """A request for a copy of the data (Art. 15/20): audited, the practice told.

    The practice makes the export itself (patients.lifecycle.export); the
    event is the record of when the patient asked, for the one-month deadline.
    """
    _needs_consents(grant, request)
    if grant.link.patient.blocked_at is not None:
        raise ShareLinkError("This record is being erased.")
    record_event(
        **audit_as_link(grant.link),
        action=Action.PATIENT_DATA_REQUESTED,
        request=request,
        target=grant.link,
        patient=grant.link.patient,
        details={"session": grant.session_uuid, "articles": "15,20"},
    )
    _tell_practice(grant.link, "data_copy")
