"""The audit vocabulary: every action an AccessEvent may record (DESIGN.md §7).

Plain strings in the database (no choices) so a new action needs no migration;
this list is the documentation of what each means.
"""

from django.db import models


class Action(models.TextChoices):
    # Sign-in and accounts
    SIGN_IN = "sign_in", "Signed in (password)"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    TWO_FACTOR_VERIFIED = "2fa_verified", "Second factor verified"
    TWO_FACTOR_FAILED = "2fa_failed", "Second factor failed"
    TWO_FACTOR_ENROLLED = "2fa_enrolled", "Second factor enrolled"
    TWO_FACTOR_RESET = "2fa_reset", "Second factor reset by an owner"
    TWO_FACTOR_REMOVED = "2fa_removed", "Second factor removed by its member"
    BACKUP_CODE_USED = "backup_code_used", "Backup code used"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET = "password_reset", "Password reset by e-mail link"
    SESSION_EXPIRED = "session_expired", "Session expired"
    PRACTICE_SWITCHED = "practice_switched", "Practice chosen"
    MEMBER_INVITED = "member_invited", "Member invited"
    INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
    MEMBER_JOINED = "member_joined", "Invitation accepted"
    MEMBER_ROLE_CHANGED = "member_role_changed", "Member role changed"
    MEMBER_DEACTIVATED = "member_deactivated", "Member deactivated"
    ADMIN_CHANGE = "admin_change", "Change through the Django admin"
    # Patients
    PATIENT_LIST_VIEWED = "patient_list_viewed", "Patient list viewed"
    PATIENT_SEARCHED = "patient_searched", "Patients searched"
    PATIENT_CREATED = "patient_created", "Patient created"
    PATIENT_UPDATED = "patient_updated", "Patient updated"
    PATIENT_VIEWED = "patient_viewed", "Patient record viewed"
    TIMELINE_VIEWED = "timeline_viewed", "Timeline viewed"
    VISIT_CREATED = "visit_created", "Visit created"
    VISIT_UPDATED = "visit_updated", "Visit updated"
    VISIT_VIEWED = "visit_viewed", "Visit viewed"
    # Photos
    PHOTO_UPLOADED = "photo_uploaded", "Photo uploaded"
    PHOTO_REFUSED = "photo_refused", "Photo refused"
    PHOTO_VIEWED = "photo_viewed", "Photo viewed"
    PHOTO_DELETED = "photo_deleted", "Photo deleted"
    PHOTO_PURGED = "photo_purged", "Deleted photo's blobs purged"
    PHOTO_MARKED = "photo_marked", "Photo marked or unmarked for teaching/publication"
    PHOTO_INTEGRITY_FAILED = (
        "photo_integrity_failed",
        "Photo failed its integrity check",
    )
    PHOTOS_COMPARED = "photos_compared", "Photos compared"
    # Photos a patient sends through their link (issue 15): a tray, then a visit.
    PATIENT_PHOTO_RECEIVED = "patient_photo_received", "Photo received from the patient"
    PATIENT_PHOTO_ACCEPTED = (
        "patient_photo_accepted",
        "Patient's photo accepted onto a visit",
    )
    PATIENT_PHOTO_REJECTED = (
        "patient_photo_rejected",
        "Patient's photo rejected and crypto-erased",
    )
    ANNOTATION_SAVED = "annotation_saved", "Annotation saved"
    KEYS_ROTATED = "keys_rotated", "Data keys re-wrapped"
    FIELDS_REENCRYPTED = (
        "fields_reencrypted",
        "PHI fields re-encrypted under the newest field key",
    )
    INDEX_REBUILT = "index_rebuilt", "Search index rebuilt under the newest index key"
    # Consent
    CONSENT_RECORDED = "consent_recorded", "Consent recorded"
    CONSENT_VIEWED = "consent_viewed", "Consent viewed"
    CONSENT_DOWNLOADED = "consent_downloaded", "Consent downloaded"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    CONSENT_OVERRIDE = "consent_override", "Emergency consent override"
    # Sharing
    SHARE_CREATED = "share_created", "Share link created"
    SHARE_OPENED = "share_opened", "Share link opened"
    SHARE_REFUSED = "share_refused", "Share link refused"
    SHARE_REVOKED = "share_revoked", "Share link revoked"
    SHARE_EXTENDED = "share_extended", "Share link extended"
    SHARE_LOCKED = "share_locked", "Share link locked"
    SHARE_PASSCODE_CHANGED = "share_passcode_changed", "Share link passcode changed"
    SHARE_LINKS_VIEWED = "share_links_viewed", "Shared links viewed by a member"
    SHARE_DELETED = "share_deleted", "Closed share link deleted by the cleanup job"
    SHARE_PHOTO_VIEWED = "share_photo_viewed", "Shared photo viewed"
    SHARE_DOWNLOADED = "share_downloaded", "Shared photo downloaded"
    # Patient links (issue 15): the patient's own link, actor PATIENT_LINK
    PATIENT_LINK_CREATED = "patient_link_created", "Patient link created"
    PATIENT_LINK_REVOKED = "patient_link_revoked", "Patient link revoked"
    PATIENT_LINK_REFUSED = "patient_link_refused", "Patient link refused"
    PATIENT_LINK_CHECK_FAILED = (
        "patient_link_check_failed",
        "Patient link identity check failed",
    )
    PATIENT_LINK_LOCKED = "patient_link_locked", "Patient link locked"
    PATIENT_LINK_OPENED = "patient_link_opened", "Patient link opened"
    # Teaching library (issue 17)
    TEACHING_IMAGE_ADDED = "teaching_image_added", "De-identified image added"
    TEACHING_IMAGE_VIEWED = "teaching_image_viewed", "Teaching image viewed"
    TEACHING_LIBRARY_VIEWED = "teaching_library_viewed", "Teaching library viewed"
    TEACHING_IMAGE_DELETED = "teaching_image_deleted", "Teaching image deleted"
    TEACHING_IMAGE_HIDDEN = "teaching_image_hidden", "Teaching image hidden"
    TEACHING_IMAGE_CLEARED = "teaching_image_cleared", "Publication clearance set"
    TEACHING_EXPORTED = "teaching_exported", "Teaching case exported"
    TEACHING_SHARE_CREATED = "teaching_share_created", "Teaching share created"
    TEACHING_SHARE_OPENED = "teaching_share_opened", "Teaching share opened"
    TEACHING_SHARE_REFUSED = "teaching_share_refused", "Teaching share refused"
    TEACHING_SHARE_REVOKED = "teaching_share_revoked", "Teaching share revoked"
    TEACHING_SETTINGS_CHANGED = "teaching_settings_changed", "Teaching settings"
    # Exports, lifecycle and jobs
    EXPORT_STARTED = "export_started", "Patient export started"
    EXPORT_DOWNLOADED = "export_downloaded", "Patient export downloaded"
    AUDIT_VIEWED = "audit_viewed", "Audit log viewed"
    AUDIT_EXPORTED = "audit_exported", "Audit log exported"
    AUDIT_VERIFY_REQUESTED = "audit_verify_requested", "Audit chain check requested"
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", "Audit chain break detected"
    DISCLOSURES_VIEWED = "disclosures_viewed", "Accounting of disclosures viewed"
    DISCLOSURES_EXPORTED = "disclosures_exported", "Accounting of disclosures exported"
    PROCESSING_RECORD_EXPORTED = (
        "processing_record_exported",
        "Record of processing (Art. 30) exported",
    )
    BREACH_SCOPED = "breach_scoped", "Breach scope viewed"
    DESK_VIEWED = "desk_viewed", "Compliance desk viewed"
    BREACH_EXPORTED = "breach_exported", "Breach scope and draft notification exported"
    ALERT_RAISED = "alert_raised", "Alert raised"
    BREAK_GLASS_OPENED = "break_glass_opened", "Record opened by break-glass"
    BREAK_GLASS_REFUSED = "break_glass_refused", "Break-glass refused"
    BREAK_GLASS_REVIEWED = "break_glass_reviewed", "Break-glass access reviewed"
    ERASURE_REQUESTED = "erasure_requested", "Erasure requested"
    ERASURE_APPROVED = "erasure_approved", "Erasure approved"
    ERASURE_REJECTED = "erasure_rejected", "Erasure rejected"
    ERASURE_STEP = "erasure_step", "Erasure step completed"
    RETENTION_PURGED = "retention_purged", "Retention purge"
    RETENTION_POLICY_CHANGED = "retention_policy_changed", "Retention policy changed"
    RETENTION_DRY_RUN = "retention_dry_run", "Retention dry run viewed"
    LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
    LEGAL_HOLD_RELEASED = "legal_hold_released", "Legal hold released"
    ERASURE_FAILED = "erasure_failed", "Erasure step failed"
    ERASURE_RETRIED = "erasure_retried", "Erasure retried"
    ERASURE_COMPLETED = "erasure_completed", "Erasure completed"
    ERASURE_CERTIFICATE_DOWNLOADED = (
        "erasure_cert_downloaded",
        "Erasure certificate downloaded",
    )
    EXPORT_READY = "export_ready", "Patient export built"
    REQUEST_REGISTERED = "request_registered", "Patient request registered"
    REQUEST_EXTENDED = "request_extended", "Patient request deadline extended"
    REQUEST_CLOSED = "request_closed", "Patient request closed"
    REQUEST_VIEWED = "request_viewed", "Patient request viewed"
    EXPORT_FAILED = "export_failed", "Patient export failed"
    EXPORT_EXPIRED = "export_expired", "Patient export expired and deleted"
    BLOBS_SWEPT = "blobs_swept", "Orphan blobs deleted"
    # Interoperability (interop/)
    DICOM_EXPORTED = "dicom_exported", "Photos exported as DICOM"
    FHIR_EXPORTED = "fhir_exported", "Record exported as FHIR"
    PACS_DESTINATION_ADDED = "pacs_destination_added", "PACS destination added"
    PACS_DESTINATION_REMOVED = "pacs_destination_removed", "PACS destination removed"
    PACS_PUSH_REQUESTED = "pacs_push_requested", "Photos queued for a PACS"
    PACS_PUSHED = "pacs_pushed", "Photo sent to a PACS (or not: see outcome)"


class Outcome(models.TextChoices):
    OK = "ok", "OK"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class ActorType(models.TextChoices):
    MEMBER = "member", "Member"
    USER = "user", "User without a practice"
    SHARE_LINK = "share_link", "Share link recipient"
    PATIENT_LINK = "patient_link", "Patient through their verified link"
    SYSTEM = "system", "System job"
    ANONYMOUS = "anonymous", "Anonymous"
