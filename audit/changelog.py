"""The model change log: django-auditlog for every model holding PHI or access rights.

An app registers its models from its AppConfig.ready():

    from audit.changelog import register_phi_model
    register_phi_model(Photo, phi_fields=["caption"], exclude_fields=["sha256"])

- `phi_fields` are logged as changed but their values are replaced by MASK, old
  and new alike (django-auditlog's own masking keeps half the value; STACK.md).
- `exclude_fields` are not logged at all (keys, digests, noisy timestamps).
- The model's `__str__` becomes `object_repr`: it must be PHI-free (STYLE §5;
  audit/tests/test_changelog.py plants names and checks every registered model).
- Bulk queryset `update()` on a registered model is audited too (S29): one
  change-log entry per affected row, PHI masked, the actor from the request.
  `delete()` needs nothing: with auditlog listening, Django deletes row by row
  and each deletion is logged.
"""

from auditlog.registry import auditlog
from django.db import transaction

MASK = "[redacted]"
_registered: dict = {}


def mask(value) -> str:
    """django-auditlog's mask_callable: a fixed string, whatever the value."""
    return MASK


def register_phi_model(
    model, *, phi_fields=(), exclude_fields=(), m2m_fields=()
) -> None:
    """Log every change to `model` with PHI masked; see the module docstring."""
    names = {f.name for f in model._meta.get_fields()}
    unknown = (set(phi_fields) | set(exclude_fields) | set(m2m_fields)) - names
    if unknown:
        raise ValueError(f"{model.__name__} has no field(s) {sorted(unknown)}")
    if model in _registered:
        return
    auditlog.register(
        model,
        exclude_fields=list(exclude_fields),
        mask_fields=list(phi_fields),
        mask_callable="audit.changelog.mask",
        m2m_fields=set(m2m_fields),
    )
    _registered[model] = {
        "phi": frozenset(phi_fields),
        "exclude": frozenset(exclude_fields),
    }
    _audit_bulk_updates(model)


def registered_models() -> dict:
    return dict(_registered)


# --- bulk updates (S29) -------------------------------------------------------------


def _audited_update(self, **kwargs):
    """QuerySet.update, plus one change-log entry per row it touched.

    Entries go through LogEntry.objects.log_create one by one, so auditlog's
    request context (actor, address) is attached exactly as for save().
    """
    from auditlog.models import LogEntry

    rules = _registered[self.model]
    with transaction.atomic(using=self.db):
        before = list(self)
        count = super(type(self), self).update(**kwargs)
        for row in before:
            changes = {}
            for name, new in kwargs.items():
                if name in rules["exclude"]:
                    continue
                old = self.model._meta.get_field(name).value_from_object(row)
                if name in rules["phi"]:
                    changes[name] = [MASK, MASK]
                elif hasattr(new, "resolve_expression"):
                    changes[name] = [str(old), "[computed]"]
                elif old != new:
                    changes[name] = [str(old), str(getattr(new, "pk", new))]
            if changes:
                LogEntry.objects.log_create(
                    row,
                    action=LogEntry.Action.UPDATE,
                    changes=changes,
                    additional_data={"bulk": True},
                )
    return count


def _audit_bulk_updates(model) -> None:
    """Give the model's managers (and related managers built on them) an audited update().

    The new classes keep the originals' names and modules so migrations, which
    deconstruct managers marked use_in_migrations, see no change.
    """
    for manager in model._meta.managers:
        base_qs = manager._queryset_class
        audited_qs = type(
            base_qs.__name__,
            (base_qs,),
            {"update": _audited_update, "__module__": base_qs.__module__},
        )
        base = manager.__class__
        manager.__class__ = type(
            base.__name__,
            (base,),
            {
                "_queryset_class": audited_qs,
                "__module__": base.__module__,
                "__eq__": _same_as(base),
                "__hash__": base.__hash__,
            },
        )


def _same_as(base):
    """Equality as the original manager's, so migration states compare equal."""

    def __eq__(self, other):
        return (
            isinstance(other, base)
            and self._constructor_args == other._constructor_args
        )

    return __eq__
