"""Default LangChain model profiles for Claude models (``llm.profile``).

langchain 1.x reads them: ``SummarizationMiddleware`` needs ``max_input_tokens`` for fractional
triggers, ``create_agent`` checks ``structured_output`` to pick provider-native structured
output. ChatAnthropic ships the same kind of table; an unknown model gets no profile.
"""

from __future__ import annotations

from langchain_core.language_models import ModelProfile

from ._models import normalize_model

# prefix -> (max input tokens, max output tokens, native structured outputs, extended thinking)
_LIMITS: dict[str, tuple[int, int, bool, bool]] = {
    "claude-3-haiku": (200_000, 4_096, False, False),
    "claude-3-5-haiku": (200_000, 8_192, False, False),
    "claude-3-5-sonnet": (200_000, 8_192, False, False),
    "claude-3-7-sonnet": (200_000, 64_000, False, True),
    "claude-sonnet-4": (200_000, 64_000, False, True),
    "claude-sonnet-4-5": (200_000, 64_000, True, True),
    "claude-sonnet-4-6": (1_000_000, 64_000, True, True),
    "claude-haiku-4-5": (200_000, 64_000, True, True),
    "claude-opus-4": (200_000, 32_000, False, True),
    "claude-opus-4-1": (200_000, 32_000, True, True),
    "claude-opus-4-5": (200_000, 64_000, True, True),
    "claude-opus-4-6": (1_000_000, 128_000, True, True),
    "claude-opus-4-7": (1_000_000, 128_000, True, True),
}


def default_profile(model: str) -> ModelProfile | None:
    """The profile of the longest known prefix of ``model`` (dates/provider prefixes ignored)."""
    name = normalize_model(model)
    matches = [k for k in _LIMITS if name == k or name.startswith(k + "-")]
    if not matches:
        return None
    max_in, max_out, structured, reasoning = _LIMITS[max(matches, key=len)]
    return ModelProfile(
        max_input_tokens=max_in,
        max_output_tokens=max_out,
        text_inputs=True,
        image_inputs=True,
        image_url_inputs=True,
        pdf_inputs=True,
        audio_inputs=False,
        video_inputs=False,
        image_tool_message=True,
        pdf_tool_message=True,
        text_outputs=True,
        image_outputs=False,
        audio_outputs=False,
        video_outputs=False,
        reasoning_output=reasoning,
        tool_calling=True,
        tool_choice=True,
        tool_call_streaming=True,
        structured_output=structured,
        temperature=True,
    )
