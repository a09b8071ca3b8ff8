"""Broken copies of a tiny checkpoint, as an operator's machine might hold them."""

from __future__ import annotations

import shutil
from pathlib import Path


def nan_copy(checkpoint: Path, dest: Path) -> Path:
    """A copy whose DiT outputs NaN (one bias of its output layer is NaN): the weights load, the audio
    cannot be made."""
    import torch
    from safetensors.torch import load_file, save_file

    shutil.copytree(checkpoint, dest)
    weights = next((dest / "transformer").glob("*.safetensors"))
    tensors = load_file(weights)
    tensors["proj_out_conv.bias"] = torch.full_like(tensors["proj_out_conv.bias"], float("nan"))
    save_file(tensors, weights)
    return dest


def truncated_copy(checkpoint: Path, dest: Path) -> Path:
    """A copy whose DiT weights file was cut short (an interrupted download)."""
    shutil.copytree(checkpoint, dest)
    weights = next((dest / "transformer").glob("*.safetensors"))
    weights.write_bytes(weights.read_bytes()[:100])
    return dest


def upstream_layout(dest: Path) -> Path:
    """The folder layout of upstream ACE-Step's own checkpoints (needs diffusers' converter script)."""
    (dest / "acestep-v15-turbo").mkdir(parents=True)
    (dest / "vae").mkdir()
    return dest
