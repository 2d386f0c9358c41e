"""The framework catalogue: Lodestar's own data files for the frameworks items are traced to.

Each ``*.json`` file beside this module describes one framework and its requirement tree
(NIST AI RMF 1.0, ISO/IEC 42001:2023 Annex A, EU AI Act 2024/1689, DORA 2022/2554). Titles are
short, in our own words; identifiers follow the source documents (DOMAIN §6).

The data sits in this package rather than beside a ``catalog.py`` module: one name, one thing.
``framework_catalog_load`` is the one writer. It is idempotent (frameworks keyed by ``code``,
requirements by ``(framework, ref_id)``), runs in one transaction, writes only what changed and
audits each framework it changed. Requirements missing from a file are reported, never deleted:
governance records may still map them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from common.errors import ValidationFailed
from governance.models import Framework, Requirement
from governance.services import audit_log

CATALOG_DIR = Path(__file__).resolve().parent
FRAMEWORK_FIELDS = ("name", "version", "provider", "url")


@dataclass
class CatalogLoadResult:
    code: str
    framework_created: bool = False
    framework_updated: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.framework_created or self.framework_updated or bool(self.created or self.updated)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class _Node:
    ref_id: str
    title: str
    parent_ref: str | None
    order: int
    assessable: bool


def catalog_files() -> list[Path]:
    return sorted(CATALOG_DIR.glob("*.json"))


def catalog_read(path: Path) -> dict[str, Any]:
    """Parse and check one catalogue file; a malformed file fails loudly, naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"{path.name}: not valid JSON ({exc}).") from exc
    missing = [name for name in ("code", "name", "version", "provider", "requirements") if not data.get(name)]
    if missing:
        raise ValidationFailed(f"{path.name}: missing {', '.join(missing)}.")
    seen: set[str] = set()
    for node in _walk(data["requirements"]):
        if not node.ref_id or not node.title:
            raise ValidationFailed(f"{path.name}: every requirement needs a ref_id and a title.")
        if node.ref_id in seen:
            raise ValidationFailed(f"{path.name}: duplicate ref_id {node.ref_id!r}.")
        seen.add(node.ref_id)
    return data


def _walk(
    items: Iterable[dict[str, Any]], parent_ref: str | None = None, counter: list[int] | None = None
) -> Iterator[_Node]:
    """Pre-order: a parent always comes before its children; ``order`` is the position in the file."""
    counter = counter if counter is not None else [0]
    for item in items:
        counter[0] += 1
        children = item.get("children") or []
        yield _Node(
            ref_id=str(item.get("ref_id", "")).strip(),
            title=str(item.get("title", "")).strip(),
            parent_ref=parent_ref,
            order=counter[0],
            # Grouping nodes (functions, areas, chapters, pillars) are not assessed themselves.
            assessable=bool(item.get("assessable", not children)),
        )
        yield from _walk(children, item.get("ref_id"), counter)


def _load_one(data: dict[str, Any], actor: Any) -> CatalogLoadResult:
    result = CatalogLoadResult(code=data["code"])
    wanted = {name: data.get(name, "") for name in FRAMEWORK_FIELDS}
    framework = Framework.objects.select_for_update().filter(code=data["code"]).first()
    if framework is None:
        framework = Framework(code=data["code"], **wanted)
        framework.full_clean()
        framework.save()
        result.framework_created = True
    elif any(getattr(framework, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(framework, name, value)
        framework.full_clean()
        framework.save(update_fields=list(FRAMEWORK_FIELDS))
        result.framework_updated = True

    existing = {r.ref_id: r for r in Requirement.objects.filter(framework=framework)}
    by_ref: dict[str, Requirement] = {}
    for node in _walk(data["requirements"]):
        parent = by_ref[node.parent_ref] if node.parent_ref else None
        values = {
            "title": node.title,
            "order": node.order,
            "assessable": node.assessable,
            "parent_id": parent.pk if parent else None,
        }
        requirement = existing.get(node.ref_id)
        if requirement is None:
            requirement = Requirement(framework=framework, ref_id=node.ref_id, **values)
            requirement.full_clean(validate_constraints=False)  # (framework, ref_id) is unique in the database
            requirement.save()
            result.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(requirement, name) != value]
            if changed:
                for name in changed:
                    setattr(requirement, name, values[name])
                requirement.full_clean(validate_constraints=False)
                requirement.save(update_fields=[name.removesuffix("_id") for name in changed])
                result.updated += 1
            else:
                result.unchanged += 1
        by_ref[node.ref_id] = requirement
    result.not_in_file = sorted(set(existing) - set(by_ref))

    if result.changed:
        audit_log(
            actor=actor,
            action="governance.framework.loaded",
            instance=framework,
            portfolio_id=None,
            after={
                "code": framework.code,
                "version": framework.version,
                "requirements_created": result.created,
                "requirements_updated": result.updated,
                "requirements_unchanged": result.unchanged,
            },
        )
    return result


@transaction.atomic
def framework_catalog_load(*, actor: Any = None, codes: Iterable[str] | None = None) -> list[CatalogLoadResult]:
    """Load (or refresh) the catalogue from the data files; safe to run any number of times.

    ``codes`` limits the load to some frameworks; an unknown code is an error.
    """
    documents = [catalog_read(path) for path in catalog_files()]
    if codes is not None:
        wanted = set(codes)
        unknown = sorted(wanted - {d["code"] for d in documents})
        if unknown:
            raise ValidationFailed(f"No catalogue file for: {', '.join(unknown)}.")
        documents = [d for d in documents if d["code"] in wanted]
    return [_load_one(data, actor) for data in documents]
