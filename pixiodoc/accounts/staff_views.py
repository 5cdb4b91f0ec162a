"""Staff pages for owners (invite, roles, deactivate, reset 2FA) and the invitation link."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from pixiodoc.accounts import staff, two_factor
from pixiodoc.accounts.decorators import member_may, second_factor_exempt
from pixiodoc.accounts.exceptions import AccountsError
from pixiodoc.accounts.forms import InviteForm, JoinForm, RoleForm
from pixiodoc.accounts.models import Invitation, Member, User
from pixiodoc.accounts.selectors import members_for


@member_may("manage_practice")
def member_list(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = staff.invite_member(
                actor=request.member,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                site_url=request.build_absolute_uri("/"),
                request=request,
            )
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                gettext(
                    "Invitation sent to %(email)s. The link works once, for 72 hours."
                )
                % {"email": invitation.email},
            )
            return redirect("accounts:members")
    members = members_for(member=request.member).order_by("-is_active", "user__email")
    invitations = Invitation.objects.filter(
        practice_id=request.member.practice_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    return render(
        request,
        "accounts/members.html",
        {
            "form": form,
            "members": members,
            "invitations": [i for i in invitations if i.is_open],
            "roles": Member.Role.choices,
        },
    )


def _member(request, uuid) -> Member:
    # Another practice's member is a 404 (S8).
    return get_object_or_404(members_for(member=request.member), uuid=uuid)


def _act(request, action, success: str):
    try:
        action()
    except AccountsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("accounts:members")


@require_POST
@member_may("manage_practice")
def member_role(request, uuid):
    member = _member(request, uuid)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Choose one of the four roles."))
        return redirect("accounts:members")
    return _act(
        request,
        lambda: staff.change_role(
            actor=request.member,
            member=member,
            role=form.cleaned_data["role"],
            request=request,
        ),
        gettext("Role changed."),
    )


@require_http_methods(["GET", "POST"])
@member_may("manage_practice")
def member_deactivate(request, uuid):
    """GET asks for confirmation (who, and what deactivating does); POST deactivates."""
    member = _member(request, uuid)
    if request.method == "GET":
        return render(
            request,
            "accounts/deactivate_confirm.html",
            {
                "target": member,
                "action_url": request.path,
                "cancel_url": reverse("accounts:members"),
            },
        )
    return _act(
        request,
        lambda: staff.deactivate_member(
            actor=request.member, member=member, request=request
        ),
        gettext("Member deactivated; their sessions have ended."),
    )


@require_POST
@member_may("manage_practice")
def member_reset_two_factor(request, uuid):
    member = _member(request, uuid)
    return _act(
        request,
        lambda: two_factor.reset_second_factor(
            actor=request.member, member=member, request=request
        ),
        gettext(
            "Second factor reset: they set up a new authenticator at their next sign-in."
        ),
    )


@require_POST
@member_may("manage_practice")
def invitation_revoke(request, uuid):
    invitation = get_object_or_404(
        Invitation, uuid=uuid, practice_id=request.member.practice_id
    )
    return _act(
        request,
        lambda: staff.revoke_invitation(
            actor=request.member, invitation=invitation, request=request
        ),
        gettext("Invitation withdrawn."),
    )


@second_factor_exempt
@sensitive_post_parameters("password1", "password2")
def invitation(request, token):
    """The link in the e-mail: set name and password, or (existing account) join."""
    invitation = staff.invitation_by_token(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        return _join_existing(request, token, invitation, existing)
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            staff.accept_invitation(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except AccountsError as exc:
            form.add_error(None, str(exc))
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request,
                gettext(
                    "Welcome to PixioDoc. Sign in with your e-mail and new password; "
                    "you will then set up your authenticator app."
                ),
            )
            return redirect("accounts:login")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invitation, "form": form, "existing": False},
    )


def _join_existing(request, token, invitation, existing):
    signed_in_as_invitee = (
        request.user.is_authenticated
        and request.user.pk == existing.pk
        and request.user.is_verified()
    )
    if request.method == "POST" and signed_in_as_invitee:
        try:
            member = staff.accept_invitation(
                token=token, user=request.user, request=request
            )
        except AccountsError as exc:
            messages.error(request, str(exc))
        else:
            from pixiodoc.accounts.middleware import PRACTICE_SESSION_KEY

            request.session[PRACTICE_SESSION_KEY] = str(member.practice.uuid)
            messages.success(
                request,
                gettext("You have joined %(practice)s.")
                % {"practice": member.practice.name},
            )
            return redirect("home")
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "existing": True,
            "signed_in_as_invitee": signed_in_as_invitee,
            "login_url": reverse("accounts:login") + "?next=" + request.path,
        },
    )
