"""What every URL pattern requires (S8): the table the generated URL walk checks.

Every named URL pattern in the resolver must have one line in `URLS`; the walk in
test_url_walk.py fails for any pattern missing here and tells you to add it.
See docs/security.md. A line says who may reach the URL:

- `public()`            anyone, signed in or not (sign-in pages, /healthz, share pages)
- `signed_in()`         any member of the practice, whatever their role
- `may("action")`       members whose role has `action` in pixiodoc/accounts/permissions.py
- `sign_in_step()`      a step of signing in: needs a password session, not a member
- `admin()`             the Django admin: practice owners only

Options: `post=True` for POST-only views (the walk then POSTs without data);
`kwargs={"uuid": "patient"}` fills each URL argument from an object made by
`OBJECTS[kind](members)` in the member's own practice (another practice's → 404):
the argument's value is the object's attribute of the same name (`uuid`), or the
maker's return value itself when it returns a string (a share token, say);
`query="a=b"` adds a query string the view needs; `status=404` on a public URL
expects that status for everyone instead of a page (a share-link image, which
needs a recipient session that nobody in the walk has).

GET must never change data (S10): the walk compares every table before and after
its GETs, except the tables in `READ_SIDE_EFFECTS`, which reads are meant to write.
"""

from dataclasses import dataclass, field

PUBLIC, SIGNED_IN, MAY, SIGN_IN_STEP, ADMIN = (
    "public",
    "signed_in",
    "may",
    "sign_in_step",
    "admin",
)


@dataclass(frozen=True)
class Rule:
    kind: str
    action: str | None = None
    post: bool = False
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    status: int | None = None


def public(**options) -> Rule:
    return Rule(PUBLIC, **options)


def signed_in(**options) -> Rule:
    return Rule(SIGNED_IN, **options)


def may(action: str, **options) -> Rule:
    return Rule(MAY, action, **options)


def sign_in_step(**options) -> Rule:
    return Rule(SIGN_IN_STEP, **options)


def admin(**options) -> Rule:
    return Rule(ADMIN, **options)


BREACH_WINDOW = "start=2026-01-01T00:00&end=2026-01-02T00:00&aware_at=2026-01-03T00:00"

