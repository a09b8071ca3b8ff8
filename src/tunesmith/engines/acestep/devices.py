"""Which device and precision the pipeline runs on (imports torch: engine process and `tunesmith engines`)."""

from __future__ import annotations

from typing import Any

DTYPE_NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}


def resolve_device(setting: str) -> str:
    """`auto` is the first CUDA device when there is one, else the CPU; anything else as given."""
    import torch

    if setting in ("", "auto"):
        return "cuda:0" if torch.cuda.is_available() else "cpu"
    if setting.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"TUNESMITH_ACESTEP_DEVICE is {setting} but torch sees no CUDA device")
    return setting


def resolve_dtype(setting: str, device: str) -> Any:
    """`auto` is bf16 on CUDA (fp16 where bf16 is unsupported), fp32 elsewhere."""
    import torch

    if setting in ("", "auto"):
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return getattr(torch, DTYPE_NAMES[setting])


def free_memory(device: str) -> tuple[int, int] | None:
    """(free, total) bytes of a CUDA device, None elsewhere."""
    import torch

    if not device.startswith("cuda"):
        return None
    free, total = torch.cuda.mem_get_info(torch.device(device))
    return int(free), int(total)


def describe_device(setting: str, configured: str = "") -> str:
    """One line for `tunesmith engines`: the device it resolves to, its free memory, and the settings."""
    try:
        device = resolve_device(setting)
        memory = free_memory(device)
    except Exception as exc:  # noqa: BLE001 - shown to the operator as it is
        return f"{setting}: {exc}"
    where = device
    if memory is not None:
        import torch

        name = torch.cuda.get_device_name(torch.device(device))
        where = f"{device} {name}, {memory[0] / 2**30:.1f} GiB free of {memory[1] / 2**30:.1f} GiB"
    return f"{where} ({configured})" if configured else where
