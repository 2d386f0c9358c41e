"""``manage.py load_demo``: the framework catalogue, then the demo portfolios, through the services.

Safe to run again: existing demo portfolios are left untouched ("demo data already present").
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from common.errors import ApplicationError
from governance.catalog import framework_catalog_load
from portfolio import demo_data
from portfolio.demo import demo_load


class Command(BaseCommand):
    help = "Load the framework catalogue and the Northwind / Contoso demo portfolios (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            catalogue = framework_catalog_load()
            report = demo_load()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            "Frameworks: " + ", ".join(f"{r.code} ({r.total}{', updated' if r.changed else ''})" for r in catalogue)
        )
        if not report.created:
            self.stdout.write("demo data already present")
        for slug, counts in report.counts.items():
            state = "created" if slug in report.created else "already present"
            self.stdout.write(f"\n{counts['name']} [{slug}] – {state}")
            for name, value in counts.items():
                if name == "name":
                    continue
                if isinstance(value, dict):
                    value = f"{sum(value.values())} (" + ", ".join(f"{k} {v}" for k, v in sorted(value.items())) + ")"
                self.stdout.write(f"  {name.replace('_', ' ')}: {value}")

        self.stdout.write(f"\nDemo logins (password for all: {demo_data.DEMO_PASSWORD})")
        for username, (_role, full_name, about) in demo_data.USERS.items():
            note = "  [existed before: password unchanged]" if username in report.existing_users else ""
            self.stdout.write(f"  {username:<11} {demo_data.DEMO_PASSWORD}  {full_name}: {about}{note}")
        self.stdout.write(f"\nDone in {time.monotonic() - started:.1f} s.")
