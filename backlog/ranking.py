"""The WSJF recompute: one transaction per portfolio, set-based SQL, idempotent and coalescing.

Each table is ranked by one ``UPDATE … FROM (SELECT row_number() OVER … per scope)`` statement
that writes only the rows whose ranks changed. The order is the one ``backlog.wsjf.rank_key`` defines:
score desc, Cost of Delay desc, job size asc, created_at asc, id asc. Done items leave the
backlog and lose their rank.

Coalescing: the run first claims every pending request of the portfolio (marks them processed).
A request row commits with its edit, so every claimed edit is visible to the ranking statements
that follow. A request that commits later stays pending and triggers the next run; a run that
finds nothing pending does nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from portfolio.models import Portfolio, RecomputeKind, RecomputeRequest, ScoringMode

# The ORDER BY of a rank, per scoring mode. {t} is the table alias.
_WSJF_ORDER = "{t}.wsjf DESC, {t}.cost_of_delay DESC, {t}.job_size ASC, {t}.created_at ASC, {t}.id ASC"
_CD3_ORDER = (
    "({t}.cod_per_week / NULLIF({t}.duration_weeks, 0)) DESC NULLS LAST, {t}.cod_per_week DESC NULLS LAST, "
    "{t}.duration_weeks ASC NULLS LAST, " + _WSJF_ORDER
)

# (table, rank column, PARTITION BY column or None, "done" test that removes an item from the backlog)
SCOPES: tuple[tuple[str, str, str | None, str], ...] = (
    ("portfolio_epic", "rank", None, "state = 'done'"),
    ("backlog_feature", "rank", None, "state = 'done'"),
    ("backlog_feature", "rank_in_epic", "epic_id", "state = 'done' OR epic_id IS NULL"),
    ("backlog_story", "rank_in_feature", "feature_id", "state = 'done'"),
    ("backlog_story", "rank_in_team", "team_id", "state = 'done' OR team_id IS NULL"),
)


def rank_statements(mode: str) -> list[str]:
    """The SQL of a full recompute: one UPDATE per table, each taking the portfolio id once.

    All of a table's ranks come from one statement (several window functions over one scan), so
    each row gets at most one new version per run. Updating a row twice in one transaction makes
    PostgreSQL queue its deferred foreign-key checks again, which cost more than the ranking itself
    on a million stories (docs/benchmarks.md).
    """
    order = (_CD3_ORDER if mode == ScoringMode.CD3 else _WSJF_ORDER).format(t="s")
    by_table: dict[str, list[tuple[str, str | None, str]]] = {}
    for table, column, partition, done in SCOPES:
        by_table.setdefault(table, []).append((column, partition, done))
    statements = []
    for table, scopes in by_table.items():
        # Partitioning by the "done" test numbers the backlog items among themselves; done ones get NULL.
        ranks = ", ".join(
            f"CASE WHEN NOT ({done}) THEN row_number() OVER (PARTITION BY ({done})"
            f"{f', s.{partition}' if partition else ''} ORDER BY {order}) END AS {column}"
            for column, partition, done in scopes
        )
        assignments = ", ".join(f"{column} = r.{column}" for column, _, _ in scopes)
        changed = " OR ".join(f"t.{column} IS DISTINCT FROM r.{column}" for column, _, _ in scopes)
        # Identifiers come from the SCOPES constant above, never from input.
        statements.append(
            f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
            f"FROM (SELECT s.id, {ranks} FROM {table} AS s WHERE s.portfolio_id = %s) AS r "
            f"WHERE t.id = r.id AND ({changed})"
        )
    return statements


@dataclass(frozen=True)
class RecomputeResult:
    portfolio_id: uuid.UUID
    claimed: int
    rows_written: int
    ran: bool


def wsjf_recompute_portfolio(*, portfolio_id: uuid.UUID, force: bool = False) -> RecomputeResult:
    """Rank every scope of one portfolio in one transaction. Safe to run twice; cheap when nothing is pending."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One recompute per portfolio at a time; edits and Kanban moves are not blocked.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('lodestar.wsjf'), hashtext(%s))", [str(portfolio_id)])
        claimed = RecomputeRequest.objects.filter(
            portfolio_id=portfolio_id,
            kind=RecomputeKind.WSJF,
            processed_at__isnull=True,
        ).update(processed_at=timezone.now())
        if not claimed and not force:
            return RecomputeResult(portfolio_id, 0, 0, ran=False)
        mode = Portfolio.objects.filter(pk=portfolio_id).values_list("scoring_mode", flat=True).first()
        if mode is None:  # the portfolio was deleted meanwhile
            return RecomputeResult(portfolio_id, claimed, 0, ran=False)
        written = 0
        with connection.cursor() as cursor:
            for sql in rank_statements(mode):
                cursor.execute(sql, [portfolio_id])
                written += cursor.rowcount
        Portfolio.objects.filter(pk=portfolio_id).update(scores_computed_at=timezone.now())
    return RecomputeResult(portfolio_id, claimed, written, ran=True)
