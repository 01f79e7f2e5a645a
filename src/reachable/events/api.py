"""REST endpoints for events: the sessions coming up, as the public events page lists them. The
joining link is never given here (it goes only to confirmed places, by email); registration is
for people, on the page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.events.models import Session
from reachable.lib.converters import RECORD_ID_REGEX


class SessionSerializer(serializers.ModelSerializer):
    series: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    online = serializers.BooleanField(read_only=True)
    page = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "series",
            "title",
            "page",
            "description",
            "themes",
            "audiences",
            "starts_at",
            "ends_at",
            "online",
            "venue",
            "accessibility",
            "capacity",
            "cancelled",
        ]
        read_only_fields = fields

    def get_page(self, session: Session) -> str:
        return reverse("events:series", kwargs={"slug": session.series.slug})


class SessionViewSet(viewsets.ViewSet):
    """Sessions that have not ended, soonest first."""

    serializer_class = SessionSerializer
    lookup_value_regex = RECORD_ID_REGEX

    def _upcoming(self):
        return (
            Session.objects.filter(ends_at__gte=timezone.now())
            .select_related("series")
            .order_by("starts_at")
        )

    @extend_schema(responses=SessionSerializer(many=True))
    def list(self, request: Request) -> Response:
        return Response(SessionSerializer(self._upcoming()[:200], many=True).data)

    @extend_schema(responses=SessionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SessionSerializer(get_object_or_404(self._upcoming(), pk=int(pk))).data)
