"""Staff management: invitations, roles, deactivation (owners only, one practice at a time)."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.actions import Action
from audit.services import record_event
from pixiodoc.accounts.exceptions import AccountsError, InvitationInvalid
from pixiodoc.accounts.models import Invitation, Member, User
from pixiodoc.accounts.sessions import end_all_sessions

INVITATION_LIFETIME = timedelta(hours=72)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_owner(actor: Member, member_or_invitation=None) -> None:
    if not actor.may("manage_practice"):
        raise AccountsError(gettext("Only a practice owner can manage staff."))
    if (
        member_or_invitation is not None
        and member_or_invitation.practice_id != actor.practice_id
    ):
        raise AccountsError(gettext("That person is not part of your practice."))


@transaction.atomic
def invite_member(
    *, actor: Member, email: str, role: str, site_url: str, request=None
) -> Invitation:
    """Invite someone by e-mail to join the actor's practice with `role` (72 h, one use)."""
    _require_owner(actor)
    email = email.strip().lower()
    if role not in Member.Role.values:
        raise AccountsError(gettext("Choose one of the four roles."))
    if Member.objects.filter(
        practice_id=actor.practice_id, user__email__iexact=email, is_active=True
    ).exists():
        raise AccountsError(
            gettext("This person is already an active member of the practice.")
        )
    now = timezone.now()
    # A new invitation replaces any open one for the same address.
    Invitation.objects.filter(
        practice_id=actor.practice_id,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)  # 256 bits; only the digest is stored
    invitation = Invitation(
        practice=actor.practice,
        email=email,
        role=role,
        token_digest=token_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    record_event(
        action=Action.MEMBER_INVITED,
        actor=actor,
        request=request,
        target=invitation,
        details={"role": role},
    )
    link = site_url.rstrip("/") + reverse("accounts:invitation", args=[token])
    # The invitee's language is not known yet: the practice's is the best guess.
    with translation.override(actor.practice.language):
        body = render_to_string(
            "accounts/email/invitation.txt",
            {
                "practice": actor.practice,
                "role": invitation.get_role_display(),
                "link": link,
            },
        )
        subject = gettext("You are invited to %(practice)s on PixioDoc") % {
            "practice": actor.practice.name
        }
    transaction.on_commit(
        lambda: send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )
    return invitation


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation behind a link, if it is still open (unknown, used, expired: None)."""
    invitation = (
        Invitation.objects.filter(token_digest=token_digest(token))
        .select_related("practice")
        .first()
    )
    return invitation if invitation and invitation.is_open else None


@transaction.atomic
def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    request=None,
) -> Member:
    """Join the practice: a new user sets name and password; an existing one is signed in."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_digest=token_digest(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        raise InvitationInvalid()
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise AccountsError(
                gettext(
                    "An account with this e-mail exists: sign in, then open the link again."
                )
            )
        user = User.objects.create_user(
            invitation.email, password, full_name=full_name.strip()
        )
    elif user.email.lower() != invitation.email.lower():
        raise AccountsError(
            gettext(
                "This invitation is for another e-mail address. Sign out and sign in "
                "with the invited address."
            )
        )
    # Single use: the row is locked, and the claim only succeeds on an open row.
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(accepted_at=timezone.now())
    if not claimed:
        raise InvitationInvalid()
    member, created = Member.objects.get_or_create(
        user=user,
        practice=invitation.practice,
        defaults={"role": invitation.role},
    )
    if not created:
        member.role = invitation.role
        member.is_active = True
        member.save(update_fields=["role", "is_active"])
    record_event(
        action=Action.MEMBER_JOINED,
        actor=member,
        request=request,
        target=invitation,
        details={"role": member.role},
    )
    return member


@transaction.atomic
def revoke_invitation(*, actor: Member, invitation: Invitation, request=None) -> None:
    _require_owner(actor, invitation)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record_event(
        action=Action.INVITATION_REVOKED,
        actor=actor,
        request=request,
        target=invitation,
    )


def _other_active_owners(member: Member) -> bool:
    return (
        Member.objects.filter(
            practice_id=member.practice_id, role=Member.Role.OWNER, is_active=True
        )
        .exclude(pk=member.pk)
        .exists()
    )


@transaction.atomic
def change_role(*, actor: Member, member: Member, role: str, request=None) -> Member:
    _require_owner(actor, member)
    if role not in Member.Role.values:
        raise AccountsError(gettext("Choose one of the four roles."))
    if (
        member.role == Member.Role.OWNER
        and role != Member.Role.OWNER
        and not _other_active_owners(member)
    ):
        raise AccountsError(
            gettext("A practice needs an active owner: make someone else owner first.")
        )
    old = member.role
    member.role = role
    member.full_clean()
    member.save(update_fields=["role"])
    record_event(
        action=Action.MEMBER_ROLE_CHANGED,
        actor=actor,
        request=request,
        target=member,
        details={"from": old, "to": role},
    )
    return member


@transaction.atomic
def deactivate_member(*, actor: Member, member: Member, request=None) -> Member:
    """The member loses access at once: every session of theirs ends (S5)."""
    _require_owner(actor, member)
    if member.pk == actor.pk:
        raise AccountsError(
            gettext("You cannot deactivate yourself; ask another owner.")
        )
    if member.role == Member.Role.OWNER and not _other_active_owners(member):
        raise AccountsError(gettext("A practice needs an active owner."))
    member.is_active = False
    member.save(update_fields=["is_active"])
    end_all_sessions(user=member.user)
    record_event(
        action=Action.MEMBER_DEACTIVATED, actor=actor, request=request, target=member
    )
    return member
