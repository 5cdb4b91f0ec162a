"""The generated URL walk (S8, S10, S1): every URL pattern, every role, another practice.

The patterns come from the resolver, the expectations from urlmap.URLS; a pattern
with no line there fails `test_every_url_pattern_has_a_rule`. See docs/security.md.
"""

from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pixiodoc.accounts.permissions import MATRIX
from pixiodoc.testing import ROLES, make_member, make_practice, sign_in
from pixiodoc.tests.security import urlmap
from pixiodoc.tests.security.urlmap import ADMIN, MAY, PUBLIC, SIGN_IN_STEP, SIGNED_IN

REDIRECTS = (301, 302, 303)


def collect_patterns(resolver=None, namespace="", prefix=""):
    """[(name or None, route, argument names)] for every pattern in the resolver."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += collect_patterns(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            arguments = sorted(entry.pattern.regex.groupindex)
            found.append((name, prefix + str(entry.pattern), arguments))
    return found


PATTERNS = collect_patterns()
NAMED = {name: arguments for name, _, arguments in PATTERNS if name}


def rule_for(name: str) -> urlmap.Rule | None:
    if name in urlmap.ADMIN_PUBLIC:
        return urlmap.public()
    if name.startswith("admin:"):
        return urlmap.ADMIN_RULE
    return urlmap.URLS.get(name)


# S8
def test_every_url_pattern_has_a_rule():
    missing = [n for n in NAMED if rule_for(n) is None]
    unnamed = [
        route
        for name, route, _ in PATTERNS
        if name is None and not route.startswith("admin/")
    ]
    stale = [n for n in urlmap.URLS if n not in NAMED]
    problems = []
    if missing:
        problems.append(
            "URL patterns with no rule: add a line for each to URLS in "
            "pixiodoc/tests/security/urlmap.py (see docs/security.md): "
            + ", ".join(sorted(missing))
        )
    if unnamed:
        problems.append(
            "URL patterns without a name (name them, then add them to urlmap.URLS): "
            + ", ".join(unnamed)
        )
    if stale:
        problems.append(
            "urlmap.URLS names URLs that no longer exist; remove: "
            + ", ".join(sorted(stale))
        )
    assert not problems, "\n".join(problems)


# S8
def test_every_rule_names_a_known_action_and_object():
    for name, rule in urlmap.URLS.items():
        if rule.kind == MAY:
            assert rule.action in MATRIX, f"{name}: unknown action {rule.action!r}"
        for argument, kind in rule.kwargs.items():
            assert kind in urlmap.OBJECTS, f"{name}: no OBJECTS maker for {kind!r}"
            assert argument in NAMED[name], f"{name} takes no argument {argument!r}"
        undeclared = set(NAMED[name]) - set(rule.kwargs)
        assert not undeclared, f"{name}: say in kwargs= what fills {undeclared}"


# --- the walk ---------------------------------------------------------------------


@pytest.fixture
def cast(db):
    """Our practice with one member per role, and the owner of another practice."""
    ours = make_practice()
    theirs = make_practice(name="Elsewhere Clinic", slug="elsewhere")
    members = {role: make_member(ours, role) for role in ROLES}
    stranger = {role: make_member(theirs, role) for role in ROLES}
    return members, stranger


def snapshot():
    """Every row of every table a GET must not write (S10)."""
    state = {}
    for model in apps.get_models():
        if model._meta.label in urlmap.READ_SIDE_EFFECTS:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        state[model._meta.label] = [repr(row) for row in rows]
    return state


def changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def url_of(name, rule, members):
    """Reverse the URL, making its objects in the members' practice."""
    kwargs = {}
    for argument, kind in rule.kwargs.items():
        made = urlmap.OBJECTS[kind](members)
        kwargs[argument] = made if isinstance(made, str) else getattr(made, argument)
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{rule.query}" if rule.query else url


def admin_url_of(name, members):
    """Admin URLs: arguments are filled with real ids where the name tells the model."""
    from django.contrib.admin import site
    from django.contrib.contenttypes.models import ContentType

    kwargs = {}
    practice = members["owner"].practice
    for argument in NAMED[name]:
        if argument == "app_label":
            kwargs[argument] = next(iter(site._registry))._meta.app_label
        elif argument == "content_type_id":
            kwargs[argument] = ContentType.objects.get_for_model(practice).pk
        elif argument == "object_id":
            kwargs[argument] = _admin_object_id(name, members)
        else:
            kwargs[argument] = "1"
    return reverse(name, kwargs=kwargs)


def _admin_object_id(name, members):
    from django.contrib.admin import site

    for model in site._registry:
        stem = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(stem):
            row = model._base_manager.order_by("pk").first()
            return str(row.pk) if row else "0"
    return str(members["owner"].practice.pk)


def request(client, url, rule):
    return client.post(url) if rule.post else client.get(url)


def path_of(response):
    return urlparse(response["Location"]).path


def is_login_redirect(response, login_path):
    return response.status_code in REDIRECTS and path_of(response) == login_path


def reached(response):
    """The member got the page (or the view's own redirect), not a guard's answer."""
    # 400/422: the view itself refused the (empty) input, so the member got there.
    if response.status_code in (200, 204, 400, 422):
        return True
    guards = {
        resolve_url(settings.LOGIN_URL),
        reverse("accounts:two_factor"),
        reverse("accounts:choose_practice"),
    }
    return response.status_code in REDIRECTS and path_of(response) not in guards


