"""Form input for the web pages, validated by the same models as the JSON API."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from quart import request

from graph.requests import field_errors

FORM_ONLY_FIELDS = {"csrf_token", "next", "alt"}  # read by the views themselves (alt: per image)


async def form_data() -> dict[str, str]:
    form = await request.form
    return {key: value for key, value in form.items() if key not in FORM_ONLY_FIELDS}


def validate_form(model: type[BaseModel], data: dict[str, str]):
    """(the model, {}) when valid; (None, errors by field) when not."""
    try:
        return model.model_validate(data), {}
    except ValidationError as error:
        return None, field_errors(error)
