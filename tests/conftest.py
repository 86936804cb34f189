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
