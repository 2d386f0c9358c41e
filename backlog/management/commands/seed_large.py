"""``manage.py seed_large``: a large portfolio for benchmarks, bulk-loaded with set-based SQL.

This is a benchmark seeder, not a way to enter data. The portfolio, its admin membership and its
teams go through the services (and are audited); the epics, features, stories and their
governance records are then written directly with ``INSERT … SELECT generate_series`` in one
transaction, so no audit events are written for them. Every item still gets its own governance
record, foreign keys and check constraints are enforced (checked per statement), and the
generated columns (Cost of Delay, WSJF) are computed by PostgreSQL. WSJF inputs are drawn from
the Fibonacci scale with a seeded ``random()``, so a given ``--seed`` gives the same ranks.

The items are left unranked, with one pending recompute request, as after a bulk import; the
worker (or the beat sweep) ranks them. The tables are vacuumed and analysed at the end.

    python manage.py seed_large                      # 10,000 epics, 100,000 features, 1,000,000 stories
    python manage.py seed_large --epics 100 --features 1000 --stories 8900 --slug small
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from backlog.services import team_create
from portfolio.models import Portfolio
from portfolio.services import portfolio_create, recompute_request

FIB = "(ARRAY[1,2,3,5,8,13,20])[1 + floor(random() * 7)::int]"
STORY_CHUNK = 100_000
BULK_TABLES = ("governance_governancerecord", "portfolio_epic", "backlog_feature", "backlog_story", "backlog_team")

# A governance record per item: draft, no risk data yet. {src} is the seed table, {kind} the subject kind.
GOVERNANCE_SQL = """
    INSERT INTO governance_governancerecord (
        id, portfolio_id, subject_kind, subject_title, status, fair_inputs, uses_ai, ai_act_tier,
        explainability, bias_review_done, model_validated, notes, created_at, updated_at)
    SELECT g.gid, %(portfolio)s, '{kind}', g.title, 'draft', '{{}}'::jsonb, false, '',
        '', false, false, '', g.at, g.at
    FROM {src} AS g"""

EPIC_SQL = f"""
    CREATE TEMP TABLE seed_epic ON COMMIT DROP AS
    SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS gid, 'Epic ' || i AS title,
        %(start)s::timestamptz + make_interval(secs => i * %(step)s) AS at, random() AS r,
        {FIB} AS bv, {FIB} AS tc, {FIB} AS rr, {FIB} AS js
    FROM generate_series(1, %(n)s) AS i;
    {GOVERNANCE_SQL.format(kind="epic", src="seed_epic")};
    INSERT INTO portfolio_epic (
        id, portfolio_id, governance_id, title, description, state, outcome, state_changed_at,
        hypothesis, business_outcomes, leading_indicators, mvp_definition,
        business_value, time_criticality, risk_reduction, job_size, created_at, updated_at)
    SELECT e.id, %(portfolio)s, e.gid, e.title, '', s.state, CASE WHEN s.state = 'done' THEN 'completed' ELSE '' END,
        e.at, '', '', '', '', e.bv, e.tc, e.rr, e.js, e.at, e.at
    FROM seed_epic AS e
    CROSS JOIN LATERAL (SELECT CASE
        WHEN e.r < 0.30 THEN 'funnel' WHEN e.r < 0.35 THEN 'reviewing' WHEN e.r < 0.40 THEN 'analyzing'
        WHEN e.r < 0.70 THEN 'ready' WHEN e.r < 0.80 THEN 'implementing_mvp'
        WHEN e.r < 0.90 THEN 'implementing_persevere' ELSE 'done' END AS state) AS s;
