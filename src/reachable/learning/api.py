"""REST endpoints for the learning hub: published practice examples, searched as the hub page
searches them. Drafts and examples under review are never listed, nor is their existence told."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.learning import search
from reachable.learning.models import PracticeExample, State


class PracticeExampleSerializer(serializers.ModelSerializer):
    county: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    theme = serializers.CharField(source="theme.label", read_only=True)
    evidence = serializers.CharField(source="evidence.label", read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = PracticeExample
        fields = [
            "slug",
            "title",
            "page",
            "county",
            "workstream",
            "theme",
            "audience",
            "tags",
            "evidence",
            "summary",
            "purpose",
            "implementation",
            "evaluation",
            "state",
            "published_at",
            "review_by",
        ]
        read_only_fields = fields

    def get_page(self, example: PracticeExample) -> str:
        return reverse("learning:example", kwargs={"slug": example.slug})


class PracticeExampleViewSet(viewsets.ViewSet):
    """Published (and archived) practice examples."""

    serializer_class = PracticeExampleSerializer
    lookup_field = "slug"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words to search for; empty lists all.")
        ],
        responses=PracticeExampleSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        found = search.search(request.query_params.get("q", ""), {})
        return Response(
            PracticeExampleSerializer([r.example for r in found.results], many=True).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)],
        responses=PracticeExampleSerializer,
    )
    def retrieve(self, request: Request, slug: str) -> Response:
        example = (
            PracticeExample.objects.select_related("theme", "county", "evidence")
            .filter(slug=slug, state__in=[State.PUBLISHED, State.ARCHIVED])
            .first()
        )
        if example is None:
            raise Http404("No such example")
        return Response(PracticeExampleSerializer(example).data)
