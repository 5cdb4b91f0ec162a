"""Session rules (S3, S4, S5): when a session started, when it was last used, its epoch.

A session is stamped when the password is accepted (`user_logged_in`): the time
it started, the time it was last used and the user's session epoch. The member
middleware calls `session_problem` on every request and signs out a session
that was idle for 15 minutes, is older than 12 hours, or whose epoch is behind
the user's (S5: deactivation, a new password or second factor bumps the epoch).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

STARTED_AT = "pixiodoc_started_at"
SEEN_AT = "pixiodoc_seen_at"
EPOCH = "pixiodoc_epoch"

IDLE = "idle"
ABSOLUTE = "absolute"
ENDED = "ended"


def idle_limit() -> timedelta:
    return timedelta(seconds=settings.SESSION_COOKIE_AGE)


def absolute_limit() -> timedelta:
    return settings.SESSION_ABSOLUTE_LIMIT


def stamp(session, user) -> None:
    now = timezone.now().timestamp()
    session[STARTED_AT] = now
    session[SEEN_AT] = now
    session[EPOCH] = user.session_epoch


@receiver(user_logged_in, dispatch_uid="pixiodoc.accounts.sessions.stamp")
def _stamp_on_login(sender, request, user, **kwargs):
    # Every way in (the sign-in view, a test client's force_login) starts the clocks.
    if request is not None and hasattr(request, "session"):
        stamp(request.session, user)


def session_problem(session, user) -> str | None:
    """Why this session must end now, or None; also records this use of it."""
    now = timezone.now().timestamp()
    started = session.get(STARTED_AT)
    seen = session.get(SEEN_AT)
    if started is None or seen is None or session.get(EPOCH) != user.session_epoch:
        return ENDED
    if now - started > absolute_limit().total_seconds():
        return ABSOLUTE
    if now - seen > idle_limit().total_seconds():
        return IDLE
    session[SEEN_AT] = now
    return None


def end_all_sessions(*, user) -> None:
    """Sign the user out everywhere (S5): every session of theirs is now behind."""
    from pixiodoc.accounts.models import User

    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.session_epoch = User.objects.values_list("session_epoch", flat=True).get(
        pk=user.pk
    )


def keep_this_session(*, session, user) -> None:
    """After `end_all_sessions`, keep the session that made the change (own password)."""
    session[EPOCH] = user.session_epoch
