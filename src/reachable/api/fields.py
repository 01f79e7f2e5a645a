"""Serializer fields and answers shared by every app's API (so no app imports another's api)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.response import Response

from reachable.core.models import Code


def code_field(list_key: str, **kwargs: Any) -> serializers.SlugRelatedField:
    """A value from one of the partnership's code lists, sent and shown by its code."""
    kwargs.setdefault(
        "error_messages",
        {
            "does_not_exist": f"'{{value}}' is not one of the {list_key} codes: "
            "GET /api/codes/ lists them."
        },
    )
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Code.objects.filter(code_list__key=list_key, active=True),
        **kwargs,
    )


def service_error(exc: DjangoValidationError) -> Response:
    """A service's refusal as the API's error shape: messages by field, or the request's."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return Response(detail, status=status.HTTP_400_BAD_REQUEST)
