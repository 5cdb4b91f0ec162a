"""The audit vocabulary: every action an AccessEvent may record (DESIGN.md §7).

Plain strings in the database (no choices) so a new action needs no migration;
this list is the documentation of what each means.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    # Sign-in and accounts
    SIGN_IN = "sign_in", _("Signed in (password)")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Second factor verified")
    TWO_FACTOR_FAILED = "2fa_failed", _("Second factor failed")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Second factor enrolled")
    TWO_FACTOR_RESET = "2fa_reset", _("Second factor reset by an owner")
    TWO_FACTOR_REMOVED = "2fa_removed", _("Second factor removed by its member")
    BACKUP_CODE_USED = "backup_code_used", _("Backup code used")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET = "password_reset", _("Password reset by e-mail link")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    PRACTICE_SWITCHED = "practice_switched", _("Practice chosen")
    MEMBER_INVITED = "member_invited", _("Member invited")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation withdrawn")
    MEMBER_JOINED = "member_joined", _("Invitation accepted")
    MEMBER_ROLE_CHANGED = "member_role_changed", _("Member role changed")
    MEMBER_DEACTIVATED = "member_deactivated", _("Member deactivated")
    ADMIN_CHANGE = "admin_change", _("Change through the Django admin")
    # Patients
    PATIENT_LIST_VIEWED = "patient_list_viewed", _("Patient list viewed")
    PATIENT_SEARCHED = "patient_searched", _("Patients searched")
    PATIENT_CREATED = "patient_created", _("Patient created")
    PATIENT_UPDATED = "patient_updated", _("Patient updated")
    PATIENT_VIEWED = "patient_viewed", _("Patient record viewed")
    TIMELINE_VIEWED = "timeline_viewed", _("Timeline viewed")
    VISIT_CREATED = "visit_created", _("Visit created")
    VISIT_UPDATED = "visit_updated", _("Visit updated")
    VISIT_VIEWED = "visit_viewed", _("Visit viewed")
    # Photos
    PHOTO_UPLOADED = "photo_uploaded", _("Photo uploaded")
    PHOTO_REFUSED = "photo_refused", _("Photo refused")
    PHOTO_VIEWED = "photo_viewed", _("Photo viewed")
    PHOTO_DELETED = "photo_deleted", _("Photo deleted")
    PHOTO_PURGED = "photo_purged", _("Deleted photo's blobs purged")
    PHOTO_MARKED = (
        "photo_marked",
        _("Photo marked or unmarked for teaching/publication"),
    )
    PHOTO_INTEGRITY_FAILED = (
        "photo_integrity_failed",
        _("Photo failed its integrity check"),
    )
    PHOTOS_COMPARED = "photos_compared", _("Photos compared")
    # Photos a patient sends through their link (issue 15): a tray, then a visit.
    PATIENT_PHOTO_RECEIVED = (
        "patient_photo_received",
        _("Photo received from the patient"),
    )
    PATIENT_PHOTO_ACCEPTED = (
        "patient_photo_accepted",
        _("Patient's photo accepted onto a visit"),
    )
    PATIENT_PHOTO_REJECTED = (
        "patient_photo_rejected",
        _("Patient's photo rejected and crypto-erased"),
    )
    ANNOTATION_SAVED = "annotation_saved", _("Annotation saved")
    KEYS_ROTATED = "keys_rotated", _("Data keys re-wrapped")
    FIELDS_REENCRYPTED = (
        "fields_reencrypted",
        _("PHI fields re-encrypted under the newest field key"),
    )
    INDEX_REBUILT = (
        "index_rebuilt",
        _("Search index rebuilt under the newest index key"),
    )
    # Consent
    CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
    CONSENT_VIEWED = "consent_viewed", _("Consent viewed")
    CONSENT_DOWNLOADED = "consent_downloaded", _("Consent downloaded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    CONSENT_OVERRIDE = "consent_override", _("Emergency consent override")
    # Sharing
    SHARE_CREATED = "share_created", _("Share link created")
    SHARE_OPENED = "share_opened", _("Share link opened")
    SHARE_REFUSED = "share_refused", _("Share link refused")
    SHARE_REVOKED = "share_revoked", _("Share link revoked")
    SHARE_EXTENDED = "share_extended", _("Share link extended")
    SHARE_LOCKED = "share_locked", _("Share link locked")
    SHARE_PASSCODE_CHANGED = "share_passcode_changed", _("Share link passcode changed")
    SHARE_LINKS_VIEWED = "share_links_viewed", _("Shared links viewed by a member")
    SHARE_DELETED = "share_deleted", _("Closed share link deleted by the cleanup job")
    SHARE_PHOTO_VIEWED = "share_photo_viewed", _("Shared photo viewed")
    SHARE_DOWNLOADED = "share_downloaded", _("Shared photo downloaded")
    # Patient links (issue 15): the patient's own link, actor PATIENT_LINK
    PATIENT_LINK_CREATED = "patient_link_created", _("Patient link created")
    PATIENT_LINK_REVOKED = "patient_link_revoked", _("Patient link revoked")
    PATIENT_LINK_REFUSED = "patient_link_refused", _("Patient link refused")
    PATIENT_LINK_CHECK_FAILED = (
        "patient_link_check_failed",
        _("Patient link identity check failed"),
    )
    PATIENT_LINK_LOCKED = "patient_link_locked", _("Patient link locked")
    PATIENT_LINK_OPENED = "patient_link_opened", _("Patient link opened")
    # Teaching library (issue 17)
    TEACHING_IMAGE_ADDED = "teaching_image_added", _("De-identified image added")
    TEACHING_IMAGE_VIEWED = "teaching_image_viewed", _("Teaching image viewed")
    TEACHING_LIBRARY_VIEWED = "teaching_library_viewed", _("Teaching library viewed")
    TEACHING_IMAGE_DELETED = "teaching_image_deleted", _("Teaching image deleted")
    TEACHING_IMAGE_HIDDEN = "teaching_image_hidden", _("Teaching image hidden")
    TEACHING_IMAGE_CLEARED = "teaching_image_cleared", _("Publication clearance set")
    TEACHING_EXPORTED = "teaching_exported", _("Teaching case exported")
    TEACHING_SHARE_CREATED = "teaching_share_created", _("Teaching share created")
    TEACHING_SHARE_OPENED = "teaching_share_opened", _("Teaching share opened")
    TEACHING_SHARE_REFUSED = "teaching_share_refused", _("Teaching share refused")
    TEACHING_SHARE_REVOKED = "teaching_share_revoked", _("Teaching share revoked")
    TEACHING_SETTINGS_CHANGED = "teaching_settings_changed", _("Teaching settings")
    # Exports, lifecycle and jobs
    EXPORT_STARTED = "export_started", _("Patient export started")
    EXPORT_DOWNLOADED = "export_downloaded", _("Patient export downloaded")
    AUDIT_VIEWED = "audit_viewed", _("Audit log viewed")
    AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
    AUDIT_VERIFY_REQUESTED = "audit_verify_requested", _("Audit chain check requested")
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", _("Audit chain break detected")
    DISCLOSURES_VIEWED = "disclosures_viewed", _("Accounting of disclosures viewed")
    DISCLOSURES_EXPORTED = (
        "disclosures_exported",
        _("Accounting of disclosures exported"),
    )
    PROCESSING_RECORD_EXPORTED = (
        "processing_record_exported",
        _("Record of processing (Art. 30) exported"),
    )
    BREACH_SCOPED = "breach_scoped", _("Breach scope viewed")
    DESK_VIEWED = "desk_viewed", _("Compliance desk viewed")
    BREACH_EXPORTED = (
        "breach_exported",
        _("Breach scope and draft notification exported"),
    )
    ALERT_RAISED = "alert_raised", _("Alert raised")
    BREAK_GLASS_OPENED = "break_glass_opened", _("Record opened by break-glass")
    BREAK_GLASS_REFUSED = "break_glass_refused", _("Break-glass refused")
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", _("Break-glass access reviewed")
    ERASURE_REQUESTED = "erasure_requested", _("Erasure requested")
    ERASURE_APPROVED = "erasure_approved", _("Erasure approved")
    ERASURE_REJECTED = "erasure_rejected", _("Erasure rejected")
    ERASURE_STEP = "erasure_step", _("Erasure step completed")
    RETENTION_PURGED = "retention_purged", _("Retention purge")
    RETENTION_POLICY_CHANGED = "retention_policy_changed", _("Retention policy changed")
    RETENTION_DRY_RUN = "retention_dry_run", _("Retention dry run viewed")
    LEGAL_HOLD_PLACED = "legal_hold_placed", _("Legal hold placed")
    LEGAL_HOLD_RELEASED = "legal_hold_released", _("Legal hold released")
    ERASURE_FAILED = "erasure_failed", _("Erasure step failed")
    ERASURE_RETRIED = "erasure_retried", _("Erasure retried")
    ERASURE_COMPLETED = "erasure_completed", _("Erasure completed")
    ERASURE_CERTIFICATE_DOWNLOADED = (
        "erasure_cert_downloaded",
        _("Erasure certificate downloaded"),
    )
    EXPORT_READY = "export_ready", _("Patient export built")
    REQUEST_REGISTERED = "request_registered", _("Patient request registered")
    REQUEST_EXTENDED = "request_extended", _("Patient request deadline extended")
    REQUEST_CLOSED = "request_closed", _("Patient request closed")
    REQUEST_VIEWED = "request_viewed", _("Patient request viewed")
    EXPORT_FAILED = "export_failed", _("Patient export failed")
    EXPORT_EXPIRED = "export_expired", _("Patient export expired and deleted")
    BLOBS_SWEPT = "blobs_swept", _("Orphan blobs deleted")
    # Interoperability (interop/)
    DICOM_EXPORTED = "dicom_exported", _("Photos exported as DICOM")
    FHIR_EXPORTED = "fhir_exported", _("Record exported as FHIR")
    PACS_DESTINATION_ADDED = "pacs_destination_added", _("PACS destination added")
    PACS_DESTINATION_REMOVED = "pacs_destination_removed", _("PACS destination removed")
    PACS_PUSH_REQUESTED = "pacs_push_requested", _("Photos queued for a PACS")
    PACS_PUSHED = "pacs_pushed", _("Photo sent to a PACS (or not: see outcome)")


class Outcome(models.TextChoices):
    OK = "ok", _("OK")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class ActorType(models.TextChoices):
    MEMBER = "member", _("Member")
    USER = "user", _("User without a practice")
    SHARE_LINK = "share_link", _("Share link recipient")
    PATIENT_LINK = "patient_link", _("Patient through their verified link")
    SYSTEM = "system", _("System job")
    ANONYMOUS = "anonymous", _("Anonymous")
