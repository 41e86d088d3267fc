"""ADR difference descriptions written by an LLM from expert comments (paper §2, Fig. 2), for the ADR builder.

LLM describers are configured like every LLM caller: a provider name and an `adrbench.llm.ClientSpec`.
"""

from adrbench.describe.llm import DescribeError, Description, LLMDescriber
from adrbench.describe.prompt import PROMPT_VERSION, describe_prompt
from adrbench.describe.registry import DESCRIBERS, describe_pairs, make_describer, provenance

__all__ = [
    "DESCRIBERS",
    "PROMPT_VERSION",
    "DescribeError",
    "Description",
    "LLMDescriber",
    "describe_pairs",
    "describe_prompt",
    "make_describer",
    "provenance",
]
