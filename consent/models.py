"""Consent: versioned templates, signed consents purpose by purpose, withdrawals, overrides.

A signed Consent and its answers are immutable (S30): a change of mind is a new
Consent or a Withdrawal, never an edit. The state of a purpose at any moment is
derived from these rows by `consent.checks.has_consent`.
"""

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from consent.exceptions import ConsentImmutable


class Purpose(models.TextChoices):
    TREATMENT = "treatment", _("Treatment documentation")
    SECOND_OPINION = "second_opinion", _("Second-opinion sharing")
    TEACHING = "teaching", _("Teaching")
    PUBLICATION = "publication", _("Publication")


PURPOSE_CODES = tuple(Purpose.values)

# A purpose inside a sentence ("consent to treatment documentation"): not the label
# lower-cased, since German keeps its nouns capitalised and French adds articles.
_IN_SENTENCE = {
    Purpose.TREATMENT: pgettext_lazy(
        "purpose in a sentence", "treatment documentation"
    ),
    Purpose.SECOND_OPINION: pgettext_lazy(
        "purpose in a sentence", "second-opinion sharing"
    ),
    Purpose.TEACHING: pgettext_lazy("purpose in a sentence", "teaching"),
    Purpose.PUBLICATION: pgettext_lazy("purpose in a sentence", "publication"),
}


def purpose_phrase(code: str) -> str:
    """The purpose as it reads inside a sentence, in the active language."""
    return str(_IN_SENTENCE[Purpose(code)])


# The languages a form's wording can be written in: the product's own (settings).
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def closest_language(wanted: str | None, among) -> str | None:
    """`wanted` if it is among `among`, else one of them with the same base
    language ("en" finds "en-gb"), else None."""
    if not wanted:
        return None
    among = list(among)
    if wanted in among:
        return wanted
    base = wanted.split("-")[0]
    return next((code for code in among if code.split("-")[0] == base), None)


def validate_purposes(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one purpose this form asks about."))
    unknown = [p for p in value if p not in PURPOSE_CODES]
    if unknown or len(set(value)) != len(value):
        raise ValidationError(_("Choose each purpose at most once, from the list."))


class ConsentSettings(models.Model):
    """Per-practice consent settings; the owner turns the emergency override on."""

    practice = models.OneToOneField(
        "accounts.Practice", on_delete=models.CASCADE, related_name="consent_settings"
    )
    emergency_override_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("consent settings")

    def __str__(self):
        return f"consent settings of practice {self.practice_id}"


def signed_is_final() -> str:
    return gettext(
        "A signed consent cannot be changed. Record a new consent or a withdrawal."
    )


def wording_is_final() -> str:
    return gettext("A form's wording is never edited: save a new version instead.")


class ImmutableQuerySet(models.QuerySet):
    """Rows written once: a bulk update is refused like a save of an existing row."""

    refusal = staticmethod(signed_is_final)

    def update(self, **kwargs):
        raise ConsentImmutable(self.refusal())

    update.queryset_only = True


class WordingQuerySet(ImmutableQuerySet):
    refusal = staticmethod(wording_is_final)


class ConsentTemplate(models.Model):
    """One version of a form. Versions of the same form share `family`; editing adds one.

    Its wording lives in TemplateText, one row per language (issue 18): a patient
    signs the version in one of its languages.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="consent_templates"
    )
    family = models.UUIDField(default=uuid4, editable=False)
    version = models.PositiveIntegerField(default=1)
    # Only the newest version of a family is offered for signing.
    is_current = models.BooleanField(default=True)
    purposes = models.JSONField(validators=[validate_purposes])
    created_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version"], name="consent_consenttemplate_version"
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(is_current=True),
                name="consent_consenttemplate_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="consent_consenttemplate_version_positive",
            ),
        ]

    def __str__(self):
        return f"consent template {self.uuid} v{self.version}"

    @property
    def purpose_choices(self) -> list[tuple[str, str]]:
        labels = dict(Purpose.choices)
        return [(p, labels[p]) for p in self.purposes]

    @property
    def languages(self) -> list[str]:
        """This version's languages, in the order of settings.LANGUAGES."""
        have = {t.language for t in self.texts.all()}
        return [code for code in LANGUAGE_CODES if code in have]

    def text_in(self, language: str) -> "TemplateText | None":
        """The wording in exactly this language, or None."""
        return next((t for t in self.texts.all() if t.language == language), None)

    def text_for(self, language: str | None = None) -> "TemplateText | None":
        """The wording to show a reader of `language` (default: the active one):
        that language, else the same base language, else the site's, else the first."""
        texts = {t.language: t for t in self.texts.all()}
        for wanted in (language or get_language(), settings.LANGUAGE_CODE):
            code = closest_language(wanted, texts)
            if code:
                return texts[code]
        ordered = [code for code in LANGUAGE_CODES if code in texts]
        return texts[ordered[0]] if ordered else None

    @property
    def title(self) -> str:
        """The form's title for the reader's language (staff pages, labels)."""
        text = self.text_for()
        return text.title if text else ""


class TemplateText(models.Model):
    """The wording of one template version in one language; written once, never edited.

    A patient signs a version in one language, so the words they read must stay
    exactly as they were: a change of wording is a new version (revise_template);
    a new language may be added to a version, leaving its other texts as they are.
    """

    template = models.ForeignKey(
        ConsentTemplate, on_delete=models.CASCADE, related_name="texts"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    # Plain text with a tiny Markdown subset, always escaped (consent.markup).
    body = models.TextField()
    created_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WordingQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="consent_templatetext_once"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=LANGUAGE_CODES),
                name="consent_templatetext_language_valid",
            ),
        ]

    def __str__(self):
        return f"{self.language} text of consent template {self.template_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ConsentImmutable(wording_is_final())
        super().save(*args, **kwargs)


