"""Claude through CometAPI's Anthropic-native endpoint as a LangChain chat model."""

from ._cache_planner import CachePlan, CachePolicy
from ._version import __version__
from .chat_models import ChatCometAPI

__all__ = ["CachePlan", "CachePolicy", "ChatCometAPI", "__version__"]
