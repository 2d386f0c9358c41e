from __future__ import annotations

import pytest
from django.db import InternalError, ProgrammingError, transaction

from governance.models import AuditEvent
from tests import builders


def test_audit_events_cannot_be_edited_or_deleted(bank, po):
    builders.epic(po, bank)
    event = AuditEvent.objects.latest("id")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises((InternalError, ProgrammingError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.action == "portfolio.epic.created"


def test_governance_record_outlives_its_item(bank, po):
    feature = builders.feature(po, bank, title="Liveness check")
    record_id = feature.governance_id
    feature.delete()
    from governance.models import GovernanceRecord

    assert GovernanceRecord.objects.get(pk=record_id).subject_title == "Liveness check"
