"""Patient links made by members: create and revoke (issue 15, DESIGN.md §1).

A patient link is a link: the same tokens (S21), the same 30-day cap (S22), the
same session generation (S24) as a ShareLink. Each service is atomic and
audited inside its transaction; the e-mail to the patient goes out on commit.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.actions import Action
from audit.services import record_event
from imaging import regions as body_regions
from pixiodoc.accounts.models import Member
from sharing import notifications, tokens
from sharing.exceptions import ShareLinkError
from sharing.models import ABSOLUTE_MAX_DAYS, PatientLink
from sharing.services import close_link

TREATMENT = "treatment"


def _check_request(*, for_photos, for_consents, regions, photos_asked, days, limit):
    if not (for_photos or for_consents):
        raise ShareLinkError(
            gettext(
                "Choose what the link is for: follow-up photos, the patient's "
                "consents, or both."
            )
        )
    if for_photos:
        if not regions:
            raise ShareLinkError(gettext("Choose the body regions you need photos of."))
        if any(r not in body_regions.BY_KEY for r in regions):
            raise ShareLinkError(gettext("Choose body regions from the list."))
        if photos_asked is None or not 1 <= photos_asked <= PatientLink.MAX_PHOTOS:
            raise ShareLinkError(
                gettext("Ask for between 1 and %(most)s photos.")
                % {"most": PatientLink.MAX_PHOTOS}
            )
    if not 1 <= days <= ABSOLUTE_MAX_DAYS:
        raise ShareLinkError(
            gettext(
                "Choose between 1 and %(days)s days: a patient link lasts "
                "at most %(days)s days."
            )
            % {"days": ABSOLUTE_MAX_DAYS}
        )
    if not 1 <= limit <= PatientLink.MAX_SESSION_LIMIT:
        raise ShareLinkError(
            gettext("Allow between 1 and %(most)s sessions.")
            % {"most": PatientLink.MAX_SESSION_LIMIT}
        )


@transaction.atomic
def create_patient_link(
    *,
    actor: Member,
    patient,
    for_photos: bool = False,
    for_consents: bool = False,
    regions: list[str] = (),
    photos_asked: int | None = None,
    note: str = "",
    days: int = PatientLink.DEFAULT_DAYS,
    session_limit: int = PatientLink.DEFAULT_SESSION_LIMIT,
    ask_surname: bool = False,
    link_url,
    request=None,
) -> tuple[PatientLink, str]:
    """Make a patient's own link -> (link, token); the token is returned once, here.

    The patient must have given treatment consent (a withdrawal closes the link,
    sharing.patient_access). `link_url(token)` builds the absolute URL for the
    e-mail to the address on the record, sent when the transaction commits.
    """
    from consent.checks import has_consent

    if not actor.may("patient_link"):
        raise ShareLinkError(gettext("Your role cannot make patient links."))
    if patient.practice_id != actor.practice_id:
        raise ShareLinkError(gettext("This patient belongs to another practice."))
    if patient.blocked_at is not None:
        raise ShareLinkError(gettext("This patient's record is being erased."))
    if not has_consent(patient, TREATMENT):
        raise ShareLinkError(
            gettext(
                "This patient has not given (or has withdrawn) consent to treatment: "
                "record it before sending them a link."
            )
        )
    regions = list(dict.fromkeys(regions)) if for_photos else []
    _check_request(
        for_photos=for_photos,
        for_consents=for_consents,
        regions=regions,
        photos_asked=photos_asked,
        days=days,
        limit=session_limit,
    )
    token = tokens.new_token()
    now = timezone.now()
    link = PatientLink(
        practice=actor.practice,
        patient=patient,
        created_by=actor,
        for_photos=for_photos,
        for_consents=for_consents,
        regions=regions,
        photos_asked=photos_asked if for_photos else None,
        note=note.strip(),
        ask_surname=ask_surname,
        token_hash=tokens.token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
        session_limit=session_limit,
    )
    link.full_clean(exclude=["practice", "patient", "created_by"])
    link.save()
    # PHI-free: settings only, never the note (S27).
    record_event(
        action=Action.PATIENT_LINK_CREATED,
        actor=actor,
        request=request,
        target=link,
        patient=patient,
        details={
            "for_photos": for_photos,
            "for_consents": for_consents,
            "regions": regions,
            "photos_asked": link.photos_asked,
            "days": days,
            "session_limit": session_limit,
            "ask_surname": ask_surname,
            "emailed": bool(patient.email),
        },
    )
    if patient.email:
        url = link_url(token)
        transaction.on_commit(
            lambda: notifications.send_patient_link(link=link, url=url)
        )
    return link, token


@transaction.atomic
def revoke_patient_link(
    *, actor: Member, link: PatientLink, request=None
) -> PatientLink:
    """Close the link at once, the patient's open sessions included (S24)."""
    if link.practice_id != actor.practice_id:
        raise ShareLinkError(gettext("This link belongs to another practice."))
    if not actor.may("patient_link"):
        raise ShareLinkError(gettext("Your role cannot revoke patient links."))
    return close_link(
        link=link, actor=actor, action=Action.PATIENT_LINK_REVOKED, request=request
    )


def live_links(*, patient):
    now = timezone.now()
    return PatientLink.objects.filter(
        patient=patient,
        revoked_at__isnull=True,
        locked_at__isnull=True,
        expires_at__gt=now,
    )
