"""Large vision-language model baselines: adapters for OpenAI-compatible servers (vLLM), GPT-4o and Gemini 2.5."""