# URL name (namespaced as in `reverse`) -> rule. Keep it sorted by app; one line each.
URLS: dict[str, Rule] = {
    # pixiodoc
    "home": signed_in(),
    "healthz": public(),
    "javascript_catalog": public(kwargs={"language": "language"}),
    # accounts
    "accounts:login": public(),
    "accounts:two_factor": sign_in_step(),
    "accounts:passkey_enrol_options": sign_in_step(post=True),
    "accounts:passkey_enrol": sign_in_step(post=True),
    "accounts:passkey_options": sign_in_step(post=True),
    "accounts:passkey_verify": sign_in_step(post=True),
    "accounts:choose_practice": sign_in_step(),
    "accounts:logout": sign_in_step(post=True),
    "accounts:keep_alive": sign_in_step(post=True),
    "accounts:security": sign_in_step(),
    "accounts:password_change": sign_in_step(),
    "accounts:language": signed_in(post=True),
    "accounts:authenticator_replace": sign_in_step(post=True),
    "accounts:backup_codes": sign_in_step(post=True),
    "accounts:passkey_remove": sign_in_step(post=True),
    "accounts:password_reset": public(),
    "accounts:password_reset_done": public(),
    "accounts:password_reset_confirm": public(
        kwargs={"uidb64": "reset_uid", "token": "reset_token"}
    ),
    "accounts:password_reset_complete": public(),
    "accounts:members": may("manage_practice"),
    "accounts:member_role": may(
        "manage_practice", post=True, kwargs={"uuid": "member"}
    ),
    "accounts:member_deactivate": may("manage_practice", kwargs={"uuid": "member"}),
    "accounts:member_reset_two_factor": may(
        "manage_practice", post=True, kwargs={"uuid": "member"}
    ),
    "accounts:invitation_revoke": may(
        "manage_practice", post=True, kwargs={"uuid": "invitation"}
    ),
    "accounts:invitation": public(kwargs={"token": "invitation_token"}),
    # patients
    "patients:list": may("view_patients"),
    "patients:create": may("edit_patients"),
    "patients:break_glass": signed_in(),
    "patients:timeline": may("view_patients", kwargs={"uuid": "patient"}),
    "patients:edit": may("edit_patients", kwargs={"uuid": "patient"}),
    "patients:visit_create": may("edit_patients", kwargs={"uuid": "patient"}),
    "patients:visit_edit": may("edit_patients", kwargs={"uuid": "visit"}),
    # consent
    "consent:start": may("edit_patients", kwargs={"uuid": "patient"}),
    "consent:add_defaults": may("edit_patients", post=True, kwargs={"uuid": "patient"}),
    "consent:withdraw": may("edit_patients", kwargs={"uuid": "patient"}),
    "consent:override": may("edit_patients", post=True, kwargs={"uuid": "patient"}),
    "consent:kiosk": may("edit_patients"),
    "consent:kiosk_leave": may("edit_patients"),
    "consent:templates": may("manage_practice"),
    "consent:template_defaults": may("manage_practice", post=True),
    "consent:template_new": may("manage_practice"),
    "consent:template_edit": may(
        "manage_practice", kwargs={"uuid": "consent_template"}
    ),
    "consent:template_language": may(
        "manage_practice", kwargs={"uuid": "consent_template"}
    ),
    "consent:override_setting": may("manage_practice", post=True),
    "consent:detail": may("view_patients", kwargs={"uuid": "consent"}),
    "consent:print": may("view_patients", kwargs={"uuid": "consent"}),
    "consent:pdf": may("view_patients", kwargs={"uuid": "consent"}),
    "consent:email": may("edit_patients", post=True, kwargs={"uuid": "consent"}),
    # patients: retention, erasure, export (docs/jobs.md)
    "patients:retention": may("manage_retention"),
    "patients:retention_policy": may("manage_retention", post=True),
    "patients:hold_place": may("manage_retention", post=True),
    "patients:hold_release": may(
        "manage_retention", post=True, kwargs={"uuid": "legal_hold"}
    ),
    "patients:erasures": may("request_erasure"),
    "patients:erasure_create": may("request_erasure"),
    "patients:erasure": may("request_erasure", kwargs={"uuid": "erasure_request"}),
    "patients:erasure_approve": may(
        "approve_erasure", kwargs={"uuid": "erasure_request"}
    ),
    "patients:erasure_reject": may(
        "approve_erasure", post=True, kwargs={"uuid": "erasure_request"}
    ),
    "patients:erasure_retry": may(
        "approve_erasure", post=True, kwargs={"uuid": "erasure_request"}
    ),
    "patients:erasure_certificate": may(
        "request_erasure", kwargs={"uuid": "completed_erasure"}
    ),
    "patients:export_start": may(
        "view_patients", post=True, kwargs={"uuid": "patient"}
    ),
    "patients:export": may("view_patients", kwargs={"uuid": "patient_export"}),
    "patients:export_download": may(
        "view_patients", post=True, kwargs={"uuid": "patient_export"}
    ),
    "patients:requests": may("handle_requests"),
    "patients:request_create": may("register_request"),
    "patients:request": may("handle_requests", kwargs={"uuid": "subject_request"}),
    "patients:request_extend": may(
        "handle_requests", post=True, kwargs={"uuid": "subject_request"}
    ),
    "patients:request_close": may(
        "handle_requests", post=True, kwargs={"uuid": "subject_request"}
    ),
    "patients:request_export": may(
        "handle_requests", post=True, kwargs={"uuid": "subject_request"}
    ),
    "patients:request_export_download": may(
        "handle_requests", post=True, kwargs={"uuid": "subject_request"}
    ),
    "patients:request_erasure": may(
        "handle_requests", post=True, kwargs={"uuid": "subject_request"}
    ),
    # audit
    "audit:list": may("view_audit"),
    "audit:patient": may("view_audit", kwargs={"uuid": "patient"}),
    "audit:member": may("view_audit", kwargs={"uuid": "member"}),
    "audit:disclosures_find": may("view_audit"),
    "audit:disclosures": may("view_audit", kwargs={"uuid": "patient"}),
    "audit:disclosures_pdf": may("view_audit", kwargs={"uuid": "patient"}),
    "audit:export_csv": may("view_audit"),
    "audit:export_pdf": may("view_audit"),
    "audit:verify": may("view_audit", post=True),
    "audit:verification": may("view_audit", kwargs={"uuid": "chain_verification"}),
    # compliance
    "compliance:desk": may("view_audit"),
    "compliance:record": may("view_audit"),
    "compliance:breach": may("view_audit", query=BREACH_WINDOW),
    "compliance:break_glass_review": may(
        "view_audit", post=True, kwargs={"uuid": "break_glass_grant"}
    ),
    "compliance:breach_pdf": may("view_audit", query=BREACH_WINDOW),
    # sharing
    "sharing:open": public(kwargs={"token": "share_token"}),
    "sharing:photo": public(
        kwargs={"token": "share_token", "photo": "any_uuid"}, status=404
    ),
    "sharing:download": public(
        kwargs={"token": "share_token", "photo": "any_uuid"}, status=404
    ),
    "sharing:list": may("revoke_share"),
    "sharing:create": may("create_share", kwargs={"uuid": "patient"}),
    "sharing:detail": may("revoke_share", kwargs={"uuid": "share_link"}),
    "sharing:revoke": may("revoke_share", kwargs={"uuid": "share_link"}),
    "sharing:extend": may("create_share", post=True, kwargs={"uuid": "share_link"}),
    "sharing:passcode": may("create_share", post=True, kwargs={"uuid": "share_link"}),
    # sharing: patient links (issue 15); the walk's visitors never pass the check.
    "sharing:patient_open": public(kwargs={"token": "patient_link_token"}),
    "sharing:patient_pdf": public(
        kwargs={"token": "patient_link_token", "consent": "any_uuid"}, status=404
    ),
    "sharing:patient_withdraw": public(
        kwargs={"token": "patient_link_token", "purpose": "purpose"}, status=404
    ),
    "sharing:patient_erasure": public(
        kwargs={"token": "patient_link_token"}, status=404
    ),
    "sharing:patient_capture": public(
        kwargs={"token": "patient_link_token"}, status=404
    ),
    "sharing:patient_upload": public(
        post=True, kwargs={"token": "patient_link_token"}, status=404
    ),
    "sharing:patient_ghost": public(
        kwargs={"token": "patient_link_token", "photo": "any_uuid"}, status=404
    ),
    "sharing:patient_data_copy": public(
        post=True, kwargs={"token": "patient_link_token"}, status=404
    ),
    "sharing:patient_link_create": may("patient_link", kwargs={"uuid": "patient"}),
    "sharing:patient_link_revoke": may(
        "patient_link", post=True, kwargs={"uuid": "patient_link"}
    ),
    # imaging
    "imaging:viewer": may("view_patients", kwargs={"uuid": "photo"}),
    "imaging:rendition": may(
        "view_patients", kwargs={"uuid": "photo", "rendition": "rendition"}
    ),
    "imaging:annotate": may("edit_patients", post=True, kwargs={"uuid": "photo"}),
    "imaging:delete": may("delete_photo", kwargs={"uuid": "photo"}),
    "imaging:mark": may("edit_patients", post=True, kwargs={"uuid": "photo"}),
    "imaging:add": may("edit_patients", kwargs={"uuid": "visit"}),
    "imaging:upload": may("edit_patients", post=True, kwargs={"uuid": "visit"}),
    "imaging:capture": may("edit_patients", kwargs={"uuid": "visit"}),
    "imaging:capture_today": may(
        "edit_patients", post=True, kwargs={"uuid": "patient"}
    ),
    "imaging:gallery": may("view_patients", kwargs={"uuid": "patient"}),
    "imaging:compare": may("view_patients", kwargs={"uuid": "patient"}),
    "imaging:tray_rendition": may(
        "view_patients", kwargs={"uuid": "tray_photo", "rendition": "rendition"}
    ),
    "imaging:tray_accept": may(
        "edit_patients", post=True, kwargs={"uuid": "tray_photo"}
    ),
    "imaging:tray_reject": may("delete_photo", kwargs={"uuid": "tray_photo"}),
    # teaching (issue 17)
    "teaching:library": may("view_teaching"),
    "teaching:settings": may("manage_practice"),
    "teaching:editor": may("edit_teaching", kwargs={"uuid": "photo"}),
    "teaching:deidentify": may("edit_teaching", post=True, kwargs={"uuid": "photo"}),
    "teaching:image": may("view_teaching", kwargs={"uuid": "teaching_image"}),
    "teaching:image_file": may(
        "view_teaching", kwargs={"uuid": "teaching_image", "rendition": "rendition"}
    ),
    "teaching:image_download": may("edit_teaching", kwargs={"uuid": "teaching_image"}),
    "teaching:delete": may(
        "edit_teaching", post=True, kwargs={"uuid": "teaching_image"}
    ),
    "teaching:publication": may(
        "edit_teaching", post=True, kwargs={"uuid": "teaching_image"}
    ),
    "teaching:case": may("view_teaching", kwargs={"uuid": "teaching_case"}),
    "teaching:export": may(
        "edit_teaching", post=True, kwargs={"uuid": "teaching_case"}
    ),
    "teaching:share": may("edit_teaching", post=True, kwargs={"uuid": "teaching_case"}),
    "teaching:revoke": may(
        "edit_teaching", post=True, kwargs={"uuid": "teaching_link"}
    ),
    "teaching:shared": public(kwargs={"token": "teaching_token"}),
    "teaching:shared_image": public(
        kwargs={"token": "teaching_token", "image": "any_uuid"}, status=404
    ),
    # interop
    "interop:dicom_patient": may(
        "view_patients", post=True, kwargs={"uuid": "photo_patient"}
    ),
    "interop:dicom_visit": may(
        "view_patients", post=True, kwargs={"uuid": "photo_visit"}
    ),
    "interop:fhir_patient": may("view_patients", post=True, kwargs={"uuid": "patient"}),
    "interop:push_patient": may("send_to_pacs", post=True, kwargs={"uuid": "patient"}),
    "interop:push_visit": may("send_to_pacs", post=True, kwargs={"uuid": "visit"}),
}

