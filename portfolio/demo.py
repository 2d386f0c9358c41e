"""Build the demo portfolios through the services, as real users would (``manage.py load_demo``).

Every domain row is written by its service, so audit events, governance records, Kanban
transitions and recompute requests are the real ones, and every move passes the real gates
and WIP limits. Only afterwards, and only for the demo, one bulk UPDATE per table backdates
timestamps so flow metrics, check-in history and iterations look like months of work
(see ``_backdate``). The audit trail is append-only and keeps the real load time.

Idempotent: a portfolio whose slug exists is left alone, so a second run writes nothing.
This module sits in ``portfolio`` but, like any interface, writes the other apps through their
services (DESIGN §2); only the management command and the tests import it. It runs past the
~400-line guideline on purpose: one top-to-bottom script reads better than a package of fragments.
The content lives in ``portfolio.demo_data``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from backlog.models import Feature, FeatureState, Iteration, Story, StoryState, Team
from backlog.ranking import wsjf_recompute_portfolio
from backlog.services import feature_create, iteration_create, story_create, team_create
from common.errors import ValidationFailed
from governance.models import Approval, AuditEvent, Decision, Gate, GovernanceRecord, Requirement
from governance.services import approval_record, governance_record_update
from okrs.models import CheckIn, KeyResult, Objective
from okrs.services import key_result_check_in, key_result_create, objective_create
from portfolio import demo_data as data
from portfolio.models import Epic, EpicState, EpicTransition, Portfolio, WipPolicy
from portfolio.services import (
    epic_create,
    epic_move,
    membership_set,
    portfolio_create,
    theme_create,
    value_stream_create,
)

FIB = (1, 2, 3, 5, 8, 13, 20)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)  # slugs built by this run
    skipped: list[str] = field(default_factory=list)  # slugs already present
    existing_users: list[str] = field(default_factory=list)  # demo logins that existed (password untouched)
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Clock:
    now: dt.datetime
    today: dt.date

    def at(self, day: dt.date, hour: float = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone()) + hour * HOUR

    def ago(self, days: float) -> dt.datetime:
        return self.now - days * DAY


# --- entry point ---------------------------------------------------------------------------------


def demo_load(*, now: dt.datetime | None = None, seed: int = 2026) -> DemoReport:
    """Create the Northwind and Contoso demo portfolios unless they exist; rank them; report counts."""
    now = now or timezone.now()
    clock = _Clock(now=now, today=timezone.localdate(now))
    rng = random.Random(seed)
    report = DemoReport()
    with transaction.atomic():
        users = _users(report)
        if Portfolio.objects.filter(slug=data.NORTHWIND_SLUG).exists():
            report.skipped.append(data.NORTHWIND_SLUG)
        else:
            _northwind(users, clock, rng)
            report.created.append(data.NORTHWIND_SLUG)
        if Portfolio.objects.filter(slug=data.CONTOSO_SLUG).exists():
            report.skipped.append(data.CONTOSO_SLUG)
        else:
            _contoso(users, clock)
            report.created.append(data.CONTOSO_SLUG)
    # Ranks right away, rather than when the worker gets to the recompute requests written above.
    for slug in report.created:
        wsjf_recompute_portfolio(portfolio_id=Portfolio.objects.get(slug=slug).id, force=True)
    for slug in (data.NORTHWIND_SLUG, data.CONTOSO_SLUG):
        report.counts[slug] = demo_counts(Portfolio.objects.get(slug=slug))
    return report


def demo_counts(portfolio: Portfolio) -> dict[str, Any]:
    """What a portfolio holds, for the command's summary and the tests."""
    pid = portfolio.id
    return {
        "name": portfolio.name,
        "members": portfolio.memberships.count(),
        "objectives": Objective.objects.filter(portfolio_id=pid).count(),
        "key_results": KeyResult.objects.filter(portfolio_id=pid).count(),
        "check_ins": CheckIn.objects.filter(portfolio_id=pid).count(),
        "epics": dict(Counter(Epic.objects.filter(portfolio_id=pid).values_list("state", flat=True))),
        "features": Feature.objects.filter(portfolio_id=pid).count(),
        "stories": dict(Counter(Story.objects.filter(portfolio_id=pid).values_list("state", flat=True))),
        "teams": Team.objects.filter(portfolio_id=pid).count(),
        "iterations": Iteration.objects.filter(portfolio_id=pid).count(),
        "governance_records": GovernanceRecord.objects.filter(portfolio_id=pid).count(),
        "approvals": Approval.objects.filter(portfolio_id=pid).count(),
        "audit_events": AuditEvent.objects.filter(portfolio_id=pid).count(),
    }