"""  # noqa: S608 - built from the constants above, never from input

FEATURE_SQL = f"""
    CREATE TEMP TABLE seed_feature ON COMMIT DROP AS
    SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS gid, 'Feature ' || i AS title,
        %(start)s::timestamptz + make_interval(secs => i * %(step)s) AS at, random() AS r,
        CASE WHEN random() < 0.02 THEN NULL ELSE 1 + (i - 1) %% %(epics)s END AS epic_i,
        CASE WHEN random() < 0.5 THEN NULL ELSE 1 + (i - 1) %% %(teams)s END AS team_i,
        {FIB} AS bv, {FIB} AS tc, {FIB} AS rr, {FIB} AS js,
        (ARRAY['business','business','business','enabler','compliance','tech_debt'])[1 + floor(random() * 6)::int]
            AS work_type
    FROM generate_series(1, %(n)s) AS i;
    CREATE UNIQUE INDEX ON seed_feature (i);
    ANALYZE seed_feature;
    {GOVERNANCE_SQL.format(kind="feature", src="seed_feature")};
    INSERT INTO backlog_feature (
        id, portfolio_id, governance_id, epic_id, team_id, title, description, state, work_type,
        business_value, time_criticality, risk_reduction, job_size, created_at, updated_at, started_at, done_at)
    SELECT f.id, %(portfolio)s, f.gid, e.id, (%(team_ids)s::uuid[])[f.team_i], f.title, '', s.state, f.work_type,
        f.bv, f.tc, f.rr, f.js, f.at, f.at,
        CASE WHEN s.state IN ('implementing', 'validating', 'done') THEN f.at + interval '7 days' END,
        CASE WHEN s.state = 'done' THEN f.at + interval '30 days' END
    FROM seed_feature AS f
    LEFT JOIN seed_epic AS e ON e.i = f.epic_i
    CROSS JOIN LATERAL (SELECT CASE
        WHEN f.r < 0.20 THEN 'funnel' WHEN f.r < 0.30 THEN 'analyzing' WHEN f.r < 0.65 THEN 'backlog'
        WHEN f.r < 0.85 THEN 'implementing' WHEN f.r < 0.95 THEN 'validating' ELSE 'done' END AS state) AS s;
"""  # noqa: S608 - built from the constants above, never from input

# One chunk of stories: %(first)s .. %(last)s. Stories are spread evenly over the features.
STORY_SQL = f"""
    CREATE TEMP TABLE seed_story ON COMMIT DROP AS
    SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS gid, 'Story ' || i AS title,
        %(start)s::timestamptz + make_interval(secs => i * %(step)s) AS at, random() AS r,
        1 + (i - 1) %% %(features)s AS feature_i,
        CASE WHEN random() < 0.05 THEN NULL ELSE 1 + floor(random() * %(teams)s)::int END AS team_i,
        {FIB} AS bv, {FIB} AS tc, {FIB} AS rr, {FIB} AS js,
        (ARRAY[0,1,2,3,5,8,13,20,40,100])[1 + floor(random() * 10)::int] AS points,
        (ARRAY['business','business','business','business','enabler','compliance','tech_debt','defect'])
            [1 + floor(random() * 8)::int] AS work_type
    FROM generate_series(%(first)s, %(last)s) AS i;
    {GOVERNANCE_SQL.format(kind="story", src="seed_story")};
    INSERT INTO backlog_story (
        id, portfolio_id, governance_id, feature_id, team_id, title, acceptance_criteria, points, state, work_type,
        business_value, time_criticality, risk_reduction, job_size, created_at, updated_at, started_at, done_at)
    SELECT s.id, %(portfolio)s, s.gid, f.id, (%(team_ids)s::uuid[])[s.team_i], s.title, '', s.points, st.state,
        s.work_type, s.bv, s.tc, s.rr, s.js, s.at, s.at,
        CASE WHEN st.state <> 'todo' THEN s.at + interval '2 days' END,
        CASE WHEN st.state = 'done' THEN s.at + interval '6 days' END
    FROM seed_story AS s
    JOIN seed_feature AS f ON f.i = s.feature_i
    CROSS JOIN LATERAL (SELECT CASE
        WHEN s.r < 0.70 THEN 'todo' WHEN s.r < 0.85 THEN 'in_progress' ELSE 'done' END AS state) AS st;
    DROP TABLE seed_story;
