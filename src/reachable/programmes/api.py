"""REST endpoints for the programme board, through the same access rules, builders and import as
the pages: programmes with their deliverables' RAG and their targets' figures, the spend import,
and the partnership picture."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.audit.services import audit_record
from reachable.lib.api_uploads import import_response
from reachable.lib.converters import RECORD_ID_REGEX
from reachable.programmes import access, importer
from reachable.programmes.models import Programme
from reachable.programmes.pack import pack_build
from reachable.programmes.periods import Quarter
from reachable.programmes.selectors import partnership_picture


class OnTheBoard(BasePermission):
    """Board members, analysts and project leads (``programmes.access.may_see_any``)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and access.may_see_any(
            request.user
        )


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "name", "funder", "grant_holder", "starts_on", "ends_on", "summary"]


def _detail(programme: Programme, exact: bool) -> dict[str, Any]:
    content = pack_build(
        programme, Quarter.containing(timezone.localdate()), exact=exact, charts=False
    )
    return {
        **ProgrammeSerializer(programme).data,
        "deliverables": [
            {
                "id": r.deliverable.pk,
                "title": r.deliverable.title,
                "project": str(r.deliverable.project or ""),
                "due_on": r.deliverable.due_on,
                "status": r.update.status if r.update else None,
                "rag": r.rag,
                "reason": r.update.reason if r.update else "",
                "as_at": r.update.as_at if r.update else None,
            }
            for r in content.deliverables
        ],
        "targets": [
            {
                "id": r.target.pk,
                "name": r.target.name,
                "measure": r.target.measure or None,
                "unit": r.target.unit,
                "target": r.target.target,
                "this_quarter": r.this_quarter,
                "to_date": r.to_date,
                "source": r.source,
            }
            for r in content.targets
        ],
    }


class ProgrammeViewSet(IdempotentMixin, viewsets.ViewSet):
    """Programmes you are on the board of, or lead a project in."""

    permission_classes = [OnTheBoard]
    serializer_class = ProgrammeSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(responses=ProgrammeSerializer(many=True))
    def list(self, request: Request) -> Response:
        programmes = access.programmes_visible(request.user)
        audit_record(user=request.user, action="programmes.api.list")
        return Response(ProgrammeSerializer(programmes, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "ProgrammeDetail",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "deliverables": serializers.ListField(child=serializers.DictField()),
                "targets": serializers.ListField(child=serializers.DictField()),
            },
        )
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        programme = get_object_or_404(access.programmes_visible(request.user), pk=int(pk))
        audit_record(user=request.user, action="programmes.api.view", obj=programme)
        return Response(_detail(programme, access.exact_child_counts(request.user)))

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "SpendImportUpload", {"file": serializers.FileField()}
            )
        },
        responses={
            200: inline_serializer("SpendImportResult", {"written": serializers.IntegerField()}),
        },
    )
    @action(detail=True, methods=["post"], url_path="spend", parser_classes=[MultiPartParser])
    def spend_import(self, request: Request, pk: str) -> Response:
        """The page's spend import: every row or none, problems by row, column, value and fix."""
        programme = get_object_or_404(access.programmes_visible(request.user), pk=int(pk))
        access.write_check(request.user, programme, "import spend")
        return import_response(
            request.FILES.get("file"),
            lambda path, name: importer.spend_import(
                user=request.user, programme=programme, path=path, filename=name
            ),
        )


class PartnershipPictureView(APIView):
    """The partnership picture for a quarter: per county, live counts (children suppressed for
    all but analysts)."""

    permission_classes = [HasCapability.of("programmes.picture")]

    @extend_schema(
        parameters=[OpenApiParameter("quarter", str, description="its first day, e.g. 2026-07-01")],
        responses=inline_serializer(
            "PartnershipPicture",
            {
                "quarter": serializers.CharField(),
                "exact": serializers.BooleanField(),
                "columns": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        latest = Quarter.containing(timezone.localdate())
        try:
            quarter = Quarter.parse(request.query_params.get("quarter", latest.key()))
        except ValueError:
            return Response(
                {"quarter": ["Send the quarter's first day, e.g. 2026-07-01."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if quarter > latest:
            return Response(
                {"quarter": ["That quarter has not started yet."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        picture = partnership_picture(request.user, quarter)
        audit_record(
            user=request.user,
            action="programmes.picture.api",
            detail={"quarter": quarter.short, "exact": picture.exact},
        )
        return Response(
            {
                "quarter": quarter.label,
                "exact": picture.exact,
                "columns": [heading for heading, _, _ in picture.headings],
                "rows": [
                    {"county": name, "values": [c.value for c in cells]}
                    for name, cells in picture.rows
                ],
            }
        )
