"""ACE-Step pipelines with random weights, for tests and benchmarks where the real weights cannot be
downloaded. They make noise, not music: never configure one as an operator's checkpoint.

- `build_tiny(folder, ...)`: ~250 k parameters, saved in diffusers' layout (1-2 MB) and loaded back through
  the same `from_pretrained(folder)` an operator's checkpoint goes through. The VAE runs at 8 kHz by default
  (still 25 latent frames per second) so CPU tests stay fast; `rate=48000` gives the real rate.
- `build_full(xl=False)`: the published turbo architecture at full size (2B; XL 4B) with random weights, in
  memory, for timing on a GPU.
The tokenizer is a byte-level BPE trained in memory on a few template lines (no download).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

A = 8  # tiny acoustic latent channels
H = 32  # tiny hidden size
_LINES = [
    "# Instruction\nFill the audio semantic mask based on the given conditions:\n\n# Caption\n",
    "# Metas\n- bpm: 120\n- timesignature: 4\n- keyscale: C major\n- duration: 10 seconds\n",
    "# Languages\nen\n\n# Lyric\n[verse]\nhello world, la la la\n[chorus]\n[Instrumental]\n",
    "pop rock, female vocals, piano, drums, bass, guitar, synth, 92 bpm, minor, waltz, 3/4",
]
LAYERS = ["sliding_attention", "full_attention"]


def _tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_LINES, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", pad_token="<|endoftext|>")


def _vae(rate: int, full: bool = False) -> Any:
    from diffusers import AutoencoderOobleck

    if full:
        return AutoencoderOobleck(
            encoder_hidden_size=128,
            downsampling_ratios=[2, 4, 4, 6, 10],
            channel_multiples=[1, 2, 4, 8, 16],
            decoder_channels=128,
            decoder_input_channels=64,
            audio_channels=2,
            sampling_rate=48000,
        )
    ratios = [2, 4, 4, 6, 10] if rate == 48000 else [2, 4, 4, 10]
    if rate not in (8000, 48000):
        raise ValueError("the tiny VAE runs at 8000 or 48000 Hz")
    return AutoencoderOobleck(
        encoder_hidden_size=2 * A,  # the encoder's last conv is split into mean and scale
        downsampling_ratios=ratios,
        channel_multiples=[1, 1, 1, 2, 2] if rate == 48000 else [1, 1, 2, 2],
        decoder_channels=4,
        decoder_input_channels=A,
        audio_channels=2,
        sampling_rate=rate,
    )


def build_tiny(folder: Path | str, *, rate: int = 8000, cover: bool = True, turbo: bool = True) -> Path:
    """Save a tiny random AceStepPipeline checkpoint into `folder` (created); `cover=False` leaves out the
    audio tokenizer folders, as some published conversions do."""
    import torch
    from diffusers import AceStepPipeline, AceStepTransformer1DModel, FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ace_step import (
        AceStepAudioTokenDetokenizer,
        AceStepAudioTokenizer,
        AceStepConditionEncoder,
    )
    from transformers import Qwen3Config, Qwen3Model

    torch.manual_seed(0)
    tokenizer = _tokenizer()
    small = dict(
        hidden_size=H,
        intermediate_size=64,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=8,
        sliding_window=16,
        layer_types=LAYERS,
    )
    parts: dict[str, Any] = {}
    if cover:
        parts["audio_tokenizer"] = AceStepAudioTokenizer(audio_acoustic_hidden_dim=A, fsq_dim=H, **small)
        parts["audio_token_detokenizer"] = AceStepAudioTokenDetokenizer(audio_acoustic_hidden_dim=A, **small)
    pipe: Any = AceStepPipeline(
        tokenizer=tokenizer,
        text_encoder=Qwen3Model(
            Qwen3Config(
                vocab_size=len(tokenizer),
                hidden_size=H,
                intermediate_size=64,
                num_hidden_layers=2,
                num_attention_heads=4,
                num_key_value_heads=2,
                head_dim=8,
            )
        ),
        transformer=AceStepTransformer1DModel(
            num_hidden_layers=2,
            in_channels=3 * A,
            audio_acoustic_hidden_dim=A,
            patch_size=2,
            encoder_hidden_size=H,
            is_turbo=turbo,
            model_version="turbo" if turbo else "base",
            **small,
        ),
        condition_encoder=AceStepConditionEncoder(
            text_hidden_dim=H,
            timbre_hidden_dim=A,
            num_lyric_encoder_hidden_layers=2,
            num_timbre_encoder_hidden_layers=1,
            **small,
        ),
        vae=_vae(rate),
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0),
        **parts,
    )
    with torch.no_grad():
        pipe.condition_encoder.silence_latent.normal_(0, 0.1)  # the converter stores encoded silence here
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pipe.save_pretrained(out)
    if not cover:  # as a conversion without them: named null in model_index.json, no folders
        index = json.loads((out / "model_index.json").read_text())
        index["audio_tokenizer"] = [None, None]
        index["audio_token_detokenizer"] = [None, None]
        (out / "model_index.json").write_text(json.dumps(index, indent=2))
    return out


def build_full(*, xl: bool = False, dtype: Any = None, device: str = "cpu") -> Any:
    """The published turbo architecture (2B; XL: 4B DiT) with random weights, in memory on `device`."""
    import torch
    from diffusers import AceStepPipeline, AceStepTransformer1DModel, FlowMatchEulerDiscreteScheduler
    from diffusers.pipelines.ace_step import (
        AceStepAudioTokenDetokenizer,
        AceStepAudioTokenizer,
        AceStepConditionEncoder,
    )
    from transformers import Qwen3Config, Qwen3Model

    dtype = dtype or torch.bfloat16
    dit = (
        dict(hidden_size=2560, intermediate_size=9728, num_hidden_layers=32, num_attention_heads=32)
        if xl
        else {}
    )
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            text_encoder = Qwen3Model(
                Qwen3Config(  # Qwen3-Embedding-0.6B
                    vocab_size=151669,
                    hidden_size=1024,
                    intermediate_size=3072,
                    num_hidden_layers=28,
                    num_attention_heads=16,
                    num_key_value_heads=8,
                    head_dim=128,
                )
            )
            pipe: Any = AceStepPipeline(
                tokenizer=_tokenizer(),
                text_encoder=text_encoder,
                transformer=AceStepTransformer1DModel(
                    is_turbo=True, model_version="turbo", encoder_hidden_size=2048, **dit
                ),
                condition_encoder=AceStepConditionEncoder(),
                audio_tokenizer=AceStepAudioTokenizer(),
                audio_token_detokenizer=AceStepAudioTokenDetokenizer(),
                vae=_vae(48000, full=True),
                scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0),
            )
    finally:
        torch.set_default_dtype(torch.float32)
    with torch.no_grad():
        pipe.condition_encoder.silence_latent.normal_(0, 0.1)
        for module in (pipe.transformer, pipe.condition_encoder, text_encoder):
            for p in module.parameters():  # random init at full size: keep activations finite in bf16
                p.mul_(0.5)
    return pipe
