"""`{% passkey_offer "enrol" %}`: the passkey choice of a sign-in step or the security page.

"enrol" (first sign-in) and "sign_in" (later sign-ins) render a hidden box that
static/js/passkey.js shows where the browser can use a passkey; "add" renders
the security page's passkey section. Nothing is offered where a passkey cannot
work (another origin than the configured ones), nor "sign_in" without a passkey.
"""

from django import template

from pixiodoc.accounts import passkeys

register = template.Library()


@register.inclusion_tag("accounts/_passkey.html", takes_context=True)
def passkey_offer(context, purpose: str) -> dict:
    request = context["request"]
    has_passkey = passkeys.has_passkey(user=request.user)
    offered = passkeys.passkeys_offered(request=request)
    if purpose == "sign_in":
        offered = offered and has_passkey
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "purpose": purpose,
        "offered": offered,
        "has_passkey": has_passkey,
    }
