import pytest
from django.conf import settings
from django.urls import resolve, reverse

from tests.urlwalk import all_routes

# Pages a stranger may open, and what a stranger gets from them with a made-up
# argument. Everything else needs a signed-in user.
PUBLIC = {
    "healthz": {200, 405},
    "accounts:login": {200},
    "admin:login": {200, 302},
    "patient:set_language": {302},
    # The patient's one-time link pages: a made-up token opens nothing.
    "patient:link-start": {404},
    "patient:link-step": {404},
    "patient:link-submit": {404, 405},
    "patient:link-done": {404},
}


def login_paths() -> tuple[str, ...]:
    return (reverse(settings.LOGIN_URL), reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in all_routes() if r.name not in PUBLIC], ids=str)
def test_every_page_but_login_and_healthz_needs_a_signed_in_user(client, route):
    for method in (client.get, client.post):
        response = method(route.path)
        if response.status_code == 302:
            assert response.url.split("?")[0] in login_paths(), response.url
        else:
            # Pages that only exist for some methods, or whose sample object is absent,
            # must still give a stranger nothing.
            assert response.status_code in {401, 403, 404, 405}, (route, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in all_routes() if r.name in PUBLIC], ids=str)
def test_a_public_page_gives_a_stranger_only_what_it_should(client, route):
    for method in (client.get, client.post):
        assert method(route.path).status_code in PUBLIC[route.name], route


def test_the_public_pages_are_the_ones_listed():
    names = {route.name for route in all_routes()}
    assert names >= set(PUBLIC)
    assert resolve("/healthz").url_name == "healthz"


@pytest.mark.django_db
def test_login_page_renders_for_a_stranger(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'autocomplete="current-password"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_front_desk_and_admin_land_on_the_start_page(client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(reverse("accounts:home"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client_for, outsider):
    assert client_for(outsider).get(reverse("accounts:home")).status_code == 403


@pytest.mark.django_db
def test_only_the_admin_sees_the_administration_link(client_for, front_desk, admin_user):
    admin_link = reverse("admin:index").encode()
    assert admin_link not in client_for(front_desk).get(reverse("accounts:home")).content
    assert admin_link in client_for(admin_user).get(reverse("accounts:home")).content


@pytest.mark.django_db
def test_a_deactivated_user_cannot_sign_in(client, deactivated):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("accounts:login"), {"username": deactivated.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session
