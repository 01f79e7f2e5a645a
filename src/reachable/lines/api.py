"""REST endpoints for the county lines picture, through the same selectors, services and access
rules as the pages: intelligence roles read lines and import files; the partnership reads the
aggregate picture."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.audit.services import audit_record
from reachable.lib.api_uploads import import_response, problem
from reachable.lib.converters import RECORD_ID_REGEX
from reachable.lines import importer, network, selectors
from reachable.lines.access import exact_child_counts
from reachable.lines.models import Line


class LineSerializer(serializers.ModelSerializer):
    origin = serializers.CharField(source="origin.name")
    destinations = serializers.SerializerMethodField()
    status_now = serializers.CharField(allow_null=True)
    first_seen = serializers.DateField(allow_null=True)
    last_seen = serializers.DateField(allow_null=True)
    grading = serializers.CharField()

    class Meta:
        model = Line
        fields = [
            "id",
            "name",
            "origin",
            "destinations",
            "model",
            "crosses_force_boundary",
            "controlling_group",
            "status_now",
            "first_seen",
            "last_seen",
            "source",
            "grading",
        ]

    def get_destinations(self, line: Line) -> list[str]:
        return sorted(p.name for p in line.destinations.all())


class LineViewSet(IdempotentMixin, viewsets.ViewSet):
    """Lines, with status and first and last seen (intelligence roles only)."""

    permission_classes = [HasCapability.of("lines.view")]
    serializer_class = LineSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("status", str)],
        responses=LineSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        lines = selectors.lines_search(
            q=request.query_params.get("q", ""), status=request.query_params.get("status", "")
        ).prefetch_related("destinations")[:500]
        return Response(LineSerializer(lines, many=True).data)

    @extend_schema(responses=LineSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(LineSerializer(selectors.line_get(int(pk))).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "LinesImportUpload",
                {
                    "kind": serializers.ChoiceField(sorted(importer.COLUMNS)),
                    "file": serializers.FileField(),
                },
            )
        },
        responses={
            200: inline_serializer("LinesImportResult", {"written": serializers.IntegerField()}),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser],
        permission_classes=[HasCapability.of("lines.edit")],
    )
    def import_file(self, request: Request) -> Response:
        """The page's import: every row or none, problems by row, column, value and fix."""
        kind, upload = request.data.get("kind", ""), request.FILES.get("file")
        if kind not in importer.COLUMNS:
            return problem(
                "kind", kind, f"Send kind (one of {', '.join(importer.COLUMNS)}) and the file."
            )
        return import_response(
            upload,
            lambda path, name: importer.lines_import(
                user=request.user, kind=kind, path=path, filename=name
            ),
        )


class PictureView(APIView):
    """The aggregate network picture: flows, towns (with hubs) and figures by county."""

    permission_classes = [HasCapability.of("lines.picture")]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", str, description="2026 or 2026-Q3; default the last 12 months"
            )
        ],
        responses=inline_serializer(
            "LinesPicture",
            {
                "period": serializers.CharField(),
                "lines": serializers.IntegerField(),
                "flows": serializers.ListField(child=serializers.DictField()),
                "towns": serializers.ListField(child=serializers.DictField()),
                "counties": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        try:
            period = network.period_of(
                request.query_params.get("period"), today=timezone.localdate()
            )
        except ValueError as exc:
            return Response({"period": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        net = network.network(network.Filters(period))
        audit_record(user=request.user, action="lines.picture.api", detail={"period": period.label})
        return Response(
            {
                "period": period.label,
                "lines": net.lines,
                "flows": [
                    {"from": f.origin, "to": f.destination, "lines": f.lines, "before": f.before}
                    for f in net.flows
                ],
                "towns": [
                    {
                        "name": t.name,
                        "county": t.county,
                        "receives": t.receives,
                        "sends": t.sends,
                        "betweenness": t.betweenness,
                        "hub": t.hub,
                    }
                    for t in net.towns
                ],
                "counties": [
                    c.__dict__
                    for c in network.county_figures(
                        period, exact_children=exact_child_counts(request.user)
                    )
                ],
            }
        )
