"""Every change made through the Django admin is also an AccessEvent (S26)."""

from audit.actions import Action, ActorType
from audit.services import record_event

_FLAGS = {1: "add", 2: "change", 3: "delete"}


def record_admin_change(sender, instance, created, **kwargs) -> None:
    """post_save of django.contrib.admin's LogEntry: record who changed what, by id.

    object_repr and the change message are left out: they may name people.
    """
    if not created:
        return
    from pixiodoc.accounts.models import Member

    user = instance.user
    member = (
        Member.objects.filter(user=user, is_active=True, role=Member.Role.OWNER)
        .select_related("practice", "user")
        .order_by("pk")
        .first()
    )
    content_type = instance.content_type
    record_event(
        action=Action.ADMIN_CHANGE,
        actor=member,
        actor_type=ActorType.MEMBER if member else ActorType.USER,
        actor_uuid=user.uuid,
        object_type=content_type.app_label + "." + content_type.model
        if content_type
        else "",
        details={
            "operation": _FLAGS.get(instance.action_flag, str(instance.action_flag)),
            "object_id": str(instance.object_id or ""),
        },
    )