"""  # noqa: S608 - built from the constants above, never from input


class Command(BaseCommand):
    help = "Bulk-load a large, unranked portfolio for benchmarks (default 10k epics, 100k features, 1M stories)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epics", type=int, default=10_000)
        parser.add_argument("--features", type=int, default=100_000)
        parser.add_argument("--stories", type=int, default=1_000_000)
        parser.add_argument("--teams", type=int, default=50)
        parser.add_argument("--slug", default="large", help="slug of the new portfolio (must be free)")
        parser.add_argument("--username", default="bench-admin", help="admin of the portfolio (created if missing)")
        parser.add_argument("--seed", type=float, default=0.42, help="random seed in [-1, 1]")
        parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE at the end")

    def handle(self, *args: Any, **options: Any) -> None:
        epics, features, stories, teams = (options[k] for k in ("epics", "features", "stories", "teams"))
        if epics < 1 or features < 1 or stories < 0 or teams < 1:
            raise CommandError("Give at least one epic, one feature and one team.")
        if not -1 <= options["seed"] <= 1:
            raise CommandError("--seed must be between -1 and 1.")
        slug = options["slug"]
        if Portfolio.objects.filter(slug=slug).exists():
            raise CommandError(f"A portfolio with slug {slug!r} already exists.")
        started = time.monotonic()
        self._mark = started

        user, created = get_user_model().objects.get_or_create(
            username=options["username"], defaults={"email": f"{options['username']}@example.test"}
        )
        if created:  # no password: set one with `manage.py changepassword` to sign in
            user.set_unusable_password()
            user.save(update_fields=["password"])
        portfolio = portfolio_create(actor=user, name=f"Benchmark {slug}", slug=slug)
        team_ids = [str(team_create(actor=user, portfolio=portfolio, name=f"Team {n:02d}").id) for n in range(teams)]
        self._step("portfolio, admin and teams")

        # Creation times spread over the last year, strictly increasing within each kind.
        start = timezone.now() - dt.timedelta(days=365)
        params: dict[str, Any] = {
            "portfolio": str(portfolio.id),
            "start": start,
            "team_ids": team_ids,
            "epics": epics,
            "features": features,
            "teams": teams,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            # Check foreign keys per statement: the deferred-trigger queue stays one chunk long.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT setseed(%s)", [options["seed"]])
            cursor.execute(EPIC_SQL, {**params, "n": epics, "step": 365 * 86400 / epics})
            self._step(f"{epics:,} epics")
            cursor.execute(FEATURE_SQL, {**params, "n": features, "step": 365 * 86400 / features})
            self._step(f"{features:,} features")
            for first in range(1, stories + 1, STORY_CHUNK):
                last = min(first + STORY_CHUNK - 1, stories)
                cursor.execute(
                    STORY_SQL,
                    {**params, "first": first, "last": last, "step": 365 * 86400 / max(stories, 1)},
                )
            self._step(f"{stories:,} stories")
            recompute_request(portfolio_id=portfolio.id, reason="bulk seed")
        self._step("commit")
        if not options["no_vacuum"]:
            with connection.cursor() as cursor:
                for table in BULK_TABLES:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
            self._step("vacuum analyze")
        self.stdout.write(
            self.style.SUCCESS(
                f"Portfolio {slug!r} ({portfolio.id}): {epics:,} epics, {features:,} features, {stories:,} stories, "
                f"{teams} teams, admin {user.get_username()!r}; {time.monotonic() - started:.1f}s in all."
            )
        )

    def _step(self, label: str) -> None:
        now = time.monotonic()
        self.stdout.write(f"  {label}: {now - self._mark:.1f}s")
        self._mark = now
