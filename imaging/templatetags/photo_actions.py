"""`{% photo_actions photo %}`: the links other apps registered for a photo's page."""

from django import template

from imaging import photo_actions as registry

register = template.Library()


@register.inclusion_tag("imaging/_photo_actions.html", takes_context=True)
def photo_actions(context, photo) -> dict:
    member = getattr(context["request"], "member", None)
    return {"actions": registry.photo_actions(member=member, photo=photo)}
