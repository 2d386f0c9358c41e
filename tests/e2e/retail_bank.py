"""A realistic slice of a retail bank's portfolio, for the browser tests and the screenshots.

Built through the services, like everything in tests (see tests/builders.py), then ranked once by
the same recompute the worker runs, so the page shows real ranks and a real "as of" time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from backlog.ranking import wsjf_recompute_portfolio
from backlog.services import team_create
from okrs.models import KRKind
from portfolio.models import EpicOutcome, Portfolio
from portfolio.services import epic_move
from tests import builders as b

Q1 = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 3, 31)}
Q2 = {"period_start": dt.date(2026, 4, 1), "period_end": dt.date(2026, 6, 30)}
DEC = KRKind.DECREASE_TO


def wsjf(value: int, criticality: int, risk: int, size: int) -> dict[str, int]:
    return {"business_value": value, "time_criticality": criticality, "risk_reduction": risk, "job_size": size}


# objective title, period, key results: (title, kind, start, target, current, unit, confidence)
OBJECTIVES = [
    (
        "Make everyday banking effortless on mobile",
        Q2,
        [
            ("Raise mobile app NPS", KRKind.INCREASE_TO, 22, 45, 39, "points", "0.75"),
            ("Cut account-opening time", DEC, 18, 6, 11, "minutes", "0.60"),
            ("Share of payments settled instantly", KRKind.INCREASE_TO, 35, 80, 71, "%", "0.80"),
        ],
    ),
    (
        "Reduce fraud losses without adding friction",
        Q2,
        [
            ("Card fraud losses per quarter", DEC, "2.4", "1.5", "2.1", "£m", "0.45"),
            ("False-positive fraud alerts", DEC, 12, 4, 9, "%", "0.50"),
        ],
    ),
    (
        "Meet DORA operational-resilience obligations",
        Q1,
        [
            ("Critical services with tested recovery plans", KRKind.INCREASE_TO, 0, 24, 6, "services", "0.35"),
            ("ICT third-party register complete", KRKind.MILESTONE, 0, 1, 0, "", "0.70"),
        ],
    ),
]

# epic title, key results it moves, Kanban path, WSJF, features:
#   (title, team, state, work type, WSJF, stories, how many of them are done)
EPICS: list[tuple[str, list[str], list[str], dict[str, int], list[tuple[Any, ...]]]] = [
    (
        "Digital onboarding with document verification",
        ["Cut account-opening time", "Raise mobile app NPS"],
        ["reviewing", "analyzing"],
        wsjf(20, 13, 8, 8),
        [
            (
                "Passport and driving-licence scan",
                "Onboarding",
                "implementing",
                "business",
                wsjf(13, 8, 5, 5),
                ["Capture ID document with the camera", "Liveness check", "Manual review queue"],
                1,
            ),
            (
                "Pre-filled application from open banking",
                "Onboarding",
                "backlog",
                "business",
                wsjf(8, 5, 3, 8),
                ["Consent screen", "Map account data to the application"],
                0,
            ),
        ],
    ),
    (
        "Instant payments on the new payment hub",
        ["Share of payments settled instantly"],
        ["reviewing"],
        wsjf(13, 20, 5, 13),
        [
            (
                "Request to pay",
                "Payments Squad",
                "validating",
                "business",
                wsjf(13, 13, 3, 5),
                ["Send a payment request", "Pay a request from a notification", "Decline a request", "Expiry rules"],
                3,
            ),
            (
                "Confirmation of payee",
                "Payments Squad",
                "done",
                "compliance",
                wsjf(8, 20, 13, 3),
                ["Name check before the first payment", "Close-match warning"],
                2,
            ),
        ],
    ),
    (
        "Redesigned mobile home screen",
        ["Raise mobile app NPS"],
        [],
        wsjf(8, 3, 2, 8),
        [
            (
                "Spending insights card",
                "Mobile App",
                "analyzing",
                "business",
                wsjf(5, 3, 2, 5),
                ["Categorise card transactions", "Monthly summary"],
                0,
            ),
        ],
    ),
    (
        "Real-time card fraud scoring model",
        ["Card fraud losses per quarter", "False-positive fraud alerts"],
        ["reviewing", "analyzing"],
        wsjf(20, 13, 20, 13),
        [
            (
                "Stream card authorisations to the scoring service",
                "Risk Engineering",
                "implementing",
                "enabler",
                wsjf(13, 13, 13, 8),
                ["Kafka topic for authorisations", "Scoring latency under 50 ms", "Fallback rules for model outages"],
                2,
            ),
            (
                "Explainable alerts for analysts",
                "Risk Engineering",
                "funnel",
                "business",
                wsjf(5, 5, 8, 5),
                ["Top reasons on each alert"],
                0,
            ),
        ],
    ),
    (
        "DORA resilience testing programme",
        ["Critical services with tested recovery plans", "ICT third-party register complete"],
        ["done"],
        wsjf(8, 20, 20, 20),
        [
            (
                "Recovery runbooks for payments",
                "Payments Squad",
                "done",
                "compliance",
                wsjf(5, 13, 13, 5),
                ["Runbook for the payment hub", "Failover drill", "Board report"],
                3,
            ),
        ],
    ),
    (
        "Branch cash-recycler replacement",  # contributes to no key result: unaligned
        [],
        [],
        wsjf(3, 2, 3, 13),
        [("Vendor selection for cash recyclers", None, "funnel", "business", wsjf(2, 2, 1, 3), ["Shortlist"], 0)],
    ),
]

# features with no epic: unaligned
ORPHANS = [
    (
        "Migrate statement PDFs to the new archive",
        "Mobile App",
        "backlog",
        "tech_debt",
        wsjf(3, 5, 5, 8),
        ["Export 2019–2022 statements", "Verify checksums", "Switch download links"],
        1,
    ),
]


def _features(actor: Any, portfolio: Portfolio, epic: Any, teams: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    for title, team_name, state, work_type, scores, stories, done in rows:
        team = teams.get(team_name)
        feat = b.feature(
            actor, portfolio, title=title, epic=epic, team=team, state=state, work_type=work_type, **scores
        )
        for i, story_title in enumerate(stories):
            b.story(actor, feat, title=story_title, team=team, state="done" if i < done else "todo")


def build_retail_bank(*, actor: Any, portfolio: Portfolio) -> dict[str, str]:
    """Three objectives, seven KRs, six epics with features and stories; one unaligned epic and one orphan feature.

    ``actor`` needs the CPO's permissions. Returns the titles the tests look for.
    """
    team_names = {row[1] for _, _, _, _, rows in EPICS for row in rows} | {row[1] for row in ORPHANS}
    teams = {name: team_create(actor=actor, portfolio=portfolio, name=name) for name in sorted(team_names - {None})}

    krs: dict[str, Any] = {}
    for title, period, key_results in OBJECTIVES:
        obj = b.objective(actor, portfolio, title=title, **period)
        for kr_title, kind, start, target, current, unit, confidence in key_results:
            krs[kr_title] = b.key_result(
                actor,
                obj,
                title=kr_title,
                kind=kind,
                start_value=start,
                target_value=target,
                current_value=current,
                unit=unit,
                confidence=confidence,
            )

    for title, kr_titles, path, scores, features in EPICS:
        epic = b.epic(actor, portfolio, title=title, key_results=[krs[t] for t in kr_titles], **scores)
        for state in path:
            epic_move(actor=actor, epic=epic, to_state=state, outcome=EpicOutcome.COMPLETED if state == "done" else "")
        _features(actor, portfolio, epic, teams, features)
    _features(actor, portfolio, None, teams, ORPHANS)

    wsjf_recompute_portfolio(portfolio_id=portfolio.id, force=True)
    return {
        "objective": OBJECTIVES[0][0],
        "key_result": "Raise mobile app NPS",
        "epic": EPICS[0][0],
        "feature": "Passport and driving-licence scan",
        "unaligned_epic": "Branch cash-recycler replacement",
        "unaligned_feature": ORPHANS[0][0],
    }
