"""REST endpoints for children's records: the same services and selectors as the web pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.accounts.permissions import can
from reachable.api.fields import code_field, service_error
from reachable.children import selectors, services
from reachable.children.models import Child
from reachable.core.models import Area, Team
from reachable.lib.converters import RECORD_ID_REGEX


class IdentifierSerializer(serializers.Serializer):
    kind = code_field("identifier-kind")
    value = serializers.CharField(max_length=40)


class ChildSerializer(serializers.ModelSerializer):
    sex = code_field("sex")
    ethnicity = code_field("ethnicity", required=False, allow_null=True)
    home_la = serializers.SlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), required=False, allow_null=True
    )
    identifiers = IdentifierSerializer(many=True, required=False)

    class Meta:
        model = Child
        fields = [
            "id",
            "given_name",
            "family_name",
            "known_as",
            "date_of_birth",
            "sex",
            "ethnicity",
            "home_la",
            "identifiers",
        ]
        read_only_fields = ["id"]


class ChildCreateSerializer(ChildSerializer):
    team = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False
    )

    class Meta(ChildSerializer.Meta):
        fields = [*ChildSerializer.Meta.fields, "team"]


class ChildUpdateSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=100, required=False)
    family_name = serializers.CharField(max_length=100, required=False)
    known_as = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False)
    sex = code_field("sex", required=False)
    ethnicity = code_field("ethnicity", required=False, allow_null=True)
    home_la = serializers.SlugRelatedField(
        slug_field="slug", queryset=Area.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(help_text="Why the record is being changed.")


class SearchHitSerializer(serializers.Serializer):
    child = ChildSerializer()
    score = serializers.FloatField()
    matched_on = serializers.CharField()


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The child's record number.")


class ChildViewSet(IdempotentMixin, viewsets.ViewSet):
    """Children the caller may see. Anything else is 404, and the attempt is audited."""

    permission_classes = [HasCapability.of("child.view")]
    serializer_class = ChildSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                description="Name, date of birth and/or identifier; typos allowed.",
            )
        ],
        responses=SearchHitSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            return Response(
                {"q": ["Give a name, date of birth or identifier to search for."]}, status=400
            )
        hits = selectors.child_search(request.user, query)
        return Response(SearchHitSerializer(hits, many=True).data)

    def replay_read(self, request: Request, object_id: int) -> Response:
        child = selectors.child_get_for_user(request.user, object_id, action="child.view.api")
        return Response(ChildSerializer(child).data)

    @extend_schema(parameters=[_ID], responses=ChildSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        child = selectors.child_get_for_user(request.user, int(pk), action="child.view.api")
        return Response(ChildSerializer(child).data)

    @extend_schema(
        request=ChildCreateSerializer,
        responses={201: ChildSerializer},
        examples=[
            OpenApiExample(
                "A child the team is starting to work with",
                request_only=True,
                value={
                    "given_name": "Jay",
                    "family_name": "Example",
                    "date_of_birth": "2011-03-27",
                    "sex": "M",
                    "home_la": "norfolk-cc",
                    "identifiers": [{"kind": "police", "value": "09/123456A"}],
                    "team": "norfolk-mace",
                },
            )
        ],
    )
    def create(self, request: Request) -> Response:
        if not can(request.user, "child.create"):
            return Response({"detail": "Your role cannot add children's records."}, status=403)
        serializer = ChildCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        identifiers = [
            services.IdentifierInput(i["kind"], i["value"]) for i in data.pop("identifiers", [])
        ]
        try:
            child = services.child_create(user=request.user, identifiers=identifiers, **data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(ChildSerializer(child).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[_ID], request=ChildUpdateSerializer, responses=ChildSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        if not can(request.user, "child.edit"):
            return Response({"detail": "Your role cannot change children's records."}, status=403)
        child = selectors.child_get_for_user(request.user, int(pk), action="child.view.api")
        serializer = ChildUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason")
        try:
            services.child_update(user=request.user, child=child, reason=reason, **data)
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(ChildSerializer(child).data)