# Every URL of the Django admin (names starting "admin:") follows `ADMIN_RULE`.
ADMIN_RULE = admin()
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def _patient(members):
    from patients.tests.factories import make_patient

    return make_patient(actor=members["owner"])


def _visit(members):
    from patients.tests.factories import make_patient, make_visit

    owner = members["owner"]
    return make_visit(actor=owner, patient=make_patient(actor=owner))


def _consent(members):
    from consent.tests.factories import make_consent
    from patients.tests.factories import make_patient

    clinician = members["clinician"]
    patient = make_patient(actor=clinician)
    return make_consent(
        patient=patient, witness=clinician, granted=["treatment"], refused=["teaching"]
    )


def _consent_template(members):
    from consent.tests.factories import make_template

    return make_template(practice=members["owner"].practice)


def _share_token(members):
    from sharing.tests.factories import make_link

    return make_link(actor=members["clinician"])[1]


def _patient_link_token(members):
    from sharing.tests.factories import make_patient_link

    return make_patient_link(actor=members["clinician"])[1]


def _patient_link(members):
    from sharing.tests.factories import make_patient_link

    return make_patient_link(actor=members["clinician"])[0]


def _any_uuid(members):
    import uuid

    return str(uuid.uuid4())


def _share_link(members):
    from sharing.tests.factories import make_link

    return make_link(actor=members["clinician"], passcode="ABCD23EFGH")[0]


