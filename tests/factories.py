import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import sync_role_groups

TEST_PASSWORD = "a-long-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if extracted:
            if not Group.objects.filter(name=extracted).exists():
                sync_role_groups()  # a transactional test's flush removes migration data
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def integration(*scopes: str, name: str = "Clinic EHR"):
    """An integration client granted `scopes` (every grantable one if none), and its secret."""
    from accounts.integrations import register_client
    from accounts.scopes import GRANTABLE_SCOPES

    return register_client(name, list(scopes or GRANTABLE_SCOPES))


def bearer_token(client, registered, scope: str | None = None) -> str:
    """A token from the real token endpoint, by client credentials (HTTP Basic)."""
    import base64

    integration_client, secret = registered
    pair = f"{integration_client.application.client_id}:{secret}".encode()
    body = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    response = client.post(
        "/oauth/token", body, HTTP_AUTHORIZATION=f"Basic {base64.b64encode(pair).decode()}"
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]