def _users(report: DemoReport) -> dict[str, Any]:
    """The demo logins. A user that already exists keeps its password and flags (reported)."""
    user_model = get_user_model()
    users = {}
    for username, (_role, full_name, _about) in data.USERS.items():
        user = user_model.objects.filter(username=username).first()
        if user is None:
            first, last = full_name.split(" ", 1)
            make = user_model.objects.create_superuser if username == "admin" else user_model.objects.create_user
            user = make(
                username=username,
                email=f"{username}@demo.lodestar.example",
                password=data.DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
        else:
            report.existing_users.append(username)
        users[username] = user
    return users


# --- Northwind Bank ------------------------------------------------------------------------------


def _northwind(users: dict[str, Any], clock: _Clock, rng: random.Random) -> None:
    admin, cpo, po = users["admin"], users["cpo"], users["po"]
    portfolio = portfolio_create(
        actor=admin,
        name="Northwind Bank — Digital Onboarding",
        slug=data.NORTHWIND_SLUG,
        description=(
            "Retail and SME onboarding and consumer lending for Northwind Bank's digital channels: identity, "
            "KYC and AML, e-signature, open banking and credit decisioning."
        ),
        wip_policy=WipPolicy.HARD,
        wip_limit_reviewing=3,
        wip_limit_analyzing=3,
        wip_limit_implementing=4,
        risk_appetite=Decimal(250_000),
        epic_threshold=Decimal(500_000),
    )
    for username, (role, _name, _about) in data.USERS.items():
        if role and username != "admin":
            membership_set(actor=admin, portfolio=portfolio, user=users[username], role=role)
    streams = [
        value_stream_create(actor=cpo, portfolio=portfolio, name=n, description=d) for n, d in data.VALUE_STREAMS
    ]
    themes = [theme_create(actor=cpo, portfolio=portfolio, name=n, description=d) for n, d in data.THEMES]
    teams = {key: team_create(actor=po, portfolio=portfolio, name=name) for key, name in data.TEAMS.items()}
    iterations = _iterations(po, portfolio, clock)
    history = _History()
    key_results = _okrs(cpo, po, portfolio, clock, history)
    requirements = {(r.framework.code, r.ref_id): r for r in Requirement.objects.select_related("framework")}
    missing = {ref for spec in (*data.EPICS, *data.FEATURES) if spec.gov for ref in spec.gov.requirements}
    if missing - set(requirements):
        raise ValidationFailed("The framework catalogue is missing: run `manage.py load_frameworks` first.")
    epics = {
        spec.key: _epic(spec, users, portfolio, streams, themes, key_results, requirements, clock, history)
        for spec in _kanban_order(data.EPICS)
    }
    for spec in data.FEATURES:
        _feature(spec, users, portfolio, epics, teams, iterations, requirements, clock, rng, history)
    history.write()


def _iterations(actor: Any, portfolio: Portfolio, clock: _Clock) -> dict[int, Iteration]:
    """Six two-week iterations: three past, the current one (day 6 today), two ahead. Keyed -3…2."""
    current_start = clock.today - dt.timedelta(days=5)
    out = {}
    for k in range(-3, 3):
        start = current_start + dt.timedelta(days=14 * k)
        iso = start.isocalendar()
        out[k] = iteration_create(
            actor=actor,
            portfolio=portfolio,
            name=f"Sprint {iso.year % 100}.{(iso.week + 1) // 2:02d}",
            start_date=start,
            end_date=start + dt.timedelta(days=13),
        )
    return out


def _quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = dt.date(today.year, first_month, 1)
    end = dt.date(today.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1) - dt.timedelta(1)
    return start, end


def _okrs(cpo: Any, po: Any, portfolio: Portfolio, clock: _Clock, history: _History) -> dict[str, KeyResult]:
    start, end = _quarter(clock.today)
    # Check-ins are dated "days ago"; squeeze them into the quarter so far if it is young.
    elapsed = (clock.today - start).days
    squeeze = min(1.0, max(0.0, (elapsed - 1) / 46))
    created_at = clock.ago(47 * squeeze + 1)
    out: dict[str, KeyResult] = {}
    for spec in data.OBJECTIVES:
        objective = objective_create(
            actor=cpo,
            portfolio=portfolio,
            title=spec.title,
            description=spec.description,
            period_start=start,
            period_end=end,
            owner=cpo,
        )
        history.created[Objective][objective.pk] = created_at
        for kr_spec in spec.key_results:
            kr = key_result_create(
                actor=cpo,
                objective=objective,
                title=kr_spec.title,
                kind=kr_spec.kind,
                start_value=Decimal(str(kr_spec.start)),
                target_value=Decimal(str(kr_spec.target)),
                unit=kr_spec.unit,
            )
            history.created[KeyResult][kr.pk] = created_at
            for i, (value, confidence, note, days) in enumerate(kr_spec.check_ins):
                check_in = key_result_check_in(
                    actor=po if i % 2 == 0 else cpo,
                    key_result=kr,
                    value=Decimal(str(value)),
                    confidence=Decimal(str(confidence)),
                    note=note,
                )
                history.check_ins[check_in.pk] = clock.ago(days * squeeze) - 3 * HOUR
            out[kr_spec.key] = kr
    return out


def _kanban_order(specs: tuple[data.EpicSpec, ...]) -> list[data.EpicSpec]:
    """Oldest first, as they really arrived; WIP limits then hold at every step."""
    return sorted(specs, key=lambda s: -s.days_ago[0])


def _gov_data(
    gov: data.GovSpec, reviewer: Any, requirements: dict[tuple[str, str], Requirement], clock: _Clock
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "status": gov.status,
        "uses_ai": gov.uses_ai,
        "ai_act_tier": gov.ai_act_tier,
        "explainability": gov.explainability,
        "bias_review_done": gov.bias_review_done,
        "model_validated": gov.model_validated,
        "notes": gov.notes,
        "fair_inputs": gov.fair_inputs,
        "reviewer": reviewer,
        "review_due": clock.today + dt.timedelta(days=gov.review_due_days),
        "requirements": [requirements[ref] for ref in gov.requirements],
    }
    if gov.inherent:
        values["inherent_likelihood"], values["inherent_impact"] = gov.inherent
    if gov.residual:
        values["residual_likelihood"], values["residual_impact"] = gov.residual
    return values


def _epic(
    spec: data.EpicSpec,
    users: dict[str, Any],
    portfolio: Portfolio,
    streams: list[Any],
    themes: list[Any],
    key_results: dict[str, KeyResult],
    requirements: dict[tuple[str, str], Requirement],
    clock: _Clock,
    history: _History,
) -> Epic:
    cpo, compliance = users["cpo"], users["compliance"]
    business_case = {
        name: getattr(spec, name)
        for name in ("hypothesis", "business_outcomes", "leading_indicators", "mvp_definition")
        if getattr(spec, name)
    }
    for name in ("cost_estimate", "budget"):
        if getattr(spec, name) is not None:
            business_case[name] = Decimal(getattr(spec, name))
    bv, tc, rr, size = spec.wsjf
    epic = epic_create(
        actor=users["po"],
        portfolio=portfolio,
        title=spec.title,
        business_value=bv,
        time_criticality=tc,
        risk_reduction=rr,
        job_size=size,
        key_results=[key_results[k] for k in spec.key_results],
        themes=[themes[i] for i in spec.themes],
        value_stream=streams[spec.stream],
        owner=users["po"] if spec.stream != 1 else cpo,
        **business_case,
    )
    if spec.gov:
        governance_record_update(
            actor=compliance, record=epic.governance, data=_gov_data(spec.gov, compliance, requirements, clock)
        )
    when = [clock.ago(days) + 2 * HOUR for days in spec.days_ago]
    for step, to_state in enumerate(spec.path, start=1):
        if to_state == EpicState.READY:
            approval = approval_record(
                actor=cpo,
                record=epic.governance,
                gate=Gate.BUSINESS_CASE,
                decision=Decision.GO,
                rationale="Lean business case reviewed at the portfolio sync: MVP, estimate and indicators agreed.",
            )
            history.approvals[approval.pk] = when[step] - 4 * HOUR
        if to_state == EpicState.IMPLEMENTING_MVP:
            if spec.gov and spec.gov.uses_ai:
                approval = approval_record(
                    actor=compliance,
                    record=epic.governance,
                    gate=Gate.COMPLIANCE,
                    decision=Decision.GO,
                    rationale=_compliance_rationale(spec),
                )
                history.approvals[approval.pk] = when[step] - 2 * DAY
            approval = approval_record(
                actor=cpo,
                record=epic.governance,
                gate=Gate.GO_NO_GO,
                decision=Decision.GO,
                rationale="Go: capacity agreed with the teams at PI planning; MVP scope as in the business case.",
            )
            history.approvals[approval.pk] = when[step] - 1 * DAY
        if to_state == EpicState.DONE and spec.outcome == "no_go":
            approval = approval_record(
                actor=cpo,
                record=epic.governance,
                gate=Gate.GO_NO_GO,
                decision=Decision.NO_GO,
                rationale=spec.no_go_rationale,
            )
            history.approvals[approval.pk] = when[step] - 2 * HOUR
        epic_move(actor=cpo, epic=epic, to_state=to_state, outcome=spec.outcome if to_state == EpicState.DONE else "")
    history.epics[epic.pk] = when
    epic.refresh_from_db(fields=["state", "outcome", "state_changed_at"])  # epic_move worked on its own copy
    return epic


def _compliance_rationale(spec: data.EpicSpec) -> str:
    if spec.gov and spec.gov.ai_act_tier == "high":
        return (
            "Approved for the MVP: shadow mode, then live for loans under €15,000 with a credit officer able to "
            "override. Risk management file, bias review and logging in place; independent model validation "
            "must close before the review date."
        )
    return "Approved: outside the Annex III high-risk list; GDPR Art. 9 consent and a non-biometric path in place."


# --- features and stories ------------------------------------------------------------------------

_STARTED = {FeatureState.IMPLEMENTING, FeatureState.VALIDATING, FeatureState.DONE}


def _jitter(value: int, rng: random.Random) -> int:
    i = FIB.index(value) + rng.choice((-1, 0, 0, 1))
    return FIB[min(len(FIB) - 1, max(0, i))]


def _job_size(points: int | None) -> int:
    if points is None:
        return 5
    return next((f for f in FIB if f >= points), 20) if points else 1


def _points(feature_state: str, rng: random.Random) -> int | None:
    if feature_state == FeatureState.FUNNEL:  # not refined yet: big, or not estimated at all
        return rng.choice((None, 13, 20, 20, 40, 100))
    if feature_state == FeatureState.ANALYZING:
        return rng.choice((None, 0, 5, 8, 13, 20))
    return rng.choice((1, 2, 2, 3, 3, 3, 5, 5, 5, 8, 8, 13))


def _story_plan(spec: data.FeatureSpec, epic_state: str | None) -> list[tuple[str, int | None]]:
    """(state, iteration key or None) for each story of the feature, true to the feature's state."""
    n = len(spec.stories)
    first, last = spec.window

    def done_in(i: int, count: int, last: int = last) -> int:
        return first + (i * (last - first + 1)) // max(count, 1)

    if spec.state == FeatureState.DONE:
        return [(StoryState.DONE, done_in(i, n)) for i in range(n)]
    if spec.state == FeatureState.VALIDATING:
        return [(StoryState.DONE, done_in(i, n - 1)) for i in range(n - 1)] + [(StoryState.IN_PROGRESS, 0)]
    if spec.state == FeatureState.IMPLEMENTING:
        n_done, n_doing = round(n * 0.4), max(1, round(n * 0.3))
        plan = [(StoryState.DONE, done_in(i, n_done, 0)) for i in range(n_done)]
        plan += [(StoryState.IN_PROGRESS, 0)] * n_doing
        rest = n - len(plan)
        return plan + [(StoryState.TODO, 0 if i < rest / 2 else 1) for i in range(rest)]
    if spec.state == FeatureState.BACKLOG and epic_state != EpicState.READY:
        return [(StoryState.TODO, 1 if i < 2 else 2 if i < 4 else None) for i in range(n)]
    return [(StoryState.TODO, None)] * n


def _feature(
    spec: data.FeatureSpec,
    users: dict[str, Any],
    portfolio: Portfolio,
    epics: dict[str, Epic],
    teams: dict[str, Team],
    iterations: dict[int, Iteration],
    requirements: dict[tuple[str, str], Requirement],
    clock: _Clock,
    rng: random.Random,
    history: _History,
) -> None:
    po = users["po"]
    epic = epics[spec.epic] if spec.epic else None
    bv, tc, rr, size = spec.wsjf
    feature = feature_create(
        actor=po,
        portfolio=portfolio,
        title=spec.title,
        epic=epic,
        team=teams[spec.team],
        state=spec.state,
        work_type=spec.work_type,
        business_value=bv,
        time_criticality=tc,
        risk_reduction=rr,
        job_size=size,
    )
    if spec.gov:
        governance_record_update(
            actor=users["compliance"],
            record=feature.governance,
            data=_gov_data(spec.gov, users["compliance"], requirements, clock),
        )
    # Nothing in the demo predates its epic; unaligned work is at most two months old.
    floor = history.epics[epic.pk][0] + DAY if epic else clock.ago(60)
    stamps: list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]] = []
    for i, (entry, (state, iteration_key)) in enumerate(
        zip(spec.stories, _story_plan(spec, epic.state if epic else None), strict=True)
    ):
        title, work_type = (entry, spec.work_type) if isinstance(entry, str) else entry
        points = 0 if title.startswith(data.ZERO_POINT_PREFIXES) else _points(spec.state, rng)
        iteration = iterations[iteration_key] if iteration_key is not None else None
        story = story_create(
            actor=po,
            feature=feature,
            title=title,
            team=teams[spec.team],
            iteration=iteration,
            points=points,
            state=state,
            work_type=work_type,
            acceptance_criteria=data.ACCEPTANCE[i % len(data.ACCEPTANCE)],
            business_value=_jitter(bv, rng),
            time_criticality=_jitter(tc, rng),
            risk_reduction=_jitter(rr, rng),
            job_size=_job_size(points),
        )
        stamp = _story_times(state, iteration, floor, clock, rng)
        history.stories[story.pk] = stamp
        stamps.append(stamp)
    created = max(min(s[0] for s in stamps) - rng.uniform(1, 6) * DAY, floor - DAY / 2)
    started = min((s[1] for s in stamps if s[1]), default=None) if spec.state in _STARTED else None
    done = None
    if spec.state == FeatureState.DONE:
        done = min(max(s[2] for s in stamps if s[2]) + rng.uniform(1, 20) * HOUR, clock.now)
    history.features[feature.pk] = (created, started, done)


