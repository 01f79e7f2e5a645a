"""REST endpoints for the minimum dataset: an agency's system submits its return and follows the
check; the partnership reads completeness and the published (suppressed) baseline. The same
services and rules as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reachable.accounts.decorators import HasCapability
from reachable.accounts.idempotency import IdempotentMixin
from reachable.accounts.permissions import agency_for
from reachable.api.fields import service_error
from reachable.audit.services import audit_record
from reachable.core.models import Area
from reachable.lib.api_uploads import problem
from reachable.lib.converters import RECORD_ID_REGEX, parse_record_id
from reachable.returns import selectors, services
from reachable.returns.baseline import baseline_build, shown
from reachable.returns.models import Domain, ReturnPeriod, ReturnProblem, Submission


class SubmissionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    problems_url = serializers.SerializerMethodField()
    period = serializers.CharField(source="period.label")
    domain = serializers.CharField(source="domain.key")
    county: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    finished = serializers.BooleanField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "url",
            "problems_url",
            "period",
            "domain",
            "county",
            "filename",
            "submitted_at",
            "status",
            "progress",
            "finished",
            "rows",
            "problem_count",
            "notes",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, sub: Submission) -> str:
        return reverse("api:return-detail", args=[sub.pk])

    def get_problems_url(self, sub: Submission) -> str:
        return reverse("api:return-problems", args=[sub.pk])


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnProblem
        fields = ["row", "column", "value", "message"]


UPLOAD = inline_serializer(
    "ReturnUpload",
    {
        "period": serializers.IntegerField(help_text="The return period's id (GET /api/periods)."),
        "domain": serializers.CharField(help_text="The domain's key, for example youth-justice."),
        "county": serializers.CharField(help_text="The county's slug, for example norfolk."),
        "file": serializers.FileField(),
        "gaps": serializers.CharField(required=False, help_text="Measures not provided, and why."),
    },
)


class ReturnViewSet(IdempotentMixin, viewsets.ViewSet):
    """The caller's agency's returns: submit one (202), then follow its check."""

    permission_classes = [HasCapability.of("returns.submit")]
    parser_classes = [MultiPartParser]
    serializer_class = SubmissionSerializer
    lookup_value_regex = RECORD_ID_REGEX

    @extend_schema(responses=SubmissionSerializer(many=True))
    def list(self, request: Request) -> Response:
        rows = selectors.submissions_visible(request.user)[:200]
        return Response(SubmissionSerializer(rows, many=True).data)

    @extend_schema(responses=SubmissionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        """The job: poll until ``finished`` is true, then read ``status`` and the problems."""
        return self.replay_read(request, int(pk))

    def replay_read(self, request: Request, object_id: int) -> Response:
        found = selectors.submission_get_for_user(request.user, object_id)
        return Response(SubmissionSerializer(found).data)

    @extend_schema(responses=ProblemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def problems(self, request: Request, pk: str) -> Response:
        """Every problem found, by row, column, value (never an identifier's) and fix."""
        found = selectors.submission_get_for_user(request.user, int(pk))
        return Response(ProblemSerializer(found.problems.all()[:5000], many=True).data)

    @extend_schema(request={"multipart/form-data": UPLOAD}, responses={202: SubmissionSerializer})
    def create(self, request: Request) -> Response:
        agency = agency_for(request.user, "returns.submit")
        data, upload = request.data, request.FILES.get("file")
        period_id = parse_record_id(data.get("period"))
        period = ReturnPeriod.objects.filter(pk=period_id).first() if period_id else None
        if period is None:
            return problem("period", str(data.get("period", "")), "Give a return period's id.")
        domain = Domain.objects.filter(
            version__version=period.spec_version, key=str(data.get("domain", ""))
        ).first()
        if domain is None:
            keys = Domain.objects.filter(
                version__version=period.spec_version,
                owner_agency_type=agency.agency_type.code,
            ).values_list("key", flat=True)
            return problem(
                "domain",
                str(data.get("domain", "")),
                f"Give the domain's key for {period}: {', '.join(keys) or 'none for your agency'}.",
            )
        county = Area.objects.filter(
            slug=str(data.get("county", "")), kind=Area.Kind.COUNTY
        ).first()
        if county is None:
            return problem("county", str(data.get("county", "")), "Give the county's slug.")
        if upload is None:
            return problem("file", "", "Send the return as 'file' (CSV, XLSX or ODS).")
        try:
            sub = services.submission_queue(
                user=request.user,
                period=period,
                domain=domain,
                county=county,
                filename=upload.name or "return.csv",
                chunks=upload.chunks(),
                gaps=str(data.get("gaps", "")),
            )
        except DjangoValidationError as exc:
            return service_error(exc)
        answer = Response(SubmissionSerializer(sub).data, status=status.HTTP_202_ACCEPTED)
        answer["Location"] = reverse("api:return-detail", args=[sub.pk])
        return answer


def _period(request: Request) -> ReturnPeriod:
    asked = request.query_params.get("period")
    if asked is not None and parse_record_id(asked) is None:
        raise Http404("No such period")
    _, chosen = selectors.period_chosen(asked)
    if asked is not None and str(chosen.pk) != asked:
        raise Http404("No such period")
    return chosen


PERIOD = OpenApiParameter(
    "period", int, description="A return period's id; by default the open period due first."
)


class CompletenessView(APIView):
    """Which measures each county's returns hold, for one period."""

    permission_classes = [HasCapability.of("returns.completeness")]

    @extend_schema(
        parameters=[PERIOD],
        responses=inline_serializer(
            "Completeness",
            {
                "period": serializers.CharField(),
                "counties": serializers.ListField(child=serializers.CharField()),
                "rows": serializers.ListField(
                    child=inline_serializer(
                        "CompletenessRow",
                        {
                            "domain": serializers.CharField(),
                            "measure": serializers.CharField(),
                            "states": serializers.ListField(
                                child=serializers.ChoiceField(["submitted", "partial", "missing"])
                            ),
                        },
                    )
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        matrix = selectors.completeness(_period(request))
        return Response(
            {
                "period": matrix.period.label,
                "counties": [c.slug for c in matrix.counties],
                "rows": [
                    {
                        "domain": r.domain.key,
                        "measure": r.measure.name,
                        "states": [c.state for c in r.cells],
                    }
                    for r in matrix.rows
                ],
            }
        )


class BaselineView(APIView):
    """The regional baseline as published: small numbers suppressed, whoever asks."""

    permission_classes = [HasCapability.of("returns.baseline")]

    @extend_schema(
        parameters=[PERIOD],
        responses=inline_serializer(
            "Baseline",
            {
                "period": serializers.CharField(),
                "tables": serializers.ListField(
                    child=inline_serializer(
                        "BaselineTable",
                        {
                            "key": serializers.CharField(),
                            "title": serializers.CharField(),
                            "note": serializers.CharField(),
                            "header": serializers.ListField(child=serializers.CharField()),
                            "rows": serializers.ListField(
                                child=serializers.ListField(child=serializers.JSONField()),
                                help_text='Counts, or "[c]" where a small number is hidden.',
                            ),
                        },
                    )
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        period = _period(request)
        tables = shown(baseline_build(period), exact=False)
        audit_record(
            user=request.user,
            action="baseline.view",
            detail={"period": period.label, "exact": False, "via": "api"},
        )
        return Response(
            {
                "period": period.label,
                "tables": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "note": t.note,
                        "header": t.header,
                        "rows": t.rows,
                    }
                    for t in tables
                ],
            }
        )


class PeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnPeriod
        fields = ["id", "label", "starts_on", "ends_on", "due_on", "spec_version", "closed"]


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Return periods: what each return is for, when it is due, and whether it is still open."""

    queryset = ReturnPeriod.objects.order_by("-starts_on")
    serializer_class = PeriodSerializer
    lookup_value_regex = RECORD_ID_REGEX
