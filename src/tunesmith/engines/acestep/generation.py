"""One pipeline call for a batch of takes: seeds per take, progress per step, then each take decoded on its
own (so the first take can be published before the second is decoded), with ACE-Step's own loudness
normalisation (peak at -1 dBFS).

Failure handling: out of memory on a batch of several takes retries once with the takes rendered one at a
time (take k alone with seed k gives the take a batch would have given); a NaN or infinite output fails the
task with what to do. Tasks with source audio draw the VAE's encoding noise from torch's global generator,
so it is seeded too (per take) to make the same request give the same audio.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tunesmith.engines.acestep.loading import Loaded
from tunesmith.engines.acestep.progress import DIFFUSION_SHARE, StepProgress
from tunesmith.engines.acestep.text import Metas
from tunesmith.engines.base import EngineError

log = logging.getLogger(__name__)

PEAK = 10.0 ** (-1.0 / 20.0)  # ACE-Step normalises every take to -1 dBFS peak
NAN_HINT = (
    "ACE-Step produced silence-breaking NaN/infinite values: with TUNESMITH_ACESTEP_DTYPE=fp16 use bf16 or "
    "fp32; otherwise the checkpoint's weights are damaged (download or convert it again)"
)


@dataclass(frozen=True, kw_only=True)
class Call:
    """What one batch asks of the pipeline; every take shares all but its seed."""

    prompt: str
    lyrics: str
    language: str
    seconds: float
    metas: Metas = field(default_factory=Metas)
    task_type: str = "text2music"
    src_audio: Any = None  # torch tensor [2, samples] at the pipeline's rate (repaint, cover)
    repainting_start: float | None = None
    repainting_end: float | None = None
    cover_strength: float = 1.0
    track_name: str | None = None  # extract: the part to take out of src_audio ("vocals", "drums", ...)


@dataclass
class Rendered:
    """Takes as float32 [samples, 2] at `sample_rate`, and where the time went."""

    sample_rate: int
    stages: dict[str, float] = field(default_factory=dict)
    oom_retried: bool = False


def is_oom(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def seed_all(seed: int) -> None:
    import torch

    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def render(
    loaded: Loaded,
    call: Call,
    seeds: list[int],
    *,
    on_progress: Callable[[float], None],
    on_take: Callable[[int, np.ndarray], None],
) -> Rendered:
    """Run the batch and hand each decoded take to `on_take(index, audio)` in order."""
    out = Rendered(sample_rate=loaded.sample_rate)
    started = time.perf_counter()
    try:
        latents = [_denoise(loaded, call, seeds, on_progress)]
    except Exception as exc:
        if len(seeds) < 2 or not is_oom(exc):
            raise
        log.warning("acestep: out of memory on %d takes at once; rendering them one at a time", len(seeds))
        _free(loaded)
        out.oom_retried = True
        latents = []
        try:
            for k, seed in enumerate(seeds):
                latents.append(_denoise(loaded, call, [seed], _share(on_progress, k, len(seeds))))
        except Exception as again:
            if is_oom(again):
                raise EngineError(
                    f"acestep: out of GPU memory even one take at a time ({call.seconds:g} s of audio): "
                    "shorten the song, set TUNESMITH_ACESTEP_OFFLOAD=1, or use a smaller checkpoint",
                    retryable=False,
                ) from again
            raise
    out.stages["text+diffusion"] = time.perf_counter() - started
    import torch

    stacked = torch.cat(latents, dim=0)
    if not bool(torch.isfinite(stacked).all()):
        raise EngineError(f"acestep: {NAN_HINT}", retryable=False)
    decode = 0.0
    for k in range(stacked.shape[0]):
        t0 = time.perf_counter()
        audio = _decode(loaded, stacked[k : k + 1])
        decode += time.perf_counter() - t0
        on_take(k, audio)
    out.stages["decode"] = decode
    return out


def _share(report: Callable[[float], None], k: int, n: int) -> Callable[[float], None]:
    """Progress of take k of n rendered alone, as a share of the whole job's diffusion progress."""

    def scaled(fraction: float) -> None:
        report((k * DIFFUSION_SHARE + fraction) / n)

    return scaled


def _denoise(loaded: Loaded, call: Call, seeds: list[int], on_progress: Callable[[float], None]) -> Any:
    import torch

    pipe = loaded.pipe
    device = loaded.device if not loaded.device.startswith("mps") else "cpu"
    generators = [torch.Generator(device=device).manual_seed(int(s)) for s in seeds]
    seed_all(int(seeds[0]))
    n = len(seeds)
    kwargs: dict[str, Any] = {}
    if call.src_audio is not None:
        kwargs.update(src_audio=call.src_audio, audio_cover_strength=call.cover_strength)
        if call.task_type == "repaint":
            kwargs.update(repainting_start=call.repainting_start, repainting_end=call.repainting_end)
        if call.track_name:
            kwargs.update(track_name=call.track_name)
    with torch.inference_mode():
        result = pipe(
            prompt=[call.prompt] * n,
            lyrics=[call.lyrics] * n,
            vocal_language=[call.language] * n,
            audio_duration=call.seconds,
            bpm=call.metas.bpm,
            keyscale=call.metas.keyscale,
            timesignature=call.metas.timesignature,
            num_inference_steps=loaded.steps,
            guidance_scale=1.0 if loaded.info.turbo else 7.0,
            generator=generators,
            task_type=call.task_type,
            output_type="latent",
            callback_on_step_end=StepProgress(on_progress, loaded.steps),
            **kwargs,
        )
    return result.audios


def _decode(loaded: Loaded, latent: Any) -> np.ndarray:
    """One take's latents [1, T, C] to float32 [samples, 2], peak-normalised as the pipeline does."""
    import torch

    vae = loaded.pipe.vae
    with torch.inference_mode():
        audio = vae.decode(latent.transpose(1, 2).to(vae.dtype)).sample.float()
    if not bool(torch.isfinite(audio).all()):
        raise EngineError(f"acestep: {NAN_HINT}", retryable=False)
    peak = float(audio.abs().max())
    audio = audio * (PEAK / max(peak, 1e-6))
    return audio[0].transpose(0, 1).cpu().numpy().astype(np.float32)


def _free(loaded: Loaded) -> None:
    import gc

    import torch

    gc.collect()
    if loaded.device.startswith("cuda"):
        torch.cuda.empty_cache()