def _member(members):
    from uuid import uuid4

    from pixiodoc.testing import make_member

    practice = members["owner"].practice
    return make_member(practice, "assistant", email=f"{uuid4().hex}@walk.example")


def _invitation(members):
    from pixiodoc.accounts.models import Invitation
    from pixiodoc.accounts.staff import invite_member

    invite_member(
        actor=members["owner"],
        email=f"invitee-{Invitation.objects.count()}@walk.example",
        role="assistant",
        site_url="http://testserver",
    )
    return Invitation.objects.order_by("-pk").first()


def _invitation_token(members):
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from pixiodoc.accounts.models import Invitation
    from pixiodoc.accounts.staff import token_digest

    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        practice=members["owner"].practice,
        email=f"{token[:8].lower()}@walk.example",
        role="assistant",
        token_digest=token_digest(token),
        expires_at=timezone.now() + timedelta(hours=72),
    )
    return token


def _reset_uid(members):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(members["clinician"].user.pk))


def _reset_token(members):
    from django.contrib.auth.tokens import default_token_generator

    return default_token_generator.make_token(members["clinician"].user)


def _legal_hold(members):
    from patients.lifecycle.retention import place_legal_hold

    return place_legal_hold(
        actor=members["compliance"], patient=_patient(members), reference="CASE-1"
    )


