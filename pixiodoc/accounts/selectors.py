from django.db.models import QuerySet

from pixiodoc.accounts.models import Member, User


def active_memberships(*, user: User) -> QuerySet[Member]:
    return Member.objects.filter(user=user, is_active=True).select_related("practice")


def current_member(*, user: User, practice_uuid: str | None) -> Member | None:
    """The membership the user chose; the only one when they have just one; else None."""
    memberships = active_memberships(user=user)
    if practice_uuid:
        return memberships.filter(practice__uuid=practice_uuid).first()
    only = list(memberships[:2])
    return only[0] if len(only) == 1 else None


def members_for(*, member: Member) -> QuerySet[Member]:
    """Every membership of the member's practice (the one scoping helper of this app)."""
    return Member.objects.filter(practice_id=member.practice_id).select_related("user")


def break_glass_grants_for(*, member: Member) -> QuerySet:
    """The practice's break-glass grants, for review (newest first)."""
    from pixiodoc.accounts.models import BreakGlassGrant

    return BreakGlassGrant.objects.filter(
        practice_id=member.practice_id
    ).select_related("member__user", "reviewed_by__user")
