import pytest

from accounts.roles import Role
from tests.factories import UserFactory


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


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def refused_broker():
    """Celery pointed at a port where nothing listens, tasks not run in-process."""
    from config.celery import app

    original = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app._pool = None  # the connection pool is built from broker_url on first use
    yield
    app.conf.broker_url, app.conf.task_always_eager = original
    app._pool = None
