"""Per request: enforce the session rules, keep unverified users at the door, set `request.member`.

- S4/S5: a session idle for 15 minutes, older than 12 hours, or from before the
  user's last session-ending change is signed out here (see sessions.py).
- S1: a user who has given only a password reaches nothing but the views marked
  `@second_factor_exempt` (sign-in, enrolment, password reset, sign-out).
- `request.member` is the signed-in user's membership of the practice they chose.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from audit.actions import Action, ActorType
from audit.services import record_event
from pixiodoc.accounts import sessions
from pixiodoc.accounts.selectors import current_member

PRACTICE_SESSION_KEY = "practice_uuid"


class MemberMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = None
        if request.user.is_authenticated:
            problem = sessions.session_problem(request.session, request.user)
            if problem:
                return self._end_session(request, problem)
            request.member = current_member(
                user=request.user,
                practice_uuid=request.session.get(PRACTICE_SESSION_KEY),
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # S1: password alone opens nothing but the way to the second factor.
        if (
            request.user.is_authenticated
            and not request.user.is_verified()
            and not getattr(view_func, "second_factor_exempt", False)
        ):
            if request.path.startswith(settings.STATIC_URL):
                return None
            return redirect("accounts:two_factor")
        return None

    def _end_session(self, request, problem):
        user = request.user
        record_event(
            action=Action.SESSION_EXPIRED,
            request=request,
            actor_type=ActorType.USER,
            actor_uuid=user.uuid,
            reason=problem,
        )
        logout(request)  # flushes the session: a new key, nothing carried over
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"signed_in": False}, status=401)
        # The message layer is not set up yet here: the sign-in page says why.
        query = {"ended": problem}
        if request.method == "GET":
            query["next"] = request.get_full_path()
        return redirect(reverse("accounts:login") + "?" + urlencode(query))
