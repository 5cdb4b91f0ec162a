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
    "manage_practice": frozenset({OWNER}),
    # Teaching library (issue 17): staff browse it; owners and clinicians
    # de-identify, add, export and share.
    "view_teaching": STAFF,
    "edit_teaching": frozenset({OWNER, CLINICIAN}),
}


def role_may(role: str, action: str) -> bool:
    """Whether a role may take an action; an unknown action is a programming error."""
    return role in MATRIX[action]
