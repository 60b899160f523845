"""What ChatCometAPI claims to the standard suites: one place, so unit and integration agree."""

from __future__ import annotations

from typing import Any

from langchain_cometapi import ChatCometAPI


class CometAPICapabilities:
    """Mixed in before a langchain_tests base class; every claim is exercised by the suites."""

    @property
    def chat_model_class(self) -> type[ChatCometAPI]:
        return ChatCometAPI

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True  # mapped to output_config.format (Claude needs the schema, which is given)

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return True

    @property
    def supports_pdf_inputs(self) -> bool:
        return True

    @property
    def supports_image_tool_message(self) -> bool:
        return True

    @property
    def supports_pdf_tool_message(self) -> bool:
        return True

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def supports_audio_inputs(self) -> bool:
        return False  # the Messages API takes no audio

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details = ["cache_read_input", "cache_creation_input"]
        return {"invoke": list(details), "stream": list(details)}

    @property
    def supports_model_override(self) -> bool:
        return True
