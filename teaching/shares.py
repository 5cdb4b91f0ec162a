"""Share a teaching case through a link: no account, no patient identifier (issue 17).

Built on sharing's tokens, address throttle and neutral refusal (S21, S6, S23),
but under teaching consent rather than second-opinion consent, and for a case
whose images may come from several patients. Every request asks again: the
link is closed once revoked or expired, and once any image of the case is
hidden or its patient's teaching consent no longer holds.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.accounts.models import Member
from pixiodoc.languages import show_times_of
from pixiodoc.net import client_ip
from sharing import throttle, tokens
from sharing.exceptions import AddressThrottled, LinkUnavailable
from sharing.models import ShareFailure
from teaching.exceptions import TeachingError
from teaching.models import (
    SHARE_MAX_DAYS,
    TeachingCase,
    TeachingImage,
    TeachingShareLink,
)
from teaching.selectors import case_images, is_visible
from teaching.services import decrypt_image

DEFAULT_DAYS = 7


@transaction.atomic
def create_link(
    *, actor: Member, case: TeachingCase, days: int = DEFAULT_DAYS, request=None
) -> tuple[TeachingShareLink, str]:
    """A new link and its token; the token is shown once and never stored (S21)."""
    if case.practice_id != actor.practice_id:
        raise TeachingError(gettext("This case belongs to another practice."))
    if not actor.may("edit_teaching"):
        raise TeachingError(gettext("Only owners and clinicians may share cases."))
    if not 1 <= days <= SHARE_MAX_DAYS:
        raise TeachingError(
            gettext("A link lasts from 1 to %(days)s days.") % {"days": SHARE_MAX_DAYS}
        )
    images = case_images(case=case)
    if not images or not all(is_visible(image) for image in images):
        raise TeachingError(
            gettext(
                "Only a case whose every image is in the library with teaching consent "
                "can be shared."
            )
        )
    token = tokens.new_token()
    now = timezone.now()
    link = TeachingShareLink.objects.create(
        practice=actor.practice,
        case=case,
        created_by=actor,
        token_hash=tokens.token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
        image_count=len(images),
    )
    link.images.set(images)
    record_event(
        action=Action.TEACHING_SHARE_CREATED,
        actor=actor,
        request=request,
        target=link,
        details={"case": str(case.uuid), "days": days},
    )
    return link, token


@transaction.atomic
def revoke_link(*, actor: Member, link: TeachingShareLink, request=None) -> None:
    if link.practice_id != actor.practice_id:
        raise TeachingError(gettext("This link belongs to another practice."))
    if not actor.may("edit_teaching"):
        raise TeachingError(gettext("Only owners and clinicians may revoke links."))
    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record_event(
        action=Action.TEACHING_SHARE_REVOKED, actor=actor, request=request, target=link
    )


def shared_images(link: TeachingShareLink) -> list[TeachingImage]:
    return list(link.images.select_related("patient").order_by("created_at", "id"))


def closed_reason(link: TeachingShareLink, images) -> str | None:
    if link.revoked_at is not None:
        return "revoked"
    if link.is_expired:
        return "expired"
    if len(images) != link.image_count:
        return "image_removed"
    if not all(is_visible(image) for image in images):
        return "no_consent"
    return None


def is_open(link: TeachingShareLink) -> bool:
    return closed_reason(link, shared_images(link)) is None


def open_case(*, token: str, request) -> tuple[TeachingShareLink, list[TeachingImage]]:
    """The case a token opens, all rules asked now; audited. Raises LinkUnavailable."""
    link, images = _checked(token=token, request=request)
    _record(link=link, images=images, page="case", request=request)
    return link, images


def shared_image(*, token: str, image_uuid, request) -> bytes:
    """One image of the shared case, re-checked and audited (S26)."""
    link, images = _checked(token=token, request=request)
    found = next((i for i in images if i.uuid == image_uuid), None)
    if found is None:
        _refuse(reason="not_shared", link=link, request=request)
    _record(link=link, images=[found], page="image", request=request)
    return decrypt_image(image=found, rendition="display")


def _checked(*, token: str, request) -> tuple[TeachingShareLink, list[TeachingImage]]:
    link = _find(token=token, request=request)
    images = shared_images(link)
    if reason := closed_reason(link, images):
        _refuse(reason=reason, link=link, request=request)
    return link, images


def _find(*, token: str, request) -> TeachingShareLink:
    if throttle.address_throttled(client_ip(request)):
        raise AddressThrottled
    link = None
    if tokens.looks_like_token(token):
        link = (
            TeachingShareLink.objects.select_related("case", "practice")
            .filter(token_hash=tokens.token_hash(token))
            .first()
        )
    if link is None:
        throttle.record_failure(
            ip=client_ip(request), kind=ShareFailure.Kind.UNKNOWN_TOKEN
        )
        raise LinkUnavailable("unknown")
    show_times_of(link.practice)
    return link


def _refuse(*, reason: str, link: TeachingShareLink, request):
    record_event(
        action=Action.TEACHING_SHARE_REFUSED,
        practice=link.practice,
        actor_type=ActorType.SHARE_LINK,
        actor_uuid=link.uuid,
        request=request,
        target=link,
        outcome=Outcome.DENIED,
        reason=reason,
    )
    raise LinkUnavailable(reason, link)


def _record(*, link, images, page: str, request) -> None:
    # One event per patient whose images were shown: each patient's accounting
    # of disclosures finds it.
    for patient in {image.patient_id: image.patient for image in images}.values():
        record_event(
            action=Action.TEACHING_SHARE_OPENED,
            practice=link.practice,
            actor_type=ActorType.SHARE_LINK,
            actor_uuid=link.uuid,
            request=request,
            target=link,
            patient=patient,
            details={
                "page": page,
                "images": [str(i.uuid) for i in images if i.patient_id == patient.pk],
            },
        )
