"""How the audit pages name members and users (audit.lookups.register_labels)."""

from pixiodoc.accounts.models import Member, User


def member_labels(practice, uuids) -> dict:
    rows = Member.objects.filter(practice=practice, uuid__in=uuids).select_related(
        "user"
    )
    return {m.uuid: f"{m.user.display_name} ({m.get_role_display()})" for m in rows}


def user_labels(practice, uuids) -> dict:
    rows = User.objects.filter(memberships__practice=practice, uuid__in=uuids)
    return {u.uuid: u.display_name for u in rows}


def register() -> None:
    from audit.lookups import register_labels

    register_labels("accounts.member", member_labels)
    register_labels("accounts.user", user_labels)
