"""``python -m langchain_cometapi.demo``: the package end to end, offline or live.

_data (the knowledge base), _offline (the model: emulator or live), _ui (terminal output),
_main (the script). Not part of the library's pipeline.
"""

from ._main import main

__all__ = ["main"]