def page_ok(rule, response):
    """A page below 400, or exactly `rule.status` when the rule names one."""
    if rule.status:
        return response.status_code == rule.status
    return response.status_code < 400


def public_page(rule):
    return str(rule.status) if rule.status else "the page"


def describe(response):
    where = f" to {response['Location']}" if response.status_code in REDIRECTS else ""
    return f"{response.status_code}{where}"


def anonymous():
    return Client()


def password_only(member):
    """Password done, second factor not: nothing but sign-in pages (S1)."""
    client = Client()
    client.force_login(member.user)
    return client


WALKED = sorted(NAMED)


# S8 S10 S1
@pytest.mark.parametrize("name", WALKED)
def test_url_follows_the_permission_matrix(name, cast):
    members, stranger = cast
    rule = rule_for(name)
    if rule is None:
        pytest.fail(f"{name} has no rule in urlmap.URLS (see the test above)")
    if rule.kind == ADMIN:
        return walk_admin(name, members)
    login_path = resolve_url(settings.LOGIN_URL)
    failures = []

    def expect(who, response, ok, wanted):
        if not ok:
            failures.append(f"{who}: got {describe(response)}, expected {wanted}")

    # Sign everyone in first: signing in writes last_login, which is not the GET's doing.
    clients = {
        "anonymous": anonymous(),
        "password without 2FA": password_only(members["owner"]),
        **{role: sign_in(Client(), members[role]) for role in ROLES},
    }
    strangers = {}
    if rule.kwargs and rule.kind in (SIGNED_IN, MAY):
        for role in ROLES:
            if rule.kind != MAY or role in MATRIX[rule.action]:
                client = sign_in(Client(), stranger[role])
                strangers[f"{role} of another practice"] = client

    url = url_of(name, rule, members)  # GETs share one set of objects
    before = snapshot()

    def target():
        return url_of(name, rule, members) if rule.post else url

    response = request(clients["anonymous"], target(), rule)
    if rule.kind == PUBLIC:
        expect("anonymous", response, page_ok(rule, response), public_page(rule))
    elif rule.kind == SIGN_IN_STEP:
        expect("anonymous", response, response.status_code != 200, "no page")
    else:
        ok = is_login_redirect(response, login_path)
        expect("anonymous", response, ok, "a redirect to sign-in")

    who = "password without 2FA"
    response = request(clients[who], target(), rule)
    if rule.kind in (SIGNED_IN, MAY):
        ok = response.status_code in REDIRECTS and not reached(response)
        expect(who, response, ok, "a redirect to a sign-in step")
    else:
        expect(who, response, page_ok(rule, response), public_page(rule))

    for role in ROLES:
        response = request(clients[role], target(), rule)
        if rule.kind == MAY and role not in MATRIX[rule.action]:
            expect(role, response, response.status_code == 403, "403")
        elif rule.kind in (SIGNED_IN, MAY):
            expect(role, response, reached(response), "the page")
        else:
            expect(role, response, page_ok(rule, response), public_page(rule))

    for who, client in strangers.items():
        response = request(client, target(), rule)
        expect(who, response, response.status_code == 404, "404")

    if not rule.post:
        changed = changed_tables(before, snapshot())
        if changed:
            failures.append(f"GET {name} changed data in {changed} (S10)")
    assert not failures, f"{name} ({url}):\n  " + "\n  ".join(failures)


def walk_admin(name, members):
    """Admin (S1, §6): only a verified owner may reach it; nothing is ever a 500."""
    url = admin_url_of(name, members)
    failures = []
    denied = {
        "anonymous": anonymous(),
        "password without 2FA": password_only(members["owner"]),
        **{role: sign_in(Client(), members[role]) for role in ROLES[1:]},
    }
    owner = sign_in(Client(), members["owner"])
    before = snapshot()
    for who, client in denied.items():
        response = client.get(url)
        if response.status_code == 200 or response.status_code >= 500:
            failures.append(f"{who}: got {describe(response)}, expected no page")
    response = owner.get(url)
    if response.status_code >= 500:
        failures.append(f"owner: got {describe(response)}")
    changed = changed_tables(before, snapshot())
    if changed:
        failures.append(f"GET {name} changed data in {changed} (S10)")
    assert not failures, f"{name} ({url}):\n  " + "\n  ".join(failures)


# S10
@pytest.mark.parametrize("name", WALKED)
def test_post_without_csrf_token_is_refused(name, cast):
    members, _ = cast
    rule = rule_for(name)
    if rule is None:
        pytest.fail(f"{name} has no rule in urlmap.URLS (see the test above)")
    url = (
        admin_url_of(name, members)
        if rule.kind == ADMIN
        else url_of(name, rule, members)
    )
    client = sign_in(Client(enforce_csrf_checks=True), members["owner"])
    before = snapshot()
    response = client.post(url, {"reason": "x", "confirm": "on"})
    assert response.status_code == 403, (
        f"POST {url} without CSRF token: {describe(response)}"
    )
    assert changed_tables(before, snapshot()) == []
