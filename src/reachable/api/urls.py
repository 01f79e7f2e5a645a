from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from reachable.api.docs import api_docs
from reachable.casework.api import CaseViewSet, ReferralViewSet
from reachable.children.api import ChildViewSet
from reachable.core.api import AgencyViewSet, AreaViewSet, CodeViewSet, TeamViewSet
from reachable.custody.api import CustodyImportViewSet, DetentionViewSet
from reachable.events.api import SessionViewSet
from reachable.learning.api import PracticeExampleViewSet
from reachable.lines.api import LineViewSet, PictureView
from reachable.programmes.api import PartnershipPictureView, ProgrammeViewSet
from reachable.returns.api import BaselineView, CompletenessView, PeriodViewSet, ReturnViewSet

router = DefaultRouter()
router.register("children", ChildViewSet, basename="child")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("cases", CaseViewSet, basename="case")
router.register("detentions", DetentionViewSet, basename="detention")
router.register("custody-imports", CustodyImportViewSet, basename="custody-import")
router.register("returns", ReturnViewSet, basename="return")
router.register("periods", PeriodViewSet, basename="period")
router.register("practice-examples", PracticeExampleViewSet, basename="practice-example")
router.register("event-sessions", SessionViewSet, basename="event-session")
router.register("areas", AreaViewSet, basename="area")
router.register("agencies", AgencyViewSet, basename="agency")
router.register("teams", TeamViewSet, basename="team")
router.register("codes", CodeViewSet, basename="code")
router.register("lines", LineViewSet, basename="line")
router.register("programmes", ProgrammeViewSet, basename="programme")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    path("lines-picture/", PictureView.as_view(), name="lines-picture"),
    path("partnership-picture/", PartnershipPictureView.as_view(), name="partnership-picture"),
    path("completeness/", CompletenessView.as_view(), name="completeness"),
    path("baseline/", BaselineView.as_view(), name="baseline"),
    path("", include(router.urls)),
]
