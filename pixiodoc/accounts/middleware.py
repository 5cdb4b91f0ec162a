"""Resolve `request.member`: the signed-in user's membership of the practice they chose."""

from pixiodoc.accounts.selectors import current_member

PRACTICE_SESSION_KEY = "practice_uuid"


class MemberMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = None
        if request.user.is_authenticated:
            request.member = current_member(
                user=request.user,
                practice_uuid=request.session.get(PRACTICE_SESSION_KEY),
            )
        return self.get_response(request)
