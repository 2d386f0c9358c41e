"""``manage.py load_frameworks``: load or refresh the framework catalogue (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import ApplicationError
from governance.catalog import framework_catalog_load


class Command(BaseCommand):
    help = "Load the framework catalogue (NIST AI RMF, ISO/IEC 42001 Annex A, EU AI Act, DORA). Safe to re-run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="Only these framework codes (default: every catalogue file).")

    def handle(self, *args: Any, codes: list[str], **options: Any) -> None:
        try:
            results = framework_catalog_load(codes=codes or None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for result in results:
            state = "created" if result.framework_created else "updated" if result.changed else "unchanged"
            line = (
                f"{result.code}: {state}; requirements {result.total} "
                f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged)"
            )
            if result.not_in_file:
                line += f"; kept {len(result.not_in_file)} not in the file: {', '.join(result.not_in_file)}"
            self.stdout.write(line)
