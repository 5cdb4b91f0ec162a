"""E-mails about share links. They carry no patient data: no name, no record number."""

import logging
import smtplib

from django.core.mail import send_mail
from django.template.loader import render_to_string

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