def _story_times(
    state: str, iteration: Iteration | None, floor: dt.datetime, clock: _Clock, rng: random.Random
) -> tuple[dt.datetime, dt.datetime | None, dt.datetime | None]:
    """created ≤ started ≤ done, inside the story's iteration and never in the future."""
    if state == StoryState.TODO or iteration is None:
        created = max(clock.ago(rng.uniform(1, 35)), floor)
        return min(created, clock.now), None, None
    begin = clock.at(iteration.start_date)
    end = min(clock.at(iteration.end_date, 18), clock.now - HOUR)
    if state == StoryState.IN_PROGRESS:
        started = begin + (clock.now - begin) * rng.uniform(0.1, 0.9)
        done = None
    else:
        started = begin + (end - begin) * rng.uniform(0, 0.6)
        done = started + (end - started) * rng.uniform(0.2, 0.9)
    created = min(max(started - rng.uniform(2, 25) * DAY, floor), started)
    return created, started, done


# --- demo history --------------------------------------------------------------------------------


@dataclass
class _History:
    """Timestamps the demo backdates after the services have written the rows."""

    created: dict[type, dict[Any, dt.datetime]] = field(default_factory=lambda: {Objective: {}, KeyResult: {}})
    check_ins: dict[Any, dt.datetime] = field(default_factory=dict)
    approvals: dict[Any, dt.datetime] = field(default_factory=dict)
    epics: dict[Any, list[dt.datetime]] = field(default_factory=dict)  # created, then one per move
    features: dict[Any, tuple[dt.datetime, dt.datetime | None, dt.datetime | None]] = field(default_factory=dict)
    stories: dict[Any, tuple[dt.datetime, dt.datetime | None, dt.datetime | None]] = field(default_factory=dict)

    def write(self) -> None:
        """DEMO HISTORY ONLY: backdate rows the services stamped "now", one bulk UPDATE per table.

        Real edits never do this; the demo does it so lead times, flow metrics, iteration burn-ups
        and KR trends have something to show on first start. Audit events keep the real time.
        """
        for model, stamps in self.created.items():
            rows = list(model.objects.filter(pk__in=stamps))
            for row in rows:
                row.created_at = stamps[row.pk]
            model.objects.bulk_update(rows, ["created_at"])
        check_ins = list(CheckIn.objects.filter(pk__in=self.check_ins))
        for check_in in check_ins:
            check_in.at = self.check_ins[check_in.pk]
        CheckIn.objects.bulk_update(check_ins, ["at"])
        approvals = list(Approval.objects.filter(pk__in=self.approvals))
        for approval in approvals:
            approval.at = self.approvals[approval.pk]
        Approval.objects.bulk_update(approvals, ["at"])

        transitions = list(EpicTransition.objects.filter(epic_id__in=self.epics).order_by("epic_id", "id"))
        seen: Counter[Any] = Counter()
        for transition in transitions:
            transition.at = self.epics[transition.epic_id][seen[transition.epic_id]]
            seen[transition.epic_id] += 1
        EpicTransition.objects.bulk_update(transitions, ["at"])
        epics = list(Epic.objects.filter(pk__in=self.epics))
        for epic in epics:
            epic.created_at, epic.state_changed_at = self.epics[epic.pk][0], self.epics[epic.pk][-1]
        Epic.objects.bulk_update(epics, ["created_at", "state_changed_at"])

        for model, stamps in ((Feature, self.features), (Story, self.stories)):
            rows = list(model.objects.filter(pk__in=stamps))
            for row in rows:
                row.created_at, row.started_at, row.done_at = stamps[row.pk]
            model.objects.bulk_update(rows, ["created_at", "started_at", "done_at"], batch_size=500)


