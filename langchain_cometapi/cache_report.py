"""Old public path of the cache report; it lives in ``langchain_cometapi.cache`` now."""

from .cache._report import CacheReport, CacheReportCallback, CacheTurn

__all__ = ["CacheReport", "CacheReportCallback", "CacheTurn"]
