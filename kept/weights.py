"""What of a KEPT network is saved (checkpoint and resume state): everything but a pretrained decoder's frozen base.

The base LM of an HF decoder is reloaded from its name or folder, so its frozen weights are never written: a
checkpoint of a 7B decoder with LoRA adapters holds the adapters, the trunk and F_H, not 15 GB of base weights.
"""

from __future__ import annotations

import torch
from torch import nn

BASE_PREFIX = "decoder.lm."


def frozen_keys(net: nn.Module) -> set[str]:
    """State-dict keys of the pretrained decoder's frozen base (parameters that do not train, and its buffers)."""
    decoder = getattr(net, "decoder", None)
    if decoder is None or getattr(decoder, "tiny", True):
        return set()  # the tiny decoder is built from a config and trained whole
    trainable = {n for n, p in net.named_parameters() if p.requires_grad}
    return {k for k in net.state_dict() if k.startswith(BASE_PREFIX) and k not in trainable}


def trainable_state(net: nn.Module) -> dict[str, torch.Tensor]:
    """The saved tensors (detached, on CPU, contiguous): the state dict without the frozen base, and with one
    name per storage (tied embedding and output weights are saved once)."""
    frozen = frozen_keys(net)
    out: dict[str, torch.Tensor] = {}
    seen: set[tuple[int, int, tuple[int, ...]]] = set()
    for name, t in net.state_dict().items():
        if name in frozen:
            continue
        key = (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape))
        if t.numel() and key in seen:
            continue
        seen.add(key)
        out[name] = t.detach().cpu().contiguous()
    return out


def load_trainable_state(net: nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Load `trainable_state`'s tensors; any other missing key (but a tied alias of a loaded one) is an error."""
    result = net.load_state_dict(tensors, strict=False)
    params = dict(net.state_dict())
    loaded = {params[k].untyped_storage().data_ptr() for k in tensors if k in params}
    frozen = frozen_keys(net)
    missing = [
        k
        for k in result.missing_keys
        if k not in frozen and params[k].untyped_storage().data_ptr() not in loaded
    ]
    if missing or result.unexpected_keys:
        raise ValueError(
            f"kept: saved weights do not fit the network (missing {missing[:3]}, "
            f"unexpected {result.unexpected_keys[:3]})"
        )
