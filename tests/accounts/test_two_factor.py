"""Two-factor sign-in: required for administrators, open to everyone else."""

import uuid

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.admin import OTPAdminSite
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.conftest import unaudited_sign_in

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:otp-setup")
VERIFY = reverse("accounts:otp-verify")
HOME = reverse("accounts:home")


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 1) % 1_000_000:06d}"


def password_only(client, user):
    """Signed in with the password, no code entered yet."""
    with unaudited_sign_in():
        client.force_login(user)
    return client


def verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


@pytest.fixture
def enrolled_admin(admin_user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)


# --- an administrator without a device must set one up -------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        HOME,
        "/admin/",
        "/admin/auth/user/",
        "/worklist/",
        "/api/v1/intakes",
        "/fhir/QuestionnaireResponse",
    ],
)
def test_an_admin_without_a_device_is_sent_to_set_one_up_from_any_page(client, admin_user, path):
    response = password_only(client, admin_user).get(path)
    assert response.status_code == 302
    assert response.url.split("?")[0] == SETUP


def test_the_staff_pages_under_p_are_gated_too(client, admin_user):
    """Making a patient link or starting a kiosk is staff work: the code comes first."""
    intake_id = uuid.uuid4()
    client = password_only(client, admin_user)
    for name in ("patient:kiosk-start", "patient:link-new"):
        response = client.post(reverse(name, args=[intake_id]))
        assert response.url == SETUP, name


def test_the_setup_page_shows_the_qr_code_and_the_key(client, admin_user):
    response = password_only(client, admin_user).get(f"{SETUP}?next=/admin/")
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert response.status_code == 200
    assert "<svg" in page and "style=" not in page
    assert response.context["secret"].replace(" ", "") in page.replace(" ", "")
    assert "no-store" in response["Cache-Control"]
    # A reload shows the same secret: the app the user just scanned stays valid.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=admin_user, confirmed=False) == device


def test_a_right_code_turns_the_device_on_and_lets_the_admin_in(client, admin_user):
    client = password_only(client, admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)

    response = client.post(f"{SETUP}?next=/admin/", {"code": code_for(device)})
    assert response.status_code == 302 and response.url == "/admin/"
    device.refresh_from_db()
    assert device.confirmed and verified(client)
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_id=str(device.pk)
    ).exists()


def test_a_wrong_code_does_not(client, admin_user):
    client = password_only(client, admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)

    response = client.post(SETUP, {"code": wrong_code_for(device)})
    assert response.status_code == 200 and "not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not verified(client)
    assert client.get(HOME).url.split("?")[0] == SETUP


def test_a_next_to_another_site_is_ignored(client, admin_user):
    client = password_only(client, admin_user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)
    response = client.post(f"{SETUP}?next=https://evil.example/", {"code": code_for(device)})
    assert response.url == HOME


# --- an administrator with a device must enter the code ---------------------------------------


def test_an_admin_with_a_device_must_enter_the_code(client, admin_user, enrolled_admin):
    client = password_only(client, admin_user)
    assert client.get("/admin/").url == f"{VERIFY}?next=%2Fadmin%2F"
    # Setting up a second device is not a way around the code.
    assert client.get(SETUP).url == VERIFY

    response = client.post(f"{VERIFY}?next=/admin/", {"code": code_for(enrolled_admin)})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert (event.actor, event.detail) == (admin_user, {"factor": "totp"})


def test_a_wrong_code_is_refused_and_audited(client, admin_user, enrolled_admin):
    client = password_only(client, admin_user)
    response = client.post(VERIFY, {"code": wrong_code_for(enrolled_admin)})
    assert response.status_code == 200 and not verified(client)
    assert client.get(HOME).url.startswith(VERIFY)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert (event.actor, event.detail) == (admin_user, {"factor": "totp"})


def test_a_code_works_only_once(client, admin_user, enrolled_admin):
    code = code_for(enrolled_admin)
    assert password_only(client, admin_user).post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    again = password_only(client, admin_user).post(VERIFY, {"code": code})
    assert again.status_code == 200 and not verified(client)


def test_before_the_code_only_sign_out_and_public_pages_open(client, admin_user, enrolled_admin):
    client = password_only(client, admin_user)
    assert client.get("/healthz").status_code in {200, 503}
    assert client.get(reverse("patient:link-start", args=["made-up"])).status_code == 404
    assert client.get(reverse("accounts:keepalive")).status_code == 204
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login") and "_auth_user_id" not in client.session


def test_the_admin_site_itself_demands_the_second_factor(admin_user):
    """Even without the middleware, the admin site lets in only verified staff."""
    assert isinstance(admin.site, OTPAdminSite) and admin.site.name == "admin"
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    admin_user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    admin_user.is_verified = lambda: True
    assert admin.site.has_permission(request)


# --- everyone else: optional ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page"), [("front_desk", HOME), ("clinician", reverse("triage:worklist"))]
)
def test_front_desk_and_clinicians_are_not_forced(client, request, persona, page):
    client = password_only(client, request.getfixturevalue(persona))
    response = client.get(page)
    assert response.status_code == 200
    assert SETUP.encode() not in response.content  # not in the menu: it is optional for them
    settings_page = client.get(reverse("accounts:settings"))
    assert SETUP.encode() in settings_page.content  # offered in their settings


def test_anyone_may_enroll_and_then_needs_the_code(client, front_desk):
    client = password_only(client, front_desk)
    page = client.get(SETUP)
    assert page.status_code == 200 and not page.context["required"]
    device = TOTPDevice.objects.get(user=front_desk)
    assert client.post(SETUP, {"code": code_for(device)}).url == HOME

    client.post(reverse("accounts:logout"))
    assert password_only(client, front_desk).get(HOME).url.startswith(VERIFY)
