"""The demo portfolio's content: a bank's digital-onboarding value stream (data only, no logic).

``portfolio.demo`` turns this into rows through the services. Day offsets are "days ago" relative
to the moment the demo loads, so the demo always looks current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "lodestar-demo"  # noqa: S105 - a published demo password, printed by load_demo
NORTHWIND_SLUG = "northwind"
CONTOSO_SLUG = "contoso"

# username → (role in Northwind, "" for none; full name; what the login is for)
USERS: dict[str, tuple[str, str, str]] = {
    "admin": ("admin", "Ada Admin", "Django superuser and Northwind portfolio admin"),
    "cpo": ("cpo", "Carla Ortiz", "Chief product owner: Kanban moves, Go/No-Go, OKRs, WIP limits"),
    "po": ("product_owner", "Priya Olsen", "Product owner: features, stories, WSJF, KR check-ins"),
    "compliance": ("compliance", "Conor Byrne", "Compliance officer: governance records, compliance approvals"),
    "viewer": ("viewer", "Vera Iwu", "Read-only member of Northwind"),
    "outsider": ("", "Otto Sand", "Admin of Contoso Insurance only; sees nothing of Northwind"),
}

VALUE_STREAMS = [
    ("Retail customer onboarding", "From first tap to a usable current account and card."),
    ("Consumer lending origination", "Loan application, credit decision and pay-out."),
    ("SME onboarding", "Business accounts for sole traders and small companies."),
]
THEMES = [
    ("Digital-first customer experience", "Every journey completes on a phone, in minutes."),
    ("Regulatory resilience", "DORA, AMLD and eIDAS obligations met by design."),
    ("Responsible AI", "AI decisions that are fair, explained and overseen (EU AI Act)."),
    ("Lower cost to serve", "Fewer manual reviews and branch visits."),
]
TEAMS = {
    "identity": "Identity & KYC",
    "journeys": "Onboarding Journeys",
    "credit": "Credit Decisioning",
    "openbanking": "Open Banking & Payments",
    "platform": "Platform & Resilience",
}


@dataclass(frozen=True)
class KRSpec:
    key: str
    title: str
    kind: str
    target: float
    start: float = 0
    unit: str = ""
    # (value, confidence, note, days ago)
    check_ins: tuple[tuple[float, float, str, int], ...] = ()


@dataclass(frozen=True)
class ObjectiveSpec:
    title: str
    description: str
    key_results: tuple[KRSpec, ...]


OBJECTIVES = (
    ObjectiveSpec(
        "Make opening an account effortless",
        "New customers open a current account on their phone in one sitting.",
        (
            KRSpec(
                "completion",
                "Raise mobile onboarding completion from 52% to 75%",
                "increase_to",
                75,
                52,
                "%",
                (
                    (54, 0.6, "NFC chip reading live for 40% of traffic.", 45),
                    (58, 0.6, "eID login added; Android drop-off still high.", 31),
                    (61, 0.55, "Address step is the new bottleneck.", 17),
                    (63.5, 0.5, "Eircode fix shipped; waiting for a full week of data.", 4),
                ),
            ),
            KRSpec(
                "time_to_account",
                "Cut median time to a usable account from 72 h to 4 h",
                "decrease_to",
                4,
                72,
                "h",
                (
                    (60, 0.5, "Manual address checks still add a day.", 42),
                    (36, 0.6, "Same-day approvals for chip-verified applicants.", 24),
                    (22, 0.7, "Evidence archive no longer blocks activation.", 6),
                ),
            ),
            KRSpec(
                "rating",
                "Keep the onboarding app rating at or above 4.5",
                "maintain_at_or_above",
                4.5,
                0,
                "stars",
                (
                    (4.6, 0.8, "", 40),
                    (4.4, 0.6, "Selfie retries frustrate older users.", 20),
                    (4.5, 0.7, "Retry guidance shipped.", 5),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "Onboard customers safely, compliantly and resiliently",
        "Fraud and financial crime stay out; regulators see evidence, not promises.",
        (
            KRSpec(
                "false_reject",
                "Keep the KYC false-rejection rate at or below 2%",
                "maintain_at_or_below",
                2,
                0,
                "%",
                (
                    (2.6, 0.5, "Face match threshold too strict for old passports.", 44),
                    (2.1, 0.6, "Threshold tuned per document age.", 28),
                    (1.8, 0.75, "", 9),
                ),
            ),
            KRSpec(
                "manual_reviews",
                "Reduce manual KYC reviews from 38% to 15% of applications",
                "decrease_to",
                15,
                38,
                "%",
                (
                    (35, 0.5, "", 43),
                    (30, 0.55, "Sanctions false positives halved.", 27),
                    (27, 0.5, "Liveness referrals still routed to analysts.", 8),
                ),
            ),
            KRSpec(
                "availability",
                "Keep onboarding service availability at or above 99.9%",
                "maintain_at_or_above",
                99.9,
                0,
                "%",
                (
                    (99.95, 0.8, "", 38),
                    (99.82, 0.5, "Outage at the identity provider on the 12th.", 23),
                    (99.93, 0.7, "Provider failover tested.", 3),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "Grow lending with instant, fair credit decisions",
        "Most personal-loan applicants get an answer in seconds, and every decision can be explained.",
        (
            KRSpec(
                "instant_decisions",
                "Grow instant credit decisions from 20% to 60% of applications",
                "increase_to",
                60,
                20,
                "%",
                (
                    (22, 0.4, "Model in shadow mode only.", 36),
                    (27, 0.45, "Open-banking income data would add ~10 points.", 19),
                    (31, 0.4, "Waiting for the compliance sign-off to go live.", 2),
                ),
            ),
            KRSpec(
                "ai_act_file",
                "EU AI Act conformity file for credit scoring signed off",
                "milestone",
                1,
                0,
                "",
                (
                    (0, 0.6, "Annex IV outline drafted.", 30),
                    (0, 0.7, "Bias review done; model validation booked.", 10),
                ),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class GovSpec:
    """Governance record content, written by the compliance officer through the service."""

    status: str = "assessed"
    inherent: tuple[int, int] | None = None  # (likelihood, impact), 1-5
    residual: tuple[int, int] | None = None
    requirements: tuple[tuple[str, str], ...] = ()  # (framework code, ref_id)
    uses_ai: bool = False
    ai_act_tier: str = ""
    explainability: str = ""
    bias_review_done: bool = False
    model_validated: bool = False
    review_due_days: int = 90
    notes: str = ""
    fair_inputs: dict[str, list[float]] = field(default_factory=dict)


@dataclass(frozen=True)
class EpicSpec:
    key: str
    title: str
    stream: int  # index into VALUE_STREAMS
    themes: tuple[int, ...]
    key_results: tuple[str, ...]  # KRSpec keys; empty = unaligned
    wsjf: tuple[int, int, int, int]  # business value, time criticality, risk reduction, job size
    path: tuple[str, ...]  # Kanban states after funnel, in order
    days_ago: tuple[int, ...]  # when it was created, then when each move in ``path`` happened
    outcome: str = ""
    hypothesis: str = ""
    business_outcomes: str = ""
    leading_indicators: str = ""
    mvp_definition: str = ""
    cost_estimate: int | None = None
    budget: int | None = None
    gov: GovSpec | None = None
    no_go_rationale: str = ""


TO_IMPLEMENTING = ("reviewing", "analyzing", "ready", "implementing_mvp")

CREDIT_AI = GovSpec(
    inherent=(4, 5),
    residual=(2, 4),
    uses_ai=True,
    ai_act_tier="high",
    explainability=(
        "Gradient-boosted model with SHAP reason codes per decision; the top four reasons go into the "
        "adverse-action letter and the credit officer's console. Model card v0.3 kept with the Annex IV file."
    ),
    bias_review_done=True,
    model_validated=False,
    review_due_days=30,
    notes=(
        "High-risk under EU AI Act Art. 6(2) and Annex III point 5(b): evaluating the creditworthiness of "
        "natural persons. Provider duties Art. 9-15, 17, 43 and 49; as deployer we also owe a fundamental-rights "
        "impact assessment (Art. 27). Bias review (approval-rate parity, postcode and age proxies) done; "
        "independent model validation by Model Risk is booked before go-live."
    ),
    requirements=(
        ("nist-ai-rmf", "MAP 1"),
        ("nist-ai-rmf", "MAP 2"),
        ("nist-ai-rmf", "MAP 5"),
        ("nist-ai-rmf", "MEASURE 1"),
        ("nist-ai-rmf", "MEASURE 2"),
        ("nist-ai-rmf", "MEASURE 3"),
        ("iso-42001", "A.5.2"),
        ("iso-42001", "A.5.4"),
        ("iso-42001", "A.6.2.4"),
        ("iso-42001", "A.6.2.6"),
        ("iso-42001", "A.6.2.8"),
        ("eu-ai-act", "Art. 6"),
        ("eu-ai-act", "Art. 9"),
        ("eu-ai-act", "Art. 10"),
        ("eu-ai-act", "Art. 11"),
        ("eu-ai-act", "Art. 12"),
        ("eu-ai-act", "Art. 13"),
        ("eu-ai-act", "Art. 14"),
        ("eu-ai-act", "Art. 15"),
        ("eu-ai-act", "Art. 27"),
    ),
    # FAIR (DOMAIN §5.4 shape): wrongful declines and discriminatory outcomes leading to complaints,
    # remediation and supervisory fines. min / most likely / max.
    fair_inputs={
        "tef": [1, 3, 8],
        "vulnerability": [0.05, 0.15, 0.35],
        "primary_loss": [100_000, 400_000, 2_500_000],
        "slef": [0.2, 0.4, 0.7],
        "slem": [250_000, 1_000_000, 7_500_000],
    },
)

EPICS = (
    EpicSpec(
        "eidas",
        "eIDAS digital identity verification",
        0,
        (0, 1),
        ("completion", "time_to_account", "manual_reviews"),
        (13, 13, 8, 13),
        (*TO_IMPLEMENTING, "implementing_persevere"),
        (150, 140, 125, 110, 95, 40),
        hypothesis=(
            "For applicants who want an account today, chip-based and eID verification lets them prove who "
            "they are in the app, unlike branch visits and video calls, so more of them finish onboarding."
        ),
        business_outcomes="Completion +15 points; manual identity reviews −50%.",
        leading_indicators="Share of applicants verified by NFC chip or eID; verification pass rate.",
        mvp_definition="NFC passport reading and national eID login for Irish and Dutch applicants.",
        cost_estimate=1_400_000,
        budget=1_800_000,
        gov=GovSpec(
            inherent=(3, 4),
            residual=(2, 3),
            requirements=(("dora", "Art. 28"), ("dora", "Art. 30")),
            notes="Identity provider is a critical ICT third party: contract clauses and exit plan reviewed.",
        ),
    ),
    EpicSpec(
        "liveness",
        "Biometric liveness and face match for remote onboarding",
        0,
        (0, 2),
        ("manual_reviews", "false_reject"),
        (13, 8, 13, 8),
        TO_IMPLEMENTING,
        (120, 105, 90, 70, 45),
        hypothesis=(
            "For applicants without an NFC-readable document, a selfie liveness check and face match prove "
            "presence and identity in under a minute, unlike video-ident calls, cutting manual reviews."
        ),
        business_outcomes="Manual KYC reviews −10 points; video-ident cost −70%.",
        leading_indicators="Liveness pass rate; false-accept rate in red-team tests.",
        mvp_definition="Passive liveness and face match for Irish applicants, referrals to a manual queue.",
        cost_estimate=650_000,
        budget=800_000,
        gov=GovSpec(
            inherent=(3, 4),
            residual=(2, 3),
            uses_ai=True,
            ai_act_tier="minimal",
            explainability="Pass/refer decision with liveness and similarity scores shown to the analyst.",
            bias_review_done=True,
            model_validated=True,
            notes=(
                "Biometric verification that only confirms a claimed identity is outside Annex III point 1; "
                "GDPR Art. 9 explicit consent and a non-biometric alternative are required."
            ),
            requirements=(("nist-ai-rmf", "MEASURE 2"), ("iso-42001", "A.5.4"), ("iso-42001", "A.7.4")),
        ),
    ),
    EpicSpec(
        "credit_ai",
        "AI credit-scoring model for instant lending decisions",
        1,
        (2, 0),
        ("instant_decisions", "ai_act_file"),
        (20, 13, 8, 13),
        TO_IMPLEMENTING,
        (130, 115, 95, 60, 38),
        hypothesis=(
            "For personal-loan applicants, a machine-learning credit score with open-banking data decides most "
            "applications in seconds, unlike the manual scorecard review, while staying fair and explainable."
        ),
        business_outcomes="Instant decisions from 20% to 60%; loan conversion +8%; default rate unchanged.",
        leading_indicators="Shadow-mode agreement with credit officers; Gini versus the scorecard.",
        mvp_definition="Model in shadow mode beside the scorecard, then live for loans under €15,000.",
        cost_estimate=1_100_000,
        budget=1_300_000,
        gov=CREDIT_AI,
    ),
    EpicSpec(
        "sanctions",
        "Real-time sanctions and PEP screening",
        0,
        (1,),
        ("false_reject", "manual_reviews"),
        (8, 13, 13, 8),
        (*TO_IMPLEMENTING, "implementing_persevere", "done"),
        (170, 160, 150, 130, 115, 80, 12),
        outcome="completed",
        hypothesis=(
            "For the financial-crime team, screening applicants against sanctions and PEP lists during "
            "onboarding stops prohibited customers before an account exists, unlike the overnight batch."
        ),
        business_outcomes="No account opened for a listed person; screening alerts −40%.",
        leading_indicators="Screening latency p95; false-positive rate.",
        mvp_definition="EU and UN list screening before account opening.",
        cost_estimate=480_000,
        budget=520_000,
        gov=GovSpec(inherent=(4, 5), residual=(1, 4), notes="AMLD6 obligation; tested by Internal Audit."),
    ),
    EpicSpec(
        "open_banking",
        "Open-banking account linking and income verification",
        1,
        (0, 3),
        ("instant_decisions", "time_to_account"),
        (13, 8, 5, 8),
        ("reviewing", "analyzing", "ready"),
        (100, 80, 60, 15),
        hypothesis=(
            "For loan applicants, linking their existing bank accounts (PSD2) verifies income from real "
            "transactions, unlike uploaded payslips, so more applications are decided instantly."
        ),
        business_outcomes="Payslip uploads −80%; instant decisions +10 points.",
        leading_indicators="Share of applicants who link an account; consent completion rate.",
        mvp_definition="Account linking through one aggregator, income from salary credits.",
        cost_estimate=700_000,
        budget=750_000,
        gov=GovSpec(
            inherent=(3, 3),
            residual=(2, 3),
            requirements=(("dora", "Art. 28"), ("dora", "Art. 30")),
            notes="Aggregator is an ICT third party supporting a critical function.",
        ),
    ),
    EpicSpec(
        "esignature",
        "Qualified e-signature for account contracts",
        0,
        (0, 3),
        ("time_to_account",),
        (8, 5, 3, 8),
        ("reviewing", "analyzing"),
        (75, 50, 20),
        hypothesis=(
            "For new customers, signing the account contract with a qualified e-signature in the app "
            "removes the posted paper contract, unlike today's two-day wait."
        ),
        mvp_definition="QES for the current-account agreement via one trust service provider.",
        gov=GovSpec(inherent=(2, 3), residual=(2, 2), requirements=(("dora", "Art. 30"),)),
    ),
    EpicSpec(
        "funnel_analytics",
        "Onboarding funnel analytics",
        0,
        (0,),
        ("completion", "rating"),
        (8, 3, 8, 5),
        ("reviewing", "analyzing"),
        (60, 40, 10),
        hypothesis=(
            "For product owners, step-level funnel analytics show where applicants drop off, unlike monthly "
            "reports, so each release targets the biggest leak."
        ),
    ),
    EpicSpec(
        "sme",
        "SME onboarding with company-registry lookup",
        2,
        (0,),
        (),
        (8, 3, 5, 20),
        ("reviewing",),
        (45, 8),
        hypothesis="For sole traders and small firms, a registry lookup pre-fills the business account application.",
    ),
    EpicSpec(
        "dora",
        "DORA resilience of the onboarding platform",
        0,
        (1,),
        ("availability",),
        (3, 13, 13, 13),
        ("reviewing",),
        (30, 4),
        hypothesis="For the bank and its supervisor, active-active onboarding with a tested failover meets DORA.",
        gov=GovSpec(
            status="draft",
            inherent=(3, 5),
            requirements=(("dora", "Art. 11"), ("dora", "Art. 24"), ("dora", "Art. 26")),
        ),
    ),
    EpicSpec(
        "branch_digitisation",
        "Digitise paper onboarding forms in branches",
        0,
        (3,),
        ("time_to_account",),
        (3, 2, 2, 13),
        ("reviewing", "analyzing", "done"),
        (140, 128, 110, 85),
        outcome="no_go",
        hypothesis="For branch staff, scanning paper forms removes re-keying.",
        mvp_definition="Scan-and-extract in five pilot branches.",
        cost_estimate=900_000,
        gov=GovSpec(inherent=(2, 2), residual=(2, 2)),
        no_go_rationale=(
            "Branch onboarding fell to 6% of volume; the digital journey absorbs it. Payback beyond the "
            "three-year horizon."
        ),
    ),
    EpicSpec(
        "genai_assistant",
        "Generative-AI assistant for onboarding questions",
        0,
        (0, 2),
        (),
        (5, 2, 3, 13),
        (),
        (14,),
        hypothesis="For applicants stuck on a step, a chat assistant answers questions at any hour.",
        gov=GovSpec(
            status="draft",
            inherent=(3, 3),
            uses_ai=True,
            ai_act_tier="transparency",
            notes="Art. 50: tell users they are talking to an AI system. Vendor model: GOVERN 6 applies.",
            requirements=(("eu-ai-act", "Art. 50"), ("nist-ai-rmf", "GOVERN 6"), ("nist-ai-rmf", "MAP 4")),
        ),
    ),
    EpicSpec(
        "virtual_card",
        "Instant virtual card in mobile wallets",
        0,
        (0,),
        ("completion",),
        (13, 5, 3, 8),
        (),
        (6,),
        hypothesis="For new customers, a card in Apple Pay or Google Pay the minute the account opens.",
    ),
)

# Story entries: a title, or (title, work type) where it differs from the feature's.
Story = str | tuple[str, str]


@dataclass(frozen=True)
class FeatureSpec:
    epic: str | None
    title: str
    team: str
    state: str
    work_type: str
    wsjf: tuple[int, int, int, int]
    stories: tuple[Story, ...]
    window: tuple[int, int] = (-3, -1)  # iterations in which its done stories were finished
    gov: GovSpec | None = None


FEATURES: tuple[FeatureSpec, ...] = (
    # --- eIDAS digital identity verification (implementing: persevere)
    FeatureSpec(
        "eidas",
        "Read passport and ID-card chips over NFC",
        "identity",
        "done",
        "business",
        (13, 8, 5, 5),
        (
            "Scan the MRZ with the camera to unlock the chip",
            "Read the DG1 and DG2 data groups over NFC",
            "Verify the chip's passive-authentication signature",
            "Guide the applicant when the phone loses the chip",
            ("Fix iOS NFC session timeouts on older iPhones", "defect"),
            "Fall back to photo capture when NFC is unavailable",
            "Log chip-read outcomes for the pass-rate dashboard",
            "Support German ID cards with PACE access",
            "Show chip-reading progress to the applicant",
        ),
        window=(-3, -2),
    ),
    FeatureSpec(
        "eidas",
        "Accept EU Digital Identity Wallet credentials",
        "identity",
        "done",
        "business",
        (8, 13, 8, 8),
        (
            "Request PID attributes from the wallet with OpenID4VP",
            "Validate the wallet issuer against the trusted list",
            "Map PID attributes to the customer profile",
            "Show a consent screen listing the shared attributes",
            ("Store the presentation as KYC evidence", "compliance"),
            "Test with the reference wallet of three member states",
            "Accept wallet presentations on desktop through a QR code",
            "Reject revoked credentials using the status list",
        ),
    ),
    FeatureSpec(
        "eidas",
        "National eID login at high assurance",
        "identity",
        "done",
        "business",
        (8, 5, 5, 5),
        (
            "Integrate the national eID broker over SAML",
            "Refuse assurance levels below 'substantial'",
            "Keep the eID assertion as KYC evidence",
            ("Fix cancelled eID logins returning a blank page", "defect"),
            "Offer eID login on the onboarding start page",
            "Add the Dutch DigiD broker",
            "Map eID attributes to the customer profile",
        ),
        window=(-2, -1),
    ),
    FeatureSpec(
        "eidas",
        "Document forgery detection rules",
        "identity",
        "done",
        "compliance",
        (5, 5, 13, 8),
        (
            "Check MRZ check digits and document expiry",
            "Flag specimen and reported-stolen document numbers",
            "Compare printed and chip data for mismatches",
            "Route suspected forgeries to manual review",
            "Report forgery attempts per document type",
            "Detect photo substitution with image forensics",
            "Check hologram presence in the video capture",
        ),
    ),
    FeatureSpec(
        "eidas",
        "Address verification against the postal register",
        "journeys",
        "validating",
        "business",
        (5, 3, 3, 3),
        (
            "Autocomplete addresses from the postal register",
            "Accept proof of address for unregistered addresses",
            "Re-verify addresses older than twelve months",
            "Show address mismatches to the KYC analyst",
            ("Add contract tests for the postal-register API", "tech_debt"),
            "Handle PO boxes and care-of addresses",
            ("Fix addresses with diacritics failing validation", "defect"),
        ),
        window=(-2, -1),
    ),
    FeatureSpec(
        "eidas",
        "KYC evidence archive with retention rules",
        "platform",
        "implementing",
        "compliance",
        (3, 5, 8, 5),
        (
            "Store identity evidence in write-once storage",
            "Apply the five-year AML retention period",
            "Purge evidence after retention with a deletion log",
            "Export a customer's KYC file for the supervisor",
            ("Encrypt evidence with per-customer keys", "enabler"),
            "Restore archived evidence within four hours",
            ("Migrate legacy evidence from the document server", "tech_debt"),
        ),
        gov=GovSpec(inherent=(3, 4), residual=(2, 2), requirements=(("dora", "Art. 9"), ("dora", "Art. 11"))),
    ),
    FeatureSpec(
        "eidas",
        "Identity verification pass-rate dashboard",
        "identity",
        "backlog",
        "business",
        (3, 2, 2, 3),
        (
            "Chart pass rates by document type and country",
            "Alert when the pass rate drops below 85%",
            "Break failures down by reason code",
            "Export the weekly pass-rate report",
            "Compare pass rates across app versions",
        ),
    ),
    # --- Biometric liveness and face match (implementing: MVP)
    FeatureSpec(
        "liveness",
        "Passive liveness check on the selfie",
        "identity",
        "implementing",
        "business",
        (13, 8, 8, 8),
        (
            "Capture a selfie with on-device quality checks",
            "Call the liveness model and store the score",
            "Set pass and refer thresholds per risk segment",
            "Show retry guidance after a failed selfie",
            "Measure false-accept and false-reject rates",
            ("Run the liveness model on premises for data residency", "enabler"),
            ("Fix selfie capture freezing on low-end Android", "defect"),
            "Add accessible guidance to the selfie step",
        ),
        gov=GovSpec(
            inherent=(3, 4),
            residual=(2, 3),
            uses_ai=True,
            ai_act_tier="minimal",
            bias_review_done=True,
            model_validated=True,
            explainability="Scores and the threshold that applied are shown on each referral.",
            requirements=(("nist-ai-rmf", "MEASURE 2"), ("iso-42001", "A.6.2.4")),
        ),
    ),
    FeatureSpec(
        "liveness",
        "Face match between selfie and document photo",
        "identity",
        "done",
        "business",
        (8, 8, 5, 5),
        (
            "Extract the portrait from the chip or the document image",
            "Compare face templates and store the similarity score",
            "Refer low-confidence matches to an analyst",
            ("Delete biometric templates after the decision", "compliance"),
            "Tune the match threshold for documents older than eight years",
            "Store match evidence with the application",
        ),
        window=(-2, -1),
    ),
    FeatureSpec(
        "liveness",
        "Injection and deepfake attack detection",
        "identity",
        "implementing",
        "compliance",
        (5, 8, 13, 8),
        (
            "Detect virtual cameras and emulators",
            "Flag replayed video streams",
            "Add deepfake detection to the liveness pipeline",
            "Red-team the liveness check with presentation attacks",
            "Report attack attempts to the fraud team daily",
            "Subscribe to the vendor's attack-signature feed",
            ("Fix false alerts on phone cameras with HDR on", "defect"),
        ),
    ),
    FeatureSpec(
        "liveness",
        "Biometric consent and privacy notice",
        "journeys",
        "backlog",
        "compliance",
        (3, 8, 5, 2),
        (
            "Ask explicit consent before biometric processing",
            "Offer a non-biometric path to every applicant",
            "Record the consent version in the customer profile",
            "Translate the biometric notice into Irish and Dutch",
        ),
    ),
    FeatureSpec(
        "liveness",
        "Manual review queue for referred selfies",
        "journeys",
        "backlog",
        "business",
        (5, 3, 3, 5),
        (
            "List referred applications with their scores",
            "Show the selfie and the document side by side",
            "Require a second analyst for overrides",
            "Alert analysts before the queue SLA is missed",
            "Assign referrals round-robin to analysts",
            "Record the analyst's reason for each decision",
        ),
    ),
    # --- AI credit-scoring model (implementing: MVP)
    FeatureSpec(
        "credit_ai",
        "Credit-scoring model v1 (gradient boosting)",
        "credit",
        "implementing",
        "business",
        (20, 13, 8, 13),
        (
            "Train the model on five years of anonymised loan outcomes",
            "Benchmark against the current scorecard (Gini, KS)",
            "Calibrate the probability of default per segment",
            ("Package the model with its feature pipeline", "enabler"),
            "Serve scores through the decision API in under 300 ms",
            "Shadow-run the model beside the scorecard for four weeks",
            ("Fix missing bureau data crashing the feature pipeline", "defect"),
            "Compare shadow decisions with credit officers' decisions",
            ("Document the lineage of the training data", "compliance"),
            ("Load-test the decision API at 50 requests per second", "enabler"),
        ),
        gov=CREDIT_AI,
    ),
    FeatureSpec(
        "credit_ai",
        "Fairness and bias testing for credit decisions",
        "credit",
        "implementing",
        "compliance",
        (8, 13, 13, 5),
        (
            "Measure approval-rate parity across protected groups",
            "Test postcode and age for proxy discrimination",
            "Document bias findings and mitigations",
            "Schedule a quarterly bias re-test",
            "Review the bias report with the ethics board",
            "Run the fairness metrics in the training pipeline",
            "Publish fairness metrics in the model card",
        ),
    ),
    FeatureSpec(
        "credit_ai",
        "Explanations for declined applicants",
        "credit",
        "backlog",
        "compliance",
        (8, 8, 8, 5),
        (
            "Turn SHAP values into the top four reason codes",
            "Write plain-language decline letters",
            "Let applicants ask for a human review",
            "Show reason codes in the applicant's app",
            "Test decline letters with customers for clarity",
            "Keep explanation records with the decision log",
        ),
    ),
    FeatureSpec(
        "credit_ai",
        "Human oversight console for credit officers",
        "credit",
        "backlog",
        "compliance",
        (5, 8, 8, 8),
        (
            "Show score, reasons and policy rules side by side",
            "Let a credit officer override with a mandatory reason",
            "Log every override for model monitoring",
            "Pause automated decisions with one switch",
            "Train credit officers on the model's limits",
            "Sample 5% of automated approvals for review",
        ),
    ),
    FeatureSpec(
        "credit_ai",
        "Model monitoring and drift alerts",
        "platform",
        "analyzing",
        "enabler",
        (5, 5, 8, 5),
        (
            "Track the population stability index weekly",
            "Alert on performance drift against the validation set",
            "Show approval rates by segment on a dashboard",
            "Agree drift thresholds with Model Risk",
        ),
    ),
    FeatureSpec(
        "credit_ai",
        "AI Act technical documentation and decision logging",
        "credit",
        "done",
        "compliance",
        (3, 13, 8, 3),
        (
            "Draft the Annex IV technical documentation outline",
            "Log inputs, output and model version of each decision",
            "Keep decision logs for the retention period",
            "Agree the decision-log schema with Compliance",
            "Write the instructions for use for deployers",
            "Map the Art. 9-15 duties to their evidence",
        ),
        window=(-2, -1),
        gov=GovSpec(
            inherent=(3, 4),
            residual=(1, 3),
            uses_ai=True,
            ai_act_tier="high",
            requirements=(("eu-ai-act", "Art. 11"), ("eu-ai-act", "Art. 12"), ("iso-42001", "A.6.2.7")),
        ),
    ),
    # --- Real-time sanctions and PEP screening (done)
    FeatureSpec(
        "sanctions",
        "Real-time sanctions list screening",
        "identity",
        "done",
        "compliance",
        (13, 13, 13, 8),
        (
            "Ingest the EU, UN and OFAC lists daily",
            "Match names fuzzily across transliterations",
            "Screen applicants before account opening",
            "Stop onboarding on a confirmed hit",
            "Measure screening latency at the 95th percentile",
            "Screen against the national sanctions list",
            "Document the screening logic for auditors",
            ("Fix duplicate alerts after a list reload", "defect"),
        ),
        window=(-3, -2),
        gov=GovSpec(inherent=(4, 5), residual=(1, 4)),
    ),
    FeatureSpec(
        "sanctions",
        "PEP and adverse-media checks",
        "identity",
        "done",
        "compliance",
        (8, 5, 8, 5),
        (
            "Query the PEP data provider during onboarding",
            "Classify relatives and close associates of PEPs",
            "Trigger enhanced due diligence for PEPs",
            "Summarise adverse-media hits for analysts",
            "Refresh PEP status at every annual review",
            "Escalate PEP approvals to senior management",
        ),
        window=(-3, -2),
    ),
    FeatureSpec(
        "sanctions",
        "False-positive tuning for name matching",
        "identity",
        "done",
        "business",
        (5, 3, 5, 3),
        (
            "Remember confirmed false positives per customer",
            "Tune match thresholds on a labelled sample",
            "Report the weekly false-positive rate",
            "Explain match scores to analysts",
        ),
        window=(-3, -2),
    ),
    FeatureSpec(
        "sanctions",
        "Ongoing screening of the customer base",
        "platform",
        "done",
        "compliance",
        (8, 8, 8, 8),
        (
            "Re-screen all customers when a list changes",
            "Raise alerts for new hits on existing customers",
            "Close alerts with an audit trail",
            ("Load-test re-screening of two million customers", "enabler"),
            "Report screening coverage monthly",
            ("Fix the time-out in the nightly re-screening batch", "defect"),
        ),
        window=(-3, -2),
    ),
    # --- Open-banking account linking (ready)
    FeatureSpec(
        "open_banking",
        "Link external accounts through PSD2 account information",
        "openbanking",
        "backlog",
        "business",
        (13, 8, 5, 8),
        (
            "Choose a bank from the aggregator's list",
            "Redirect to the bank's strong authentication and back",
            "Fetch twelve months of transactions with consent",
            "Renew consent before the 180-day expiry",
            "Show linked accounts in the customer profile",
            "Handle banks that are down during linking",
            ("Log consents in the record of processing", "compliance"),
        ),
    ),
    FeatureSpec(
        "open_banking",
        "Income verification from transactions",
        "openbanking",
        "backlog",
        "business",
        (13, 13, 8, 8),
        (
            "Categorise salary and benefit credits",
            "Compute verified monthly income",
            "Feed verified income to the credit decision",
            "Flag irregular income for manual review",
            "Detect gambling transactions for affordability",
            "Show the applicant the income we verified",
        ),
    ),
    FeatureSpec(
        "open_banking",
        "Affordability check from spending categories",
        "credit",
        "backlog",
        "business",
        (8, 5, 5, 8),
        (
            "Categorise essential spending",
            "Compute disposable income for the affordability rule",
            "Apply the regulator's stress rate",
            "Explain the affordability outcome to the credit officer",
        ),
    ),
    FeatureSpec(
        "open_banking",
        "Consent dashboard for linked accounts",
        "openbanking",
        "analyzing",
        "compliance",
        (3, 3, 5, 3),
        (
            "List active consents with their expiry dates",
            "Revoke a consent in one tap",
            "Remind the customer a week before a consent expires",
        ),
    ),
    FeatureSpec(
        "open_banking",
        "Aggregator contract and exit plan (DORA)",
        "platform",
        "backlog",
        "compliance",
        (2, 8, 8, 2),
        (
            "Add the DORA Art. 30 clauses to the aggregator contract",
            "Write the exit strategy for the aggregator",
            "Record the aggregator in the register of information",
            "Test the fallback when the aggregator is down",
        ),
        gov=GovSpec(inherent=(3, 3), residual=(2, 2), requirements=(("dora", "Art. 28"), ("dora", "Art. 30"))),
    ),
    # --- Qualified e-signature (analyzing)
    FeatureSpec(
        "esignature",
        "Qualified electronic signature of account contracts",
        "journeys",
        "analyzing",
        "business",
        (8, 5, 3, 8),
        (
            "Select a qualified trust service provider",
            "Sign the account agreement with a QES in the app",
            "Verify the signer's identity before signing",
        ),
    ),
    FeatureSpec(
        "esignature",
        "Signed contract delivery and archive",
        "journeys",
        "funnel",
        "compliance",
        (3, 3, 5, 3),
        ("Email the signed PDF with its validation report", "Archive signed contracts for ten years"),
    ),
    FeatureSpec(
        "esignature",
        "Remote signing for joint accounts",
        "journeys",
        "funnel",
        "business",
        (5, 2, 2, 13),
        ("Invite the second account holder to sign remotely",),
    ),
    # --- Onboarding funnel analytics (analyzing)
    FeatureSpec(
        "funnel_analytics",
        "Onboarding funnel event tracking",
        "journeys",
        "analyzing",
        "enabler",
        (5, 5, 8, 3),
        (
            "Define the onboarding event schema",
            "Emit step events from the mobile app",
            "Stream events to the data platform",
            "Document the event dictionary",
        ),
    ),
    FeatureSpec(
        "funnel_analytics",
        "Drop-off dashboard by step and channel",
        "journeys",
        "funnel",
        "business",
        (8, 5, 3, 5),
        ("Chart completion by step, device and channel", "Compare cohorts before and after a release"),
    ),
    FeatureSpec(
        "funnel_analytics",
        "Reminders for abandoned applications",
        "journeys",
        "funnel",
        "business",
        (8, 8, 2, 5),
        ("Send a reminder a day after an abandoned application", "Resume the application where it stopped"),
    ),
    # --- SME onboarding (reviewing, unaligned)
    FeatureSpec(
        "sme",
        "Company-registry lookup and beneficial-owner capture",
        "journeys",
        "funnel",
        "business",
        (8, 3, 5, 13),
        ("Look the company up in the business register", "Capture ultimate beneficial owners"),
    ),
    # --- DORA resilience (reviewing)
    FeatureSpec(
        "dora",
        "Active-active failover for the onboarding platform",
        "platform",
        "funnel",
        "enabler",
        (3, 8, 13, 13),
        ("Run the onboarding services in two data centres", "Fail the database over within fifteen minutes"),
    ),
    FeatureSpec(
        "dora",
        "Threat-led penetration test of onboarding",
        "platform",
        "funnel",
        "compliance",
        (2, 8, 13, 5),
        ("Scope the TLPT with the threat-intelligence provider", "Fix the findings of the red-team exercise"),
    ),
    # --- Instant virtual card (funnel)
    FeatureSpec(
        "virtual_card",
        "Push a virtual debit card to Apple Pay and Google Pay",
        "openbanking",
        "funnel",
        "business",
        (13, 5, 3, 8),
        ("Tokenise the card with the card scheme", "Offer 'Add to wallet' at the end of onboarding"),
    ),
    # --- No epic: run-the-bank work that traces to no key result
    FeatureSpec(
        None,
        "Fix address autocomplete for Eircodes and Dutch postcodes",
        "journeys",
        "implementing",
        "defect",
        (5, 8, 2, 2),
        (
            "Reproduce the failing Eircode lookups",
            "Normalise postcode formats before the lookup",
            "Add regression tests for EU postcode formats",
            "Monitor lookup failures per country",
            "Show a manual address form when the lookup fails",
        ),
        window=(-1, -1),
    ),
    FeatureSpec(
        None,
        "Upgrade onboarding services to Java 21 and Spring Boot 3",
        "platform",
        "backlog",
        "tech_debt",
        (2, 3, 8, 8),
        (
            "Upgrade the build to Java 21",
            "Move to Spring Boot 3 and the Jakarta namespace",
            "Remove the deprecated SOAP client",
            "Update the container base images",
            "Replace the end-of-life logging library",
            "Run the regression suite on Java 21",
        ),
    ),
    FeatureSpec(
        None,
        "Accessibility fixes for the web journey (WCAG 2.2 AA)",
        "journeys",
        "done",
        "compliance",
        (5, 5, 3, 3),
        (
            "Fix the focus order in the identity step",
            "Add text alternatives to the document-capture guidance",
            "Raise the colour contrast of error messages",
            "Test the journey with a screen reader",
            "Make the document upload usable by keyboard",
            "Add visible labels to every form field",
        ),
        window=(-2, -1),
    ),
)

# Stories that are a conversation rather than build work are estimated at 0 points.
ZERO_POINT_PREFIXES = ("Agree ", "Scope ")

# Acceptance criteria rotate through a few team conventions.
ACCEPTANCE = (
    "Given an applicant on this step, when it completes, then the next step opens and the event is logged.",
    "Demonstrated in the iteration review; automated tests pass; no open critical defects.",
    "Works on iOS 16+ and Android 11+; meets WCAG 2.2 AA; copy approved by Legal.",
    "Audit evidence stored with the application; Compliance has reviewed the behaviour.",
)

# The second portfolio, owned by ``outsider``: small on purpose.
CONTOSO: dict[str, Any] = {
    "name": "Contoso Insurance — Claims",
    "description": "Motor and home claims handling.",
    "stream": ("Claims handling", "First notice of loss to settlement."),
    "team": "Claims Squad",
    "objectives": (
        (
            "Settle simple claims within a day",
            ("Raise straight-through claims from 10% to 40%", "increase_to", 10, 40, "%"),
        ),
        ("Cut claims leakage", ("Reduce claims leakage from 6% to 4%", "decrease_to", 6, 4, "%")),
    ),
    "epics": (
        ("Photo-based motor damage estimates", (13, 8, 5, 8), 0),
        ("Fraud triage rules for home claims", (8, 5, 8, 5), 1),
    ),
    "features": (
        ("Upload damage photos in the claims app", 0, ("Capture four guided photos", "Compress and upload photos")),
        ("Estimate repair cost from photos", 0, ("Call the estimation model", "Show the estimate to the handler")),
        ("Score home claims for fraud signals", 1, ("Define the first ten rules", "Route high scores to SIU")),
    ),
}
