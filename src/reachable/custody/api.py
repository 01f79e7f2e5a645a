"""REST endpoints for custody work: what a police custody system would automate, through the same
services, rules and refusals as the pages (a refused detention leaves no child's record behind).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.api.fields import code_field, service_error
from reachable.audit.services import audit_list, audit_record
from reachable.children.selectors import similarly_named
from reachable.core.models import Agency, Area, Place, Team
from reachable.custody import selectors, services, tasks
from reachable.custody.access import may_read_detention, suites_for
from reachable.custody.models import ConcernShare, Detention, DetentionImport, Engagement
from reachable.custody.services import IDENTITY
from reachable.lib.api_uploads import problem
from reachable.lib.converters import RECORD_ID_REGEX

# Custody writes: the role that records detentions (the board alone is also read by managers).
RECORDS = [HasCapability.of("custody.record")]


class DetentionSerializer(serializers.ModelSerializer):
    child = serializers.IntegerField(
        source="child_id",
        allow_null=True,
        help_text="The child's record number. Null when a detention was recorded for a child "
        "whose record it does not open to you (an old arrest of a known child): the number, and "
        "whether the child is from out of county, would tell you about a record you may not see.",
    )
    out_of_county = serializers.BooleanField(allow_null=True)
    suite: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    offence: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Detention
        fields = [
            "id",
            "child",
            "suite",
            "arrested_at",
            "arrived_at",
            "released_at",
            "offence",
            "out_of_county",
            "appropriate_adult",
            "carer_informed",
            "was_approached",
            "was_engaged",
            "first_intervention_at",
        ]
        read_only_fields = fields


class DetentionCreateSerializer(serializers.Serializer):
    """A detention with the child's details as custody holds them: the child is found (by police
    identifier, then exact name and date of birth) or added, as on the page."""

    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    sex = code_field("sex")
    home_la = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY),
        required=False,
        allow_null=True,
    )
    police_id = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    suite = serializers.SlugRelatedField(
        slug_field="slug", queryset=Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE)
    )
    arrested_at = serializers.DateTimeField()
    arrived_at = serializers.DateTimeField()
    offence = code_field("offence-category")
    arresting_force = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(agency_type__code="police"),
        required=False,
        allow_null=True,
    )
    appropriate_adult = serializers.BooleanField(default=False)
    carer_informed = serializers.BooleanField(default=False)
    comfort_box = serializers.BooleanField(default=False)
    age_override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    not_a_duplicate = serializers.BooleanField(
        default=False,
        help_text="Send true once you have checked that the child is not one of the possible "
        "matches a first attempt was refused for.",
    )


class ReleaseSerializer(serializers.Serializer):
    released_at = serializers.DateTimeField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to correct a release time already recorded (the earlier time is kept).",
    )


class VisitSerializer(serializers.ModelSerializer):
    reason_not_engaged = code_field("engagement-not-reason", required=False, allow_null=True)
    topics = code_field("engagement-topic", many=True, required=False)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "attempted_at",
            "engaged",
            "reason_not_engaged",
            "topics",
            "discussed",
            "childs_words",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"discussed": {"required": False}, "childs_words": {"required": False}}


class ConcernSerializer(serializers.ModelSerializer):
    to_team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    method = code_field("share-method")

    class Meta:
        model = ConcernShare
        fields = ["id", "to_team", "method", "summary", "shared_at", "acknowledged_at"]
        read_only_fields = ["id", "shared_at", "acknowledged_at"]


def _detention_answer(detention: Detention, code: int = 200) -> Response:
    return Response(DetentionSerializer(detention).data, status=code)


class DetentionViewSet(IdempotentMixin, viewsets.ViewSet):
    """Children detained at the caller's suites, and the custody work recorded about them."""

    permission_classes = [HasCapability.of("custody.board")]
    serializer_class = DetentionSerializer
    lookup_value_regex = RECORD_ID_REGEX

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [permission() for permission in RECORDS]
        return list(super().get_permissions())

    def replay_read(self, request: Request, object_id: int) -> Response:
        """The first answer, read again with access checked (for a retried write)."""
        if self.action == "visit":
            visit = Engagement.objects.filter(pk=object_id).first()
            if visit is None:
                raise Http404("No such visit")
            selectors.detention_get_for_user(request.user, visit.detention_id)
            return Response(VisitSerializer(visit).data)
        if self.action == "concern":
            share = ConcernShare.objects.filter(pk=object_id).first()
            if share is None:
                raise Http404("No such concern")
            selectors.detention_get_for_user(request.user, share.detention_id)
            return Response(ConcernSerializer(share).data)
        return _detention_answer(selectors.detention_get_for_user(request.user, object_id))

    @extend_schema(responses=DetentionSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Detained now at the caller's suites (the custody board)."""
        rows = list(selectors.live_board(request.user)[:200])
        audit_list(
            user=request.user, what="api custody board", child_ids=[d.child_id for d in rows]
        )
        return Response(DetentionSerializer(rows, many=True).data)

    @extend_schema(responses=DetentionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return _detention_answer(selectors.detention_get_for_user(request.user, int(pk)))

    @extend_schema(
        request=DetentionCreateSerializer,
        responses={201: DetentionSerializer},
        examples=[
            OpenApiExample(
                "A 15-year-old from Lambeth, detained in Norfolk",
                request_only=True,
                value={
                    "given_name": "Kai",
                    "family_name": "Example",
                    "date_of_birth": "2011-05-02",
                    "sex": "M",
                    "home_la": "lambeth",
                    "police_id": "09/123456A",
                    "suite": "wymondham-pic",
                    "offence": "pwits-a",
                    "arrested_at": "2026-12-03T14:05:00Z",
                    "arrived_at": "2026-12-03T14:40:00Z",
                },
            )
        ],
    )
    def create(self, request: Request) -> Response:
        """Record a detention (the same checks as the page: age 10-17 or a reason, times in
        order, one of your suites, not the same arrest twice)."""
        serializer = DetentionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirmed = data.pop("not_a_duplicate")
        if data["suite"].pk not in suites_for(request.user):
            # Before any search for similar names: a caller at no suite of its own learns nothing.
            return Response(
                {"suite": ["You can record detentions only at the suites your team works in."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        similar = similarly_named(
            given_name=data["given_name"],
            family_name=data["family_name"],
            date_of_birth=data["date_of_birth"],
        )
        if similar and not confirmed:
            return Response(
                {
                    "not_a_duplicate": [
                        f"{len(similar)} record(s) with a similar name and the same date of "
                        "birth exist. Check with custody that the name is right, then send "
                        "again with not_a_duplicate: true."
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            detention = services.detention_of_person(
                user=request.user,
                identity={"home_la": None, **{k: data.pop(k) for k in IDENTITY if k in data}},
                **data,
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        answer = _detention_answer(detention, status.HTTP_201_CREATED)
        if not may_read_detention(request.user, detention):
            answer.data.update({"child": None, "out_of_county": None})
        answer["Location"] = reverse("api:detention-detail", args=[detention.pk])
        return answer

    def _act(
        self, request: Request, pk: str, given: type, save: Any, answer: type, code: int = 200
    ) -> Response:
        """A write about one detention: read it (access checked), validate, save, answer."""
        detention = selectors.detention_get_for_user(request.user, int(pk))
        serializer = given(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            done = save(detention, dict(serializer.validated_data))
        except DjangoValidationError as exc:
            return service_error(exc)
        return Response(answer(done).data, status=code)

    @extend_schema(
        request=ReleaseSerializer,
        responses=DetentionSerializer,
        examples=[
            OpenApiExample(
                "Released", request_only=True, value={"released_at": "2026-12-03T21:30:00Z"}
            ),
            OpenApiExample(
                "A correction",
                request_only=True,
                value={"released_at": "2026-12-03T20:30:00Z", "reason": "Typed 21:30 for 20:30."},
            ),
        ],
    )
    @action(detail=True, methods=["post"], permission_classes=RECORDS)
    def release(self, request: Request, pk: str) -> Response:
        """Record the release, or correct a recorded release time (with a reason)."""
        return self._act(
            request,
            pk,
            ReleaseSerializer,
            lambda d, data: services.detention_release(user=request.user, detention=d, **data),
            DetentionSerializer,
        )

    @extend_schema(
        request=VisitSerializer,
        responses={201: VisitSerializer},
        examples=[
            OpenApiExample(
                "Seen, and talked",
                request_only=True,
                value={"attempted_at": "2026-12-03T15:10:00Z", "engaged": True},
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="visits", permission_classes=RECORDS)
    def visit(self, request: Request, pk: str) -> Response:
        """Record a visit to the child in custody, whether or not they engaged."""
        return self._act(
            request,
            pk,
            VisitSerializer,
            lambda d, data: services.engagement_record(user=request.user, detention=d, **data),
            VisitSerializer,
            status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ConcernSerializer,
        responses={201: ConcernSerializer},
        examples=[
            OpenApiExample(
                "To the home area's front door",
                request_only=True,
                value={
                    "to_team": "norfolk-mash",
                    "method": "phone",
                    "summary": "Found with a second phone; says he owes money.",
                },
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="concerns", permission_classes=RECORDS)
    def concern(self, request: Request, pk: str) -> Response:
        """Share a concern with another team (under the information-sharing agreement)."""
        return self._act(
            request,
            pk,
            ConcernSerializer,
            lambda d, data: services.concern_share(user=request.user, detention=d, **data),
            ConcernSerializer,
            status.HTTP_201_CREATED,
        )


class CustodyImportSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = DetentionImport
        fields = [
            "id",
            "url",
            "filename",
            "status",
            "rows_in_file",
            "rows_checked",
            "queued_at",
            "finished_at",
            "created",
            "already_imported",
            "new_children",
            "problems",
        ]
        read_only_fields = fields

    def get_url(self, job: DetentionImport) -> str:
        return reverse("api:custody-import-detail", args=[job.pk])


class CustodyImportViewSet(IdempotentMixin, viewsets.ViewSet):
    """A custody system's export, imported in the background: 202, then follow the job."""

    permission_classes = [HasCapability.of("custody.import")]
    parser_classes = [MultiPartParser]
    serializer_class = CustodyImportSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(responses=CustodyImportSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """The job: its status, counts and, once checked, every problem by row and column."""
        return self.replay_read(request, int(pk))

    def replay_read(self, request: Request, object_id: int) -> Response:
        job = selectors.import_get_for_user(request.user, object_id)
        if job.problems:
            audit_record(user=request.user, action="detention.import.report", obj=job)
        return Response(CustodyImportSerializer(job).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "CustodyImportUpload", {"file": serializers.FileField()}
            )
        },
        responses={202: CustodyImportSerializer},
    )
    def create(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return problem("file", "", "Send the file (CSV, XLSX or ODS) as 'file'.")
        if not suites_for(request.user):
            return problem("file", "", "Your team works at no custody suite to import for.")
        try:
            job = tasks.import_queue(
                user=request.user, chunks=upload.chunks(), filename=upload.name or "upload.csv"
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        answer = Response(CustodyImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        answer["Location"] = reverse("api:custody-import-detail", args=[job.pk])
        return answer
