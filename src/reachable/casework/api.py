"""REST endpoints for referrals and cases: partner systems refer children; the same services."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.api.fields import service_error
from reachable.audit.services import audit_list
from reachable.casework import selectors, services
from reachable.casework.models import Case, Referral
from reachable.children.access import children_readable
from reachable.children.selectors import child_get_for_user
from reachable.core.models import Team
from reachable.lib.converters import RECORD_ID_REGEX


class ReferralSerializer(serializers.ModelSerializer):
    to_team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    referring_agency: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "child",
            "to_team",
            "referring_agency",
            "received_at",
            "concerns",
            "urgency",
            "consent",
            "lawful_basis",
            "decision",
            "decision_reason",
            "signposted_to",
            "decided_at",
        ]
        read_only_fields = [
            "id",
            "referring_agency",
            "received_at",
            "decision",
            "decision_reason",
            "signposted_to",
            "decided_at",
        ]

    child = serializers.IntegerField(
        source="child_id",
        allow_null=True,
        help_text="The child's record number (one you can see). Null in a referral about a child "
        "whose record you may not see: the number would tell you a record exists.",
    )

    def to_representation(self, instance: Referral) -> dict[str, object]:
        data = super().to_representation(instance)
        if instance.child_id not in self.context["readable"]:
            data["child"] = None
        return data


def _readable(user: object, referrals: list[Referral]) -> dict[str, set[int]]:
    ids = {r.child_id for r in referrals}
    return {
        "readable": set(children_readable(user).filter(pk__in=ids).values_list("pk", flat=True))
    }


class ReferralViewSet(IdempotentMixin, viewsets.ViewSet):
    """Referrals the caller made. POST makes one about a child the caller can see."""

    permission_classes = [HasCapability.of("casework.refer")]
    serializer_class = ReferralSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(responses=ReferralSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = list(selectors.referrals_made_by(request.user)[:200])
        audit_list(user=request.user, what="api referrals", child_ids=[r.child_id for r in rows])
        return Response(
            ReferralSerializer(rows, many=True, context=_readable(request.user, rows)).data
        )

    @extend_schema(responses=ReferralSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return self.replay_read(request, int(pk))

    def replay_read(self, request: Request, object_id: int) -> Response:
        referral = selectors.referral_get_for_user(request.user, object_id)
        return Response(
            ReferralSerializer(referral, context=_readable(request.user, [referral])).data
        )

    @extend_schema(
        request=ReferralSerializer,
        responses={201: ReferralSerializer},
        examples=[
            OpenApiExample(
                "From a school's safeguarding tool",
                request_only=True,
                value={
                    "child": 812,
                    "to_team": "norfolk-mace",
                    "concerns": "Missing from school twice this week; new phone and trainers.",
                    "urgency": "urgent",
                    "consent": "given",
                },
            )
        ],
    )
    def create(self, request: Request) -> Response:
        serializer = ReferralSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = child_get_for_user(request.user, data.pop("child_id"), action="child.view.api")
        try:
            referral = services.referral_make(
                user=request.user, child=child, source=Referral.Source.API, **data
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(
            ReferralSerializer(referral, context=_readable(request.user, [referral])).data,
            status=status.HTTP_201_CREATED,
        )


class CaseSerializer(serializers.ModelSerializer):
    team: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    risk_level: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    worker = serializers.CharField(
        source="worker.display_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "child",
            "team",
            "worker",
            "status",
            "opened_at",
            "risk_level",
            "last_contact_at",
            "review_due_on",
            "closed_at",
        ]


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Open cases of the caller's exploitation teams."""

    permission_classes = [HasCapability.of("casework.view")]
    serializer_class = CaseSerializer
    lookup_value_regex = RECORD_ID_REGEX

    def get_queryset(self):
        return selectors.caseload(self.request.user)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        rows = (
            response.data.get("results", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        audit_list(user=request.user, what="api cases", child_ids=[r["child"] for r in rows])
        return response

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        case = selectors.case_get_for_user(request.user, int(str(kwargs["pk"])))
        return Response(CaseSerializer(case).data)
