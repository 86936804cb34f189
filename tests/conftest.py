from contextlib import contextmanager

import pytest
from django.utils import translation

from accounts.roles import Role
from tests.factories import UserFactory
from tests.services import point_celery_at


# Named personas, as in healthchecks' tests: each role, a user with no role, a deactivated one.
@pytest.fixture
def front_desk(db):
    return UserFactory(username="fran", role=Role.FRONT_DESK)


@pytest.fixture
def clinician(db):
    return UserFactory(username="casey", role=Role.CLINICIAN)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="ada", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def outsider(db):
    """Signed in, but holds no role: must see nothing."""
    return UserFactory(username="oscar")


@pytest.fixture
def deactivated(db):
    return UserFactory(username="dee", role=Role.CLINICIAN, is_active=False)


def pass_second_factor(client, user) -> None:
    """Mark the session verified by a confirmed authenticator of `user`, as
    django_otp.login() does after a right code (it stores the device's persistent_id)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@contextmanager
def unaudited_sign_in():
    """force_login is a test shortcut, not a sign-in: it writes no sign-in audit row,
    since tests count the audit rows around their own action."""
    from django.contrib.auth.signals import user_logged_in

    from accounts.signals import signed_in

    user_logged_in.disconnect(dispatch_uid="accounts.audit_sign_in")
    try:
        yield
    finally:
        user_logged_in.connect(signed_in, dispatch_uid="accounts.audit_sign_in")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user; an administrator has passed 2FA too."""
    from accounts.two_factor import must_use_two_factor

    def sign_in(user):
        with unaudited_sign_in():
            client.force_login(user)
        if must_use_two_factor(user):
            pass_second_factor(client, user)
        return client

    return sign_in


@pytest.fixture
def refused_broker():
    """Celery pointed at a port where nothing listens, tasks not run in-process."""
    from config.celery import app

    original = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    point_celery_at("redis://127.0.0.1:1/0")
    yield
    app.conf.task_always_eager = original[1]
    point_celery_at(original[0])


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Outside tests/integration a task runs in the test's own process, as in the embedded
    default, even when REDIS_URL is set (CI's second pass): only the integration tests
    send tasks through Redis to a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    from config.celery import app

    original = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = original


@pytest.fixture(autouse=True)
def _language_reset():
    """A patient's page activates their language for the rest of its thread (as each request
    does in production, where the next request activates its own): the next test starts in
    the default language."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def every_fhir_resource_is_valid_r4(monkeypatch):
    """Every resource a FHIR endpoint answers with, in every test, passes R4's own JSON schema
    (tests/fhir_schema.py) and its FHIRPath invariants (tests/fhir_invariants.py): a test that
    makes the server emit an invalid one fails."""
    from clinic.api.fhir.views import FHIRView
    from tests.fhir_invariants import broken_invariants
    from tests.fhir_schema import r4_problems

    finalize = FHIRView.finalize_response

    def checked(self, request, response, *args, **kwargs):
        data = getattr(response, "data", None)
        if isinstance(data, dict) and "resourceType" in data:
            problems = r4_problems(data)
            assert not problems, f"{request.path}: not valid R4: {problems[:5]}"
            broken = broken_invariants(data)
            assert not broken, f"{request.path}: breaks R4's invariants {broken}"
        return finalize(self, request, response, *args, **kwargs)

    monkeypatch.setattr(FHIRView, "finalize_response", checked)
