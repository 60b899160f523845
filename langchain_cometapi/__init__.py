"""Claude through CometAPI's Anthropic-native endpoint as a LangChain chat model.

The public API is gathered here; the modules behind it are private and one concept each.
"""

from ._cache_plan import Breakpoint, CachePlan
from ._cache_planner import CachePlanner
from ._cache_policy import CachePolicy
from ._version import __version__
from .cache_report import CacheReport, CacheReportCallback
from .chat_models import ChatCometAPI

__all__ = [
    "Breakpoint",
    "CachePlan",
    "CachePlanner",
    "CachePolicy",
    "CacheReport",
    "CacheReportCallback",
    "ChatCometAPI",
    "__version__",
]
