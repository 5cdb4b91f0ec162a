"""Password services: change and reset end every other session (S5); never logged (S7)."""

from django.db import transaction

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.accounts.models import User
from pixiodoc.accounts.sessions import end_all_sessions


def _event(*, user, request, action):
    from pixiodoc.accounts.two_factor import audit_practice

    record_event(
        action=action,
        request=request,
        practice=audit_practice(user),
        actor_type=ActorType.USER,
        actor_uuid=user.uuid,
    )


@transaction.atomic
def change_password(*, user: User, new_password: str, request=None) -> User:
    """Set a validated new password; every session of the user ends (keep yours after)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    end_all_sessions(user=user)
    _event(user=user, request=request, action=Action.PASSWORD_CHANGED)
    return user


@transaction.atomic
def record_password_reset(*, user: User, request=None) -> None:
    """After a reset by e-mail link (the form has saved the password): end every session."""
    end_all_sessions(user=user)
    _event(user=user, request=request, action=Action.PASSWORD_RESET)
