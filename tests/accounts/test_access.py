"""Signing in and the start page. Who may open which URL is tests/security/test_access_matrix.py."""

import pytest
from django.urls import reverse


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
