"""/api/v1/: one router for every app's viewsets."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from backlog.api import FeatureViewSet, IterationViewSet, StoryViewSet, TeamViewSet
from governance.api import (
    ApprovalViewSet,
    AuditEventViewSet,
    FrameworkViewSet,
    GovernanceRecordViewSet,
    RequirementViewSet,
)
from okrs.api import CheckInViewSet, KeyResultViewSet, ObjectiveViewSet
from portfolio.api import EpicViewSet, MembershipViewSet, PortfolioViewSet, ThemeViewSet, ValueStreamViewSet

router = DefaultRouter()
router.register("portfolios", PortfolioViewSet, basename="portfolio")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("value-streams", ValueStreamViewSet, basename="value-stream")
router.register("themes", ThemeViewSet, basename="theme")
router.register("objectives", ObjectiveViewSet, basename="objective")
router.register("key-results", KeyResultViewSet, basename="key-result")
router.register("check-ins", CheckInViewSet, basename="check-in")
router.register("epics", EpicViewSet, basename="epic")
router.register("features", FeatureViewSet, basename="feature")
router.register("stories", StoryViewSet, basename="story")
router.register("teams", TeamViewSet, basename="team")
router.register("iterations", IterationViewSet, basename="iteration")
router.register("governance-records", GovernanceRecordViewSet, basename="governance-record")
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("requirements", RequirementViewSet, basename="requirement")

urlpatterns = [path("", include(router.urls))]