class Consent(models.Model):
    """A patient's signed answer to one template version, purpose by purpose (S30)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consents"
    )
    template = models.ForeignKey(
        ConsentTemplate, on_delete=models.PROTECT, related_name="consents"
    )
    # The language of the wording the patient read and signed (issue 18): its
    # PDF copy and printout are in this language too.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    signed_at = models.DateTimeField()
    # Who signed: the patient, or a representative (minor, lack of capacity).
    signed_by_representative = models.BooleanField(default=False)
    signer_name = EncryptedCharField(max_length=200)
    signer_relation = EncryptedCharField(max_length=100, blank=True)
    witness = models.ForeignKey(
        "accounts.Member", on_delete=models.PROTECT, related_name="+"
    )
    # Storage name of the encrypted PNG of the signature (pixiodoc.blobs).
    signature_blob = models.CharField(max_length=300)
    signature_sha256 = models.CharField(max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-signed_at"])]

    def __str__(self):
        return f"consent {self.uuid}"

    def save(self, *args, **kwargs):
        # S30: once signed, never edited. Inserting is the only write.
        if not self._state.adding:
            raise ConsentImmutable(signed_is_final())
        super().save(*args, **kwargs)

    @property
    def text(self) -> "TemplateText":
        """The wording exactly as signed: the version's text in the signed language."""
        return self.template.text_in(self.language)

    @property
    def granted(self) -> list[str]:
        return [a.purpose for a in self.answers.all() if a.granted]

    @property
    def refused(self) -> list[str]:
        return [a.purpose for a in self.answers.all() if not a.granted]


class ConsentAnswer(models.Model):
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="answers"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent answer")
        verbose_name_plural = _("consent answers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "purpose"], name="consent_consentanswer_once"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=PURPOSE_CODES),
                name="consent_consentanswer_purpose_valid",
            ),
        ]

    def __str__(self):
        return f"answer {self.purpose}={self.granted} of consent {self.consent_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ConsentImmutable(signed_is_final())
        super().save(*args, **kwargs)


class ConsentDocument(models.Model):
    """The PDF copy of a consent, rendered after signing (retried until it exists)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed, retrying")

    consent = models.OneToOneField(
        Consent, on_delete=models.CASCADE, related_name="document"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    pdf_blob = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent document (PDF)")
        verbose_name_plural = _("consent documents (PDF)")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "ready", "failed"]),
                name="consent_consentdocument_status_valid",
            )
        ]

    def __str__(self):
        return f"document of consent {self.consent_id} ({self.status})"


class Withdrawal(models.Model):
    """A patient withdrew one purpose; effective from `effective_at` (at once)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consent_withdrawals"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    # The consent whose grant this withdraws.
    consent = models.ForeignKey(
        Consent, on_delete=models.CASCADE, related_name="withdrawals"
    )
    withdrawn_on = models.DateField()
    effective_at = models.DateTimeField()
    reason = EncryptedTextField(blank=True)
    # A member recorded it, or the patient withdrew through their verified
    # patient link (issue 15): then only the link's uuid is kept (consent does
    # not name sharing, DESIGN.md §1).
    recorded_by = models.ForeignKey(
        "accounts.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    patient_link_uuid = models.UUIDField(null=True, blank=True, editable=False)
    # PHI-free descriptions returned by the withdrawal hooks (what was undone).
    effects = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["patient", "purpose", "-effective_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=PURPOSE_CODES),
                name="consent_withdrawal_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(recorded_by__isnull=False)
                | models.Q(patient_link_uuid__isnull=False),
                name="consent_withdrawal_recorded_by_someone",
            ),
        ]

    def __str__(self):
        return f"withdrawal {self.uuid} of {self.purpose}"

    @property
    def by_patient(self) -> bool:
        return self.patient_link_uuid is not None


class ConsentOverride(models.Model):
    """An emergency override: a clinician captures before consent, with a stated reason.

    It lets capture go ahead for OVERRIDE_HOURS and stays flagged on the timeline
    until a consent answering `treatment` is recorded after it.
    """

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="consent_overrides"
    )
    member = models.ForeignKey(
        "accounts.Member", on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("emergency override")
        verbose_name_plural = _("emergency overrides")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="consent_consentoverride_expires_after_created",
            )
        ]

    def __str__(self):
        return f"consent override {self.uuid}"