def _erasure_request(members):
    from datetime import date

    from patients.lifecycle.erasure import request_erasure

    return request_erasure(
        actor=members["clinician"], patient=_patient(members), asked_on=date(2026, 1, 1)
    )


def _completed_erasure(members):
    from patients.lifecycle.erasure import approve_erasure, run_erasure

    erasure = approve_erasure(
        actor=members["compliance"], erasure=_erasure_request(members)
    )
    run_erasure(request_uuid=str(erasure.uuid))
    return erasure


def _patient_export(members):
    from patients.lifecycle.export import build_export, start_export

    export = start_export(actor=members["clinician"], patient=_patient(members))
    build_export(export_uuid=str(export.uuid))
    return export


def _subject_request(members):
    from datetime import date

    from patients.lifecycle.requests import register_request

    return register_request(
        actor=members["clinician"],
        patient=_patient(members),
        kind="access",
        received_on=date(2026, 1, 1),
        source="email",
    )


def _break_glass_grant(members):
    from datetime import timedelta

    from django.utils import timezone

    from pixiodoc.accounts.models import BreakGlassGrant

    now = timezone.now()
    return BreakGlassGrant.objects.create(
        practice=members["owner"].practice,
        member=members["compliance"],
        patient_uuid=_patient(members).uuid,
        reason="walk",
        granted_at=now - timedelta(hours=2),
        expires_at=now - timedelta(hours=1),
    )


def _chain_verification(members):
    from audit.verification import request_verification

    return request_verification(actor=members["compliance"])


def _teaching_image(members):
    from teaching.tests.factories import make_teaching_image

    return make_teaching_image(actor=members["clinician"])


def _teaching_case(members):
    return _teaching_image(members).case


def _teaching_link(members):
    from teaching.tests.factories import make_teaching_link

    return make_teaching_link(actor=members["clinician"])[0]


def _teaching_token(members):
    from teaching.tests.factories import make_teaching_link

    return make_teaching_link(actor=members["clinician"])[1]


def _photo(members):
    from imaging.tests.factories import make_photo

    return make_photo(actor=members["clinician"])


def _tray_photo(members):
    from imaging.tests.factories import make_tray_photo

    return make_tray_photo(actor=members["clinician"])


def _photo_patient(members):
    return _photo(members).patient


def _photo_visit(members):
    return _photo(members).visit


