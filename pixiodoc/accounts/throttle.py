"""django-axes hooks (S6): one spelling of a user name per account."""


def axes_username(request, credentials) -> str | None:
    """The e-mail being tried, lower-cased, so changing its case does not reset the count."""
    value = (credentials or {}).get("username") or request.POST.get("username")
    return value.strip().lower() if value else None
