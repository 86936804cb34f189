import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse

from accounts.management.commands.seed_demo import DEMO_USERS
from accounts.roles import ROLE_PERMISSIONS, Role, roles_of


def permission_codes(group: Group) -> set[str]:
    return {
        f"{app}.{code}"
        for app, code in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
def test_the_migration_creates_each_role_group_with_exactly_its_permissions():
    groups = {group.name: group for group in Group.objects.all()}
    assert set(groups) >= set(Role.values)
    for role, codes in ROLE_PERMISSIONS.items():
        assert permission_codes(groups[role]) == set(codes), role


@pytest.mark.django_db
def test_roles_come_from_groups_and_a_superuser_is_an_admin(front_desk, django_user_model):
    assert roles_of(front_desk) == {Role.FRONT_DESK}
    root = django_user_model.objects.create_superuser("root", password="x" * 20)
    assert roles_of(root) == {Role.ADMIN}


@pytest.mark.django_db
def test_a_deactivated_user_has_no_role(deactivated):
    assert roles_of(deactivated) == frozenset()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(django_user_model, capsys):
    call_command("seed_demo")
    first = {u.username: (u.pk, u.password[:20]) for u in django_user_model.objects.all()}
    call_command("seed_demo")
    out = capsys.readouterr().out
    users = django_user_model.objects.order_by("username")
    assert users.count() == len(DEMO_USERS)
    assert {u.username: u.pk for u in users} == {k: v[0] for k, v in first.items()}
    for username, password, role, _, _ in DEMO_USERS:
        user = users.get(username=username)
        assert user.check_password(password)
        assert roles_of(user) == {role}
        assert f"{username:<10} / {password}" in out
    assert users.get(username="admin").is_staff
    assert not users.get(username="clinician").is_staff


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_seed_demo_refuses_to_run_in_production(django_user_model):
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo")
    assert not django_user_model.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user", "words"), [("front_desk", "Front desk"), ("clinician", "Clinician")]
)
def test_the_navigation_bar_names_the_role_in_words(client_for, request, user, words):
    page = client_for(request.getfixturevalue(user)).get("/", follow=True).content.decode()
    assert f'<span class="badge text-bg-light ms-1">{words}</span>' in page
    assert f">{user}<" not in page


@pytest.mark.django_db
def test_a_clinician_sets_themselves_on_call_and_the_desk_has_no_such_setting(
    client_for, clinician, front_desk
):
    from accounts.models import settings_of

    url = reverse("accounts:settings")
    page = client_for(clinician).get(url).content.decode()
    assert 'name="on_call"' in page and 'name="alert_sound"' in page
    assert client_for(clinician).post(url, {"on_call": "on"}).status_code == 302
    clinician.refresh_from_db()
    assert settings_of(clinician).on_call and not settings_of(clinician).alert_sound

    desk = client_for(front_desk)
    assert 'name="on_call"' not in desk.get(url).content.decode()
    desk.post(url, {"on_call": "on", "alert_sound": "on"})  # on call is not theirs to set
    front_desk.refresh_from_db()
    assert settings_of(front_desk).alert_sound and not settings_of(front_desk).on_call
