"""The one place for LLM/LVLM clients: requests, prompts, reply parsing, retries, budgets and the request cache.

Shared by the LVLM baselines, the ADR describers and the judges, which all configure a client the same way: a
provider name (`PROVIDERS`) and a `ClientSpec`, given to `connect`. Importing it loads no SDK; the OpenAI and
google-genai clients are imported when a backend is first used.
"""

from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache, open_cache
from adrbench.llm.client import LLMClient
from adrbench.llm.keys import api_key_from_env
from adrbench.llm.messages import ChatRequest, ChatResult, Part, text_request
from adrbench.llm.retry import RetryPolicy
from adrbench.llm.spec import PROVIDERS, RUNTIME_FIELDS, ClientSpec, Provider, connect

__all__ = [
    "PROVIDERS",
    "RUNTIME_FIELDS",
    "Budget",
    "ChatRequest",
    "ChatResult",
    "ClientSpec",
    "LLMClient",
    "Part",
    "Pricing",
    "Provider",
    "RequestCache",
    "RetryPolicy",
    "api_key_from_env",
    "connect",
    "open_cache",
    "text_request",
]
