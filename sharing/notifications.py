"""E-mails about share links. They carry no patient data: no name, no record number."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from sharing.models import ShareLink

logger = logging.getLogger(__name__)


def send_link_to_recipient(*, link: ShareLink, url: str) -> bool:
    """Runs after the link is committed; a mail outage leaves the sender the copy button."""
    context = {"link": link, "url": url, "practice": link.practice}
    try:
        send_mail(
            subject=f"{link.practice.name} shared clinical photographs with you",
            message=render_to_string("sharing/email/recipient.txt", context),
            from_email=None,
            recipient_list=[link.recipient_email],
        )
    except (smtplib.SMTPException, OSError) as exc:
        logger.error(
            "share link %s: e-mail not sent: %s", link.uuid, type(exc).__name__
        )
        return False
    return True


def tell_sender_link_locked(*, link_uuid) -> None:
    link = (
        ShareLink.objects.select_related("created_by__user", "practice")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is None or link.created_by is None:
        return
    send_mail(
        subject="A share link you created was locked",
        message=render_to_string("sharing/email/locked.txt", {"link": link}),
        from_email=None,
        recipient_list=[link.created_by.user.email],
    )


# --- patient links (issue 15) ------------------------------------------------------


def send_patient_link(*, link, url: str) -> bool:
    """To the address on the patient's record; only what the patient needs.

    No name in the subject (mailboxes and previews are shared), no diagnosis,
    no note: the note shows only after the identity check.
    """
    context = {"link": link, "url": url, "practice": link.practice}
    try:
        send_mail(
            subject=f"A secure link from {link.practice.name}",
            message=render_to_string("sharing/email/patient_link.txt", context),
            from_email=None,
            recipient_list=[link.patient.email],
        )
    except (smtplib.SMTPException, OSError) as exc:
        logger.error(
            "patient link %s: e-mail not sent: %s", link.uuid, type(exc).__name__
        )
        return False
    return True


def practice_addresses(link) -> list[str]:
    """Who hears about a patient link: its creator and the practice's owners."""
    from pixiodoc.accounts.models import Member

    owners = Member.objects.filter(
        practice_id=link.practice_id, role=Member.Role.OWNER, is_active=True
    ).select_related("user")
    addresses = {m.user.email for m in owners}
    if link.created_by is not None and link.created_by.is_active:
        addresses.add(link.created_by.user.email)
    return sorted(addresses)


# What the practice is told, by event; never PHI: the link's reference only.
PRACTICE_NOTICES = {
    "locked": "A patient link was locked after five wrong identity answers",
    "withdrawn": "A patient withdrew a consent through their link",
    "erasure": "A patient asked for erasure through their link",
    "data_copy": "A patient asked for a copy of their data through their link",
    "photos": _("A patient sent follow-up photos through their link"),
}


def tell_practice_about_patient_link(
    *, link_uuid, event: str, purpose: str = "", app_url: str = ""
):
    from sharing.models import PatientLink

    link = (
        PatientLink.objects.select_related("practice", "created_by__user")
        .filter(uuid=link_uuid)
        .first()
    )
    if link is None or not (recipients := practice_addresses(link)):
        return
    send_mail(
        subject=str(PRACTICE_NOTICES[event]),
        message=render_to_string(
            "sharing/email/patient_link_notice.txt",
            {"link": link, "event": event, "purpose": purpose, "app_url": app_url},
        ),
        from_email=None,
        recipient_list=recipients,
    )


def tell_practice_patient_link_locked(*, link_uuid) -> None:
    tell_practice_about_patient_link(link_uuid=link_uuid, event="locked")
