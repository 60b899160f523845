"""A context overflow relayed by the gateway from a Bedrock channel is a context overflow.

new-api's AWS channel relays Bedrock's ``ValidationException`` with the status AWS gave (400),
typed by its own code (``aws_invoke_error``) and worded by the AWS SDK; Bedrock says "Input is
too long for requested model." where Anthropic says "prompt is too long". Read as a plain
``BadRequestError``, LangChain's ``SummarizationMiddleware`` (which catches
``ContextOverflowError``) never shortened the conversation on such a channel.
"""

from __future__ import annotations

import pytest
from langchain_core.exceptions import ContextOverflowError

from langchain_cometapi import errors
from tests.helpers.responses import PATHS, Recorder, call, json_response, model_with

_AWS = (
    "{op}: operation error Bedrock Runtime: {op}, https response error StatusCode: 400, "
    "RequestID: 6b0c1f9e-0d2a-4c55-9a57-1f3e2d4c5b6a, ValidationException: Input is too long "
    "for requested model. (request id: 20261208010203456789)"
)


def _bedrock_overflow(operation: str) -> dict[str, object]:
    message = _AWS.format(op=operation)
    return {"type": "error", "error": {"type": "aws_invoke_error", "message": message}}


@pytest.mark.parametrize("operation", ["InvokeModel", "InvokeModelWithResponseStream"])
@pytest.mark.parametrize("path", PATHS)
async def test_bedrock_input_too_long_is_a_context_overflow(path: str, operation: str) -> None:
    rec = Recorder(json_response(_bedrock_overflow(operation), 400))
    with pytest.raises(ContextOverflowError) as caught:
        await call(model_with(rec, max_retries=2), path)
    exc = caught.value
    assert isinstance(exc, errors.PromptTooLongError) and exc.status_code == 400
    assert exc.request_id == "20261208010203456789" and not exc.is_retryable
    assert len(rec.requests) == 1


@pytest.mark.parametrize("path", PATHS)
async def test_other_bedrock_validation_errors_stay_bad_requests(path: str) -> None:
    body = _bedrock_overflow("InvokeModel")
    body["error"]["message"] = (  # type: ignore[index]
        "InvokeModel: operation error Bedrock Runtime: InvokeModel, https response error "
        "StatusCode: 400, ValidationException: messages.1.content: Field required"
    )
    with pytest.raises(errors.BadRequestError) as caught:
        await call(model_with(Recorder(json_response(body, 400))), path)
    assert type(caught.value) is errors.BadRequestError
