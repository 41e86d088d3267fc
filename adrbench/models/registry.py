"""Built-in models by name (imported only when used) plus third-party ones from the `adrbench.models` entry points."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from adrbench.models.base import Model
from adrbench.registry import import_object, unknown

BUILTIN_MODELS: dict[str, str] = {
    "mean": "baselines.sanity:MeanBaseline",
    "nn": "baselines.sanity:NearestNeighbourBaseline",
    "kept": "kept.adapter:KeptModel",
    # KEPT's ablations (rows of Tables 2-4 and 6), each `kept` with options preset
    "kept-no-comment": "kept.variants:KeptNoComment",
    "kept-no-gnn": "kept.variants:KeptNoGnn",
    "kept-no-kl": "kept.variants:KeptNoKl",
    "kept-no-semantic": "kept.variants:KeptNoSemantic",
    "kept-no-residual": "kept.variants:KeptNoResidual",
    "kept-depth3": "kept.variants:KeptDepth3",
    "kept-depth5": "kept.variants:KeptDepth5",
    "kept-depth6": "kept.variants:KeptDepth6",
    "kept-credit": "kept.variants:KeptCredit",  # not in the paper: path credit (issue 16)
    "magr": "baselines.magr:MagrModel",
    "fineparser": "baselines.fineparser:FineParserModel",
    "openai-compatible": "baselines.lvlm.adapters:OpenAICompatibleModel",
    "qwen2.5-vl": "baselines.lvlm.adapters:Qwen25VLModel",
    "llava-video": "baselines.lvlm.adapters:LlavaVideoModel",
    "gpt-4o": "baselines.lvlm.adapters:GPT4oModel",
    "gemini-2.5": "baselines.lvlm.adapters:Gemini25Model",
}

ENTRY_POINT_GROUP = "adrbench.models"


def _plugins() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_models() -> dict[str, str]:
    """Every model name → where it comes from ('module:Class' or 'plugin module:Class')."""
    found = dict(BUILTIN_MODELS)
    for name, ep in _plugins().items():
        found.setdefault(name, f"plugin {ep.value}")
    return found


def get_model_class(name: str) -> type[Model]:
    """The model class registered under `name`; unknown names raise with the closest matches."""
    if name in BUILTIN_MODELS:
        cls = import_object(BUILTIN_MODELS[name])
    else:
        plugins = _plugins()
        if name not in plugins:
            raise unknown("model", name, available_models())
        cls = plugins[name].load()
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise TypeError(
            f"model {name!r} resolves to {cls!r}, which is not a subclass of adrbench.models.Model"
        )
    return cls