# --- Contoso Insurance (the outsider's portfolio) ------------------------------------------------


def _contoso(users: dict[str, Any], clock: _Clock) -> None:
    owner = users["outsider"]
    spec = data.CONTOSO
    portfolio = portfolio_create(
        actor=owner, name=spec["name"], slug=data.CONTOSO_SLUG, description=spec["description"]
    )
    stream = value_stream_create(
        actor=owner, portfolio=portfolio, name=spec["stream"][0], description=spec["stream"][1]
    )
    team = team_create(actor=owner, portfolio=portfolio, name=spec["team"])
    start = clock.today - dt.timedelta(days=3)
    iteration = iteration_create(
        actor=owner, portfolio=portfolio, name="Claims sprint 1", start_date=start, end_date=start + dt.timedelta(13)
    )
    quarter_start, quarter_end = _quarter(clock.today)
    key_results = []
    for title, (kr_title, kind, start_value, target, unit) in spec["objectives"]:
        objective = objective_create(
            actor=owner, portfolio=portfolio, title=title, period_start=quarter_start, period_end=quarter_end
        )
        key_results.append(
            key_result_create(
                actor=owner,
                objective=objective,
                title=kr_title,
                kind=kind,
                start_value=Decimal(start_value),
                target_value=Decimal(target),
                unit=unit,
            )
        )
    epics = []
    for title, (bv, tc, rr, size), kr_index in spec["epics"]:
        epics.append(
            epic_create(
                actor=owner,
                portfolio=portfolio,
                title=title,
                business_value=bv,
                time_criticality=tc,
                risk_reduction=rr,
                job_size=size,
                key_results=[key_results[kr_index]],
                value_stream=stream,
                hypothesis=f"{title} settles simple claims faster without raising leakage.",
            )
        )
    epic_move(actor=owner, epic=epics[0], to_state=EpicState.REVIEWING)
    for n, (title, epic_index, stories) in enumerate(spec["features"]):
        feature = feature_create(
            actor=owner,
            portfolio=portfolio,
            title=title,
            epic=epics[epic_index],
            team=team,
            state=FeatureState.BACKLOG,
            business_value=FIB[4 - n],
            time_criticality=FIB[2 + n],
            risk_reduction=3,
            job_size=5,
        )
        for i, story_title in enumerate(stories):
            story_create(
                actor=owner,
                feature=feature,
                title=story_title,
                team=team,
                iteration=iteration if i == 0 else None,
                points=FIB[1 + i + n],
                business_value=FIB[3 - i],
                time_criticality=3,
                risk_reduction=2,
                job_size=FIB[1 + i + n],
            )