# Object kind -> maker(members of one practice by role) -> an object with the URL's
# argument as attribute (`uuid` unless the kwarg is named otherwise).
OBJECTS = {
    "patient": _patient,
    "visit": _visit,
    "share_token": _share_token,
    "share_link": _share_link,
    "any_uuid": _any_uuid,
    "patient_link_token": _patient_link_token,
    "patient_link": _patient_link,
    "purpose": lambda members: "teaching",
    "language": lambda members: "de",
    "consent": _consent,
    "consent_template": _consent_template,
    "member": _member,
    "invitation": _invitation,
    "invitation_token": _invitation_token,
    "reset_uid": _reset_uid,
    "reset_token": _reset_token,
    "legal_hold": _legal_hold,
    "erasure_request": _erasure_request,
    "completed_erasure": _completed_erasure,
    "patient_export": _patient_export,
    "subject_request": _subject_request,
    "break_glass_grant": _break_glass_grant,
    "photo": _photo,
    "photo_patient": _photo_patient,
    "tray_photo": _tray_photo,
    "photo_visit": _photo_visit,
    "chain_verification": _chain_verification,
    "rendition": lambda members: "thumb",
    "teaching_image": _teaching_image,
    "teaching_case": _teaching_case,
    "teaching_link": _teaching_link,
    "teaching_token": _teaching_token,
}

# Tables a GET may write: reads of PHI are audited (S26), sessions are touched.
READ_SIDE_EFFECTS = {
    "audit.AccessEvent",
    "audit.ChainHead",
    "sessions.Session",
    "axes.AccessLog",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessAttemptExpiration",
}

