"""Model adapters: the interface every model implements and the registry that finds them by name."""

from adrbench.models.base import Model
from adrbench.models.registry import available_models, get_model_class

__all__ = ["Model", "available_models", "get_model_class"]
