"""API keys come from the environment only, and only their variable names are ever recorded."""

from __future__ import annotations

import os

from adrbench.errors import ConfigError

NO_KEY = "EMPTY"  # what self-hosted servers started without --api-key accept


def api_key_from_env(env_names: tuple[str, ...], required: bool) -> str:
    """The key in the first of `env_names` that is set; a missing required key is a ConfigError naming them."""
    for env in env_names:
        value = os.environ.get(env)
        if value:
            return value
    if required:
        raise ConfigError(f"no API key: set the environment variable {' or '.join(env_names)}")
    return NO_KEY