# S40: what each page shows. A URL that renders PHI (a patient's name, record,
# notes, consents or photos) is in SHOWS_PHI: every 200 it answers must have
# written an access event. Every other URL is in NO_PHI. test_phi_audit.py walks
# them all and fails on a URL in neither, on a PHI page that wrote no event, and
# on a NO_PHI page that shows a patient's name. The Django admin shows no PHI
# (PHI fields are excluded there, S9, S27) and is not listed.
SHOWS_PHI = {
    "home",
    "patients:list",
    "patients:timeline",
    "patients:edit",
    "patients:visit_create",
    "patients:visit_edit",
    "patients:export_download",
    "consent:start",
    "consent:kiosk",
    "consent:detail",
    "consent:print",
    "consent:pdf",
    "sharing:list",
    "sharing:create",
    "sharing:detail",
    "sharing:patient_link_create",
    "sharing:revoke",  # GET: the confirmation names the link's patient
    "consent:withdraw",  # GET: the confirmation names the patient
    "patients:erasure_approve",  # GET: the patient and what will be destroyed
    "sharing:extend",
    "sharing:passcode",
    "imaging:viewer",
    "imaging:rendition",
    "imaging:delete",
    "imaging:add",
    "imaging:capture",
    "imaging:upload",
    "imaging:gallery",
    "imaging:compare",
    "imaging:tray_rendition",
    "imaging:tray_reject",
    "patients:retention",
    # Audit pages name patients by record number (audit/readable.py).
    "audit:list",
    "audit:patient",
    "audit:member",
    "audit:export_csv",
    "audit:export_pdf",
    # DICOM and FHIR files of a patient or visit: audited downloads (interop/).
    "interop:dicom_patient",
    "interop:dicom_visit",
    "interop:fhir_patient",
    # Teaching pages read the original photo or name its patient to those who
    # may see patients (teaching/).
    "teaching:library",
    "teaching:editor",
    "teaching:deidentify",
    "teaching:image",
    "teaching:image_file",
    "teaching:image_download",
    "teaching:case",
    "teaching:export",
    "teaching:share",
    # The compliance desk (#16): record numbers of requests, disclosures, breach
    # scopes and break-glass accesses, each page audited naming its patients.
    "audit:disclosures",
    "audit:disclosures_pdf",
    "patients:requests",
    "patients:request",
    "patients:request_export_download",
    "compliance:desk",
    "compliance:breach",
    "compliance:breach_pdf",
}
NO_PHI = {
    "audit:disclosures_find": "a form; redirects to the accounting",
    "patients:request_create": "an empty form",
    "patients:request_extend": "a change, redirects",
    "patients:request_close": "a change, redirects",
    "patients:request_export": "a change, redirects",
    "patients:request_erasure": "a change, redirects",
    "patients:break_glass": "an empty form; redirects to the timeline",
    "compliance:record": "counts and settings, no patient (Art. 30)",
    "compliance:break_glass_review": "a change, redirects",
    "healthz": "service status",
    "javascript_catalog": "the interface's words for static/js",
    "accounts:login": "sign-in",
    "accounts:two_factor": "sign-in",
    "accounts:choose_practice": "sign-in",
    "accounts:logout": "sign-out",
    "accounts:keep_alive": "JSON about the session",
    "accounts:security": "the member's own security settings",
    "accounts:password_change": "the member's own password",
    "accounts:language": "the member's own language, redirects",
    "accounts:authenticator_replace": "the member's own second factor",
    "accounts:backup_codes": "the member's own backup codes",
    "accounts:passkey_enrol_options": "the member's own passkey",
    "accounts:passkey_enrol": "the member's own passkey",
    "accounts:passkey_options": "the member's own passkey",
    "accounts:passkey_verify": "the member's own passkey",
    "accounts:passkey_remove": "the member's own passkey",
    "accounts:password_reset": "forgot password",
    "accounts:password_reset_done": "forgot password",
    "accounts:password_reset_confirm": "forgot password",
    "accounts:password_reset_complete": "forgot password",
    "accounts:members": "staff, not patients",
    "accounts:member_role": "staff change, redirects",
    "accounts:member_deactivate": "staff, not patients (GET: the confirmation)",
    "accounts:member_reset_two_factor": "staff change, redirects",
    "accounts:invitation_revoke": "staff change, redirects",
    "accounts:invitation": "joining a practice",
    "patients:create": "an empty form",
    "consent:add_defaults": "a change, redirects",
    "consent:override": "a change, redirects",
    "consent:kiosk_leave": "leaves the kiosk",
    "consent:templates": "the practice's consent wording",
    "consent:template_defaults": "the practice's consent wording",
    "consent:template_new": "the practice's consent wording",
    "consent:template_edit": "the practice's consent wording",
    "consent:template_language": "the practice's consent wording",
    "consent:override_setting": "a practice setting",
    "consent:email": "a change, redirects",
    "patients:retention_policy": "a change, redirects",
    "patients:hold_place": "a change, redirects",
    "patients:hold_release": "a change, redirects",
    "patients:erasure_reject": "a change, redirects",
    "patients:erasure_retry": "a change, redirects",
    "patients:erasure_certificate": "PHI-free by design (S32)",
    "patients:erasures": "patients by uuid only",
    "patients:erasure": "patients by uuid only",
    "patients:erasure_create": "an empty form",
    "patients:export": "the export's progress; the download is audited",
    "patients:export_start": "a change, redirects",
    # Opened with a grant they show photos, audited as share_opened and
    # share_photo_viewed (sharing/tests); the walk's visitor has no grant.
    "sharing:open": "the landing page without a grant",
    "sharing:photo": "404 without a grant",
    "sharing:download": "404 without a grant",
    # Past the identity check they show consents and PDFs, audited with the
    # link as actor (sharing/tests/test_patient_consents.py).
    "sharing:patient_open": "the identity form without a grant",
    "sharing:patient_pdf": "404 without a grant",
    "sharing:patient_withdraw": "404 without a grant",
    "sharing:patient_erasure": "404 without a grant",
    "sharing:patient_data_copy": "404 without a grant",
    "sharing:patient_capture": "404 without a grant",
    "sharing:patient_upload": "404 without a grant",
    "sharing:patient_ghost": "404 without a grant",
    "imaging:tray_accept": "a change, redirects",
    "sharing:patient_link_revoke": "a change, redirects",
    "imaging:annotate": "JSON: saved or an error",
    "imaging:capture_today": "finds or makes today's visit, redirects",
    "audit:verify": "queues a chain check, redirects",
    "audit:verification": "the progress of a chain check",
    "imaging:mark": "a change, redirects",
    "interop:push_patient": "queues PACS pushes, redirects",
    "interop:push_visit": "queues PACS pushes, redirects",
    "teaching:settings": "a practice setting",
    "teaching:delete": "a change, redirects",
    "teaching:publication": "a change, redirects",
    "teaching:revoke": "a change, redirects",
    "teaching:shared": "a de-identified case, no patient",
    "teaching:shared_image": "a de-identified image, no patient",
}
