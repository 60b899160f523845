"""Claude through CometAPI's Anthropic-native endpoint as a LangChain chat model.

The public API is gathered here; the modules behind it are private and one concept each.
"""

from ._version import __version__
from .cache._plan import Breakpoint, CachePlan
from .cache._planner import CachePlanner
from .cache._policy import CachePolicy
from .cache._report import CacheReport, CacheReportCallback
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
