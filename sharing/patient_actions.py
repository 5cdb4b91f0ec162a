"""What a verified patient does through their link: consents and requests (issue 15).

Each takes a live Grant (sharing.patient_access) and goes through the owning
app's own service, so a withdrawal here takes effect exactly as one recorded by
staff (share links close, teaching marks drop) and an erasure request still
needs its four-eyes approval. The practice hears of each by e-mail, with no PHI.
"""

from django.db import transaction
from django.utils import timezone

from consent.models import Consent, Purpose
from sharing import notifications
from sharing.exceptions import ShareLinkError
from sharing.patient_access import Grant, Reason, refuse


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


def _register(grant: Grant, kind: str, request):
    """The request in the practice's register, with its one-month deadline (Art. 12(3))."""
    from patients.lifecycle.models import SubjectRequest
    from patients.lifecycle.requests import register_request

    return register_request(
        patient=grant.link.patient,
        kind=kind,
        received_on=timezone.localdate(),
        source=SubjectRequest.Source.PATIENT_LINK,
        by_patient_link=grant.link,
        request=request,
    )


@transaction.atomic
def ask_for_erasure(*, grant: Grant, request):
    """Register an Art. 17 request and file its erasure; it closes this link at once."""
    from patients.lifecycle.erasure import request_erasure
    from patients.lifecycle.models import SubjectRequest

    _needs_consents(grant, request)
    registered = _register(grant, SubjectRequest.Kind.ERASURE, request)
    erasure = request_erasure(
        actor=None,
        patient=grant.link.patient,
        asked_on=registered.received_on,
        reason="Art. 17 request through the patient's link",
        by_patient_link=grant.link,
        request=request,
    )
    registered.erasure = erasure
    registered.save(update_fields=["erasure"])
    _tell_practice(grant.link, "erasure")
    return erasure


@transaction.atomic
def ask_for_data_copy(*, grant: Grant, request):
    """Register the copy under both rights it exercises -> [access, portability].

    Art. 15 (a copy) and Art. 20 (in a machine-readable form the patient may
    take elsewhere) are separate entries of the register, each with its
    deadline; the patient export answers both.
    """
    from patients.lifecycle.models import SubjectRequest

    _needs_consents(grant, request)
    if grant.link.patient.blocked_at is not None:
        raise ShareLinkError("This record is being erased.")
    registered = [
        _register(grant, kind, request)
        for kind in (SubjectRequest.Kind.ACCESS, SubjectRequest.Kind.PORTABILITY)
    ]
    _tell_practice(grant.link, "data_copy")
    return registered
