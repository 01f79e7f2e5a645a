"""Reference data over the API: not personal data, readable by any signed-in user."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from reachable.core.models import Agency, Area, Code, CodeList, Team


class AreaSerializer(serializers.ModelSerializer):
    within: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        source="parent", slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Area
        fields = ["slug", "name", "kind", "within", "gss_code", "in_partnership"]


class AgencySerializer(serializers.ModelSerializer):
    agency_type: serializers.SlugRelatedField[Code] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Agency
        fields = ["slug", "name", "agency_type"]


class TeamSerializer(serializers.ModelSerializer):
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Team
        fields = ["slug", "name", "agency", "area"]


class CodeSerializer(serializers.ModelSerializer):
    code_list: serializers.SlugRelatedField[CodeList] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = Code
        fields = ["code_list", "code", "label", "group", "active"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Area.objects.select_related("parent", "partnership").order_by("name")
    serializer_class = AreaSerializer
    lookup_field = "slug"


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agency.objects.select_related("agency_type").order_by("name")
    serializer_class = AgencySerializer
    lookup_field = "slug"


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.select_related("agency", "area").order_by("name")
    serializer_class = TeamSerializer
    lookup_field = "slug"


class CodeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Code.objects.select_related("code_list").order_by("code_list__key", "order")
    serializer_class = CodeSerializer
