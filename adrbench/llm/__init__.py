"""The one place for LLM/LVLM clients: requests, prompts, reply parsing, retries, budgets and the request cache.

Shared by the LVLM baselines, the ADR describers and the judges. Importing it loads no SDK; the OpenAI and
google-genai clients are imported when a backend is first used.
"""

from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache, open_cache
from adrbench.llm.client import LLMClient
from adrbench.llm.connect import make_client, text_request
from adrbench.llm.keys import api_key_from_env
from adrbench.llm.messages import ChatRequest, ChatResult, Part
from adrbench.llm.retry import RetryPolicy

__all__ = [
    "Budget",
    "ChatRequest",
    "ChatResult",
    "LLMClient",
    "Part",
    "Pricing",
    "RequestCache",
    "RetryPolicy",
    "api_key_from_env",
    "make_client",
    "text_request",
    "open_cache",
]
