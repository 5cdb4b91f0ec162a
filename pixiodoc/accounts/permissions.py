"""The permission matrix of DESIGN.md §6, in one place. `member_may` and templates read it."""

OWNER, CLINICIAN, ASSISTANT, COMPLIANCE = (
    "owner",
    "clinician",
    "assistant",
    "compliance",
)
STAFF = frozenset({OWNER, CLINICIAN, ASSISTANT})

MATRIX: dict[str, frozenset[str]] = {
    "view_patients": STAFF,
    "edit_patients": STAFF,  # add patients, visits, photos; record consent
    "delete_photo": frozenset({OWNER, CLINICIAN}),
    "create_share": frozenset({OWNER, CLINICIAN}),
    "send_to_pacs": frozenset({OWNER, CLINICIAN}),  # interop: push photos to a PACS
    "revoke_share": frozenset({OWNER, CLINICIAN, COMPLIANCE}),
    "patient_link": STAFF,  # make and revoke a patient's own link (issue 15)
    "view_audit": frozenset({OWNER, COMPLIANCE}),
    "request_erasure": frozenset({OWNER, CLINICIAN, COMPLIANCE}),
    "approve_erasure": frozenset({OWNER, COMPLIANCE}),
    "manage_retention": frozenset({OWNER, COMPLIANCE}),
    # Patients' GDPR requests (#16): anyone who hears one registers it; the owner
    # and the compliance officer answer them (and export the record to do so).
    "register_request": STAFF | {COMPLIANCE},
    "handle_requests": frozenset({OWNER, COMPLIANCE}),
    "manage_practice": frozenset({OWNER}),
    # Teaching library (issue 17): staff browse it; owners and clinicians
    # de-identify, add, export and share.
    "view_teaching": STAFF,
    "edit_teaching": frozenset({OWNER, CLINICIAN}),
}


def role_may(role: str, action: str) -> bool:
    """Whether a role may take an action; an unknown action is a programming error."""
    return role in MATRIX[action]


# Break-glass (#16): what a grant opens, for the one patient it names. The
# scoping selectors narrow a member with a grant to that patient
# (break_glass_patients), so opening the door never opens every record.
BREAK_GLASS_ACTIONS = frozenset({"view_patients"})


def may_break_glass(member, action: str) -> bool:
    return action in BREAK_GLASS_ACTIONS and bool(break_glass_patients(member))


def break_glass_patients(member) -> list | None:
    """None when the member's role sees every patient; else the patient uuids their
    break-glass grants in effect open (read once per request and member)."""
    if role_may(member.role, "view_patients"):
        return None
    cached = getattr(member, "_break_glass_patients", None)
    if cached is None:
        from django.utils import timezone

        from pixiodoc.accounts.models import BreakGlassGrant

        cached = list(
            BreakGlassGrant.objects.filter(
                member=member, expires_at__gt=timezone.now()
            ).values_list("patient_uuid", flat=True)
        )
        member._break_glass_patients = cached
    return cached


def narrowed(queryset, member, *, patient_field: str):
    """`queryset` as the member may read it: whole for roles that see patients,
    else only the patients their break-glass grants in effect name."""
    only = break_glass_patients(member)
    if only is None:
        return queryset
    return queryset.filter(**{f"{patient_field}__in": only})
