"""The audit trail in the admin site: the administrator reads, filters, searches and exports
it; nobody adds, changes or deletes an event there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import Action, record

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:audit_auditevent_changelist")


def listed(response) -> list[AuditEvent]:
    return list(response.context["cl"].result_list)


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.fixture
def events(front_desk, clinician) -> list[AuditEvent]:
    return [
        record(Action.VIEW, actor=front_desk, obj=front_desk),
        record(Action.DOWNLOAD, actor=clinician, obj=clinician),
        record(Action.SIGN_IN_FAILED, actor_label="mallory"),
    ]


def test_the_admin_lists_filters_and_searches_the_trail(admin, events):
    view, download, failed = events

    assert set(listed(admin.get(CHANGELIST))) >= set(events)
    assert listed(admin.get(CHANGELIST, {"action__exact": "download"})) == [download]
    assert listed(admin.get(CHANGELIST, {"q": view.object_id})) == [view]
    assert listed(admin.get(CHANGELIST, {"q": "mallo"})) == [failed]
    by_day = admin.get(CHANGELIST, {"at__year": failed.at.year, "object_type__exact": ""})
    assert failed in listed(by_day) and view not in listed(by_day)


def test_nobody_adds_changes_or_deletes_an_event_in_the_admin(admin, events):
    event = events[0]
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    before = list(AuditEvent.objects.values())

    page = admin.get(change)
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin.post(change, {"action": "export", "actor_label": "x"}).status_code == 403
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    actions = admin.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert [name for name, _ in actions if name] == ["export_csv"]
    admin.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )

    assert list(AuditEvent.objects.values()) == before


def test_a_staff_user_without_the_admin_role_cannot_read_the_trail(client_for, clinician, events):
    clinician.is_staff = True
    clinician.save()
    client = client_for(clinician)

    assert client.get(CHANGELIST).status_code == 403
    assert b"auditevent" not in client.get(reverse("admin:index")).content


def test_the_admin_exports_the_filtered_selection_and_the_export_is_audited(
    admin, admin_user, events
):
    response = admin.post(
        f"{CHANGELIST}?action__exact=view",
        {
            "action": "export_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": [events[0].pk],
        },
    )

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and f'"{events[0].object_id}"' in lines[1]
    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert (export.actor, export.detail) == (admin_user, {"via": "admin", "rows": 1})
