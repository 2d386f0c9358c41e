"""The framework catalogue: what each data file holds, and that loading it is idempotent."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from common.errors import ValidationFailed
from governance.catalog import catalog_read, framework_catalog_load
from governance.models import AuditEvent, Framework, Requirement

# code → (all nodes, assessable nodes, top-level nodes)
EXPECTED = {
    "nist-ai-rmf": (23, 19, 4),  # 4 functions, 19 categories
    "iso-42001": (49, 38, 9),  # areas A.2…A.10, A.6.1 and A.6.2 groups, 38 Annex A controls
    "eu-ai-act": (27, 22, 5),  # 5 chapters, 22 key articles
    "dora": (17, 12, 5),  # 5 pillars, 12 key articles
}

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, tuple[int, int, int]]:
    out = {}
    for framework in Framework.objects.all():
        reqs = Requirement.objects.filter(framework=framework)
        out[framework.code] = (
            reqs.count(),
            reqs.filter(assessable=True).count(),
            reqs.filter(parent__isnull=True).count(),
        )
    return out


def test_loading_the_catalogue_creates_each_framework_with_its_tree():
    results = framework_catalog_load()
    assert {r.code: r.created for r in results} == {code: n for code, (n, _, _) in EXPECTED.items()}
    assert _counts() == EXPECTED
    nist = Framework.objects.get(code="nist-ai-rmf")
    assert (nist.provider, nist.version) == ("NIST", "1.0")
    assert [r.ref_id for r in Requirement.objects.filter(framework=nist, parent__isnull=True)] == [
        "GOVERN",
        "MAP",
        "MEASURE",
        "MANAGE",
    ]
    assert Requirement.objects.get(framework=nist, ref_id="MEASURE 2").parent.ref_id == "MEASURE"
    control = Requirement.objects.get(framework__code="iso-42001", ref_id="A.6.2.4")
    assert (control.parent.ref_id, control.parent.parent.ref_id) == ("A.6.2", "A.6")
    assert Requirement.objects.get(framework__code="eu-ai-act", ref_id="Art. 14").parent.ref_id == "Chapter III"
    assert Requirement.objects.get(framework__code="dora", ref_id="Art. 26").parent.ref_id == "Chapter IV"


def test_every_iso_42001_annex_a_control_is_in_the_catalogue():
    framework_catalog_load(codes=["iso-42001"])
    controls = set(
        Requirement.objects.filter(framework__code="iso-42001", assessable=True).values_list("ref_id", flat=True)
    )
    expected = {
        *[f"A.2.{i}" for i in (2, 3, 4)],
        *[f"A.3.{i}" for i in (2, 3)],
        *[f"A.4.{i}" for i in range(2, 7)],
        *[f"A.5.{i}" for i in range(2, 6)],
        "A.6.1.2",
        "A.6.1.3",
        *[f"A.6.2.{i}" for i in range(2, 9)],
        *[f"A.7.{i}" for i in range(2, 7)],
        *[f"A.8.{i}" for i in range(2, 6)],
        *[f"A.9.{i}" for i in (2, 3, 4)],
        *[f"A.10.{i}" for i in (2, 3, 4)],
    }
    assert controls == expected and len(expected) == 38


def test_children_follow_their_parent_in_file_order():
    framework_catalog_load()
    for framework in Framework.objects.all():
        orders = {r.pk: r.order for r in Requirement.objects.filter(framework=framework)}
        for req in Requirement.objects.filter(framework=framework, parent__isnull=False):
            assert orders[req.parent_id] < req.order


def test_loading_twice_changes_nothing_and_audits_nothing_the_second_time():
    framework_catalog_load()
    ids = set(Requirement.objects.values_list("id", flat=True))
    events = AuditEvent.objects.filter(action="governance.framework.loaded").count()
    assert events == len(EXPECTED)

    results = framework_catalog_load()

    assert all(not r.changed and r.created == 0 and r.updated == 0 for r in results)
    assert set(Requirement.objects.values_list("id", flat=True)) == ids
    assert _counts() == EXPECTED
    assert AuditEvent.objects.filter(action="governance.framework.loaded").count() == events


def test_a_drifted_title_is_restored_and_an_extra_requirement_is_kept_and_reported():
    framework_catalog_load()
    Requirement.objects.filter(framework__code="dora", ref_id="Art. 5").update(title="edited by hand")
    dora = Framework.objects.get(code="dora")
    Requirement.objects.create(framework=dora, ref_id="Art. 99", title="Local addition")

    (result,) = framework_catalog_load(codes=["dora"])

    assert (result.created, result.updated, result.unchanged) == (0, 1, 16)
    assert result.not_in_file == ["Art. 99"]
    assert Requirement.objects.get(framework=dora, ref_id="Art. 5").title != "edited by hand"
    assert Requirement.objects.filter(framework=dora, ref_id="Art. 99").exists()


def test_a_malformed_catalogue_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(
        json.dumps(
            {
                "code": "x",
                "name": "X",
                "version": "1",
                "provider": "Y",
                "requirements": [{"ref_id": "A", "title": "a"}, {"ref_id": "A", "title": "again"}],
            }
        )
    )
    with pytest.raises(ValidationFailed, match="broken.json: duplicate ref_id 'A'"):
        catalog_read(path)


def test_the_command_loads_and_reports_each_framework_and_rejects_unknown_codes():
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert "nist-ai-rmf: created; requirements 23" in out.getvalue()
    out = StringIO()
    call_command("load_frameworks", "dora", stdout=out)
    assert out.getvalue().strip() == "dora: unchanged; requirements 17 (0 new, 0 updated, 17 unchanged)"
    with pytest.raises(CommandError, match="No catalogue file for: cobit"):
        call_command("load_frameworks", "cobit")
