from datetime import timedelta

from django.utils import timezone

from patients.tests.factories import make_patient
from sharing import tokens
from sharing.models import ShareLink
from sharing.passcodes import hash_passcode


def grant_second_opinion(*, patient, witness):
    from consent.tests.factories import make_consent

    return make_consent(patient=patient, witness=witness, granted=["second_opinion"])


def make_link(
    *, actor, patient=None, passcode=None, days=7, consent=True, photos=(), **fields
):
    """A link straight in the database -> (link, token). Services are tested apart.

    The patient has second-opinion consent unless `consent=False`.
    """
    if patient is None:
        patient = make_patient(actor=actor)
        if consent:
            grant_second_opinion(patient=patient, witness=actor)
    token = tokens.new_token()
    now = timezone.now()
    link = ShareLink.objects.create(
        practice=actor.practice,
        patient=patient,
        created_by=actor,
        recipient_name=fields.pop("recipient_name", "Dr Second Opinion"),
        recipient_email=fields.pop("recipient_email", "colleague@example.org"),
        token_hash=tokens.token_hash(token),
        passcode_hash=hash_passcode(passcode) if passcode else "",
        created_at=now,
        expires_at=now + timedelta(days=days),
        **fields,
    )
    link.photos.set(photos)
    return link, token


def make_shared_photo(*, actor, patient, **extra):
    """A real stored photo (imaging's pipeline) of a patient."""
    from imaging.tests.factories import make_photo

    return make_photo(actor=actor, patient=patient, **extra)


def make_patient_link(
    *, actor, patient=None, days=7, consent=True, for_consents=True, **fields
):
    """A patient link straight in the database -> (link, token).

    The patient (Ada Lovelace, born 1980-12-10) has treatment consent unless
    `consent=False`.
    """
    from consent.tests.factories import make_consent
    from sharing.models import PatientLink

    if patient is None:
        patient = make_patient(actor=actor, email="ada@example.org")
        if consent:
            make_consent(patient=patient, witness=actor, granted=["treatment"])
    token = tokens.new_token()
    now = timezone.now()
    link = PatientLink.objects.create(
        practice=actor.practice,
        patient=patient,
        created_by=actor,
        for_consents=for_consents,
        token_hash=tokens.token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
        **fields,
    )
    return link, token


def pass_identity(client, token, *, date_of_birth="1980-12-10", surname=""):
    """POST the identity form as the patient would."""
    data = {"date_of_birth": date_of_birth}
    if surname:
        data["surname"] = surname
    return client.post(f"/p/{token}/", data)
