"""Pure conversions between LangChain and the Messages wire format; no I/O happens here.

request (messages -> turns), lc_v1 (LangChain v1 blocks -> Anthropic blocks), tools, structured
(with_structured_output specs), validate (checks only), response and stream (wire -> LangChain).
"""
