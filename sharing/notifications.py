"""E-mails about share links. They carry no patient data: no name, no record number."""

from django.core.mail import send_mail
from django.template.loader import render_to_string

from sharing.models import ShareLink


def send_link_to_recipient(*, link: ShareLink, url: str) -> None:
    context = {"link": link, "url": url, "practice": link.practice}
    send_mail(
        subject=f"{link.practice.name} shared clinical photographs with you",
        message=render_to_string("sharing/email/recipient.txt", context),
        from_email=None,
        recipient_list=[link.recipient_email],
    )


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
