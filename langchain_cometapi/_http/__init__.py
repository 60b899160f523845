"""The Messages client over httpx2: sending, SSE, HTTP answers -> exceptions, the retry decision.

It speaks wire dicts only; nothing here knows about LangChain.
"""
