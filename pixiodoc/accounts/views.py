"""Sign-in: password, then the second factor (enrolment the first time), then a practice."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.actions import Action, ActorType, Outcome
from audit.services import record_event
from pixiodoc.accounts import qr
from pixiodoc.accounts.forms import CodeForm, SignInForm
from pixiodoc.accounts.middleware import PRACTICE_SESSION_KEY
from pixiodoc.accounts.selectors import active_memberships


def sign_in(request):
    form = SignInForm(request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            login(request, form.user)  # rotates the session key (S3)
            record_event(
                action=Action.SIGN_IN,
                request=request,
                actor_type=ActorType.USER,
                actor_uuid=form.user.uuid,
            )
            return redirect("accounts:two_factor")
        record_event(
            action=Action.SIGN_IN_FAILED,
            request=request,
            outcome=Outcome.FAILED,
            reason="wrong e-mail or password",
        )
    return render(request, "accounts/login.html", {"form": form})


@login_required
def two_factor(request):
    if request.user.is_verified():
        return redirect("home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = _pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            request.session.cycle_key()  # rotate again at the second factor (S3)
            otp_login(request, device)
            record_event(
                action=Action.TWO_FACTOR_ENROLLED
                if enrolling
                else Action.TWO_FACTOR_VERIFIED,
                request=request,
                actor_type=ActorType.USER,
                actor_uuid=request.user.uuid,
            )
            return redirect("accounts:choose_practice")
        form.add_error(
            "code", "That code is not right. Enter the current 6-digit code."
        )
        record_event(
            action=Action.TWO_FACTOR_FAILED,
            request=request,
            actor_type=ActorType.USER,
            actor_uuid=request.user.uuid,
            outcome=Outcome.FAILED,
            reason="wrong code",
        )
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        context.update(qr_svg=qr.svg(device.config_url), secret=qr.secret_of(device))
    return render(request, "accounts/two_factor.html", context)


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Authenticator", confirmed=False
    )


@login_required
def choose_practice(request):
    if not request.user.is_verified():
        return redirect("accounts:two_factor")
    memberships = list(active_memberships(user=request.user))
    if request.method == "POST":
        chosen = next(
            (
                m
                for m in memberships
                if str(m.practice.uuid) == request.POST.get("practice")
            ),
            None,
        )
        if chosen:
            request.session[PRACTICE_SESSION_KEY] = str(chosen.practice.uuid)
            record_event(action=Action.PRACTICE_SWITCHED, actor=chosen, request=request)
            return redirect("home")
        messages.error(request, "Choose one of your practices.")
    elif len(memberships) == 1:
        request.session[PRACTICE_SESSION_KEY] = str(memberships[0].practice.uuid)
        return redirect("home")
    return render(
        request, "accounts/choose_practice.html", {"memberships": memberships}
    )


@require_POST
def sign_out(request):
    if request.user.is_authenticated:
        record_event(
            action=Action.SIGN_OUT,
            actor=request.member,
            request=request,
            actor_type=None if request.member else ActorType.USER,
            actor_uuid=request.user.uuid,
        )
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect("accounts:login")
