"""Cover art for a music task (kie `/api/v1/suno/cover/generate`): two distinct square images drawn with
Pillow from the song's title and style, no image model.

The style's mood picks the hue family (dark → violet/blue night, happy → warm, calm → pastel sea, ...), the
seed and title pick the exact colours, and the two images use different layouts (a gradient with soft orbs
and the title centred; concentric rings with the title on a band at the bottom), so a client choosing
between them gets a real choice. The same title, style and seed always give the same two images.

Input: `job.request.title` and `job.request.style` (the service copies them from the source task,
`job.request.source_task_id`); no source clip is needed.

Result: files `{"image_0": "cover_0.png", "image_1": "cover_1.png"}` (1024×1024 PNG); data
`{"images": ["image_0", "image_1"]}` (the names of the files entries, in order).
"""

from __future__ import annotations

import colorsys
import hashlib
from pathlib import Path
from typing import Any

from tunesmith.engines.base import EngineError, EngineJob, ProgressSink

SIZE = 1024
# mood words -> (hue range in [0, 1), saturation, lightness of the light colour)
PALETTES: tuple[tuple[tuple[str, ...], tuple[float, float], float, float], ...] = (
    (
        ("dark", "mysterious", "haunting", "gothic", "eerie", "黑暗", "神秘", "metal", "techno", "trap"),
        (0.62, 0.82),
        0.55,
        0.35,
    ),
    (
        ("sad", "melancholic", "melancholy", "lonely", "blues", "悲伤", "伤感", "忧伤"),
        (0.55, 0.68),
        0.35,
        0.45,
    ),
    (
        (
            "calm",
            "chill",
            "relaxing",
            "ambient",
            "lo-fi",
            "lofi",
            "dreamy",
            "peaceful",
            "安静",
            "舒缓",
            "治愈",
        ),
        (0.42, 0.58),
        0.45,
        0.62,
    ),
    (("romantic", "love", "sweet", "r&b", "soul", "浪漫", "甜蜜"), (0.88, 0.98), 0.55, 0.6),
    (
        ("energetic", "rock", "punk", "edm", "powerful", "intense", "激昂", "热血", "摇滚"),
        (0.98, 1.08),
        0.75,
        0.5,
    ),
    (
        ("nostalgic", "retro", "vintage", "synthwave", "country", "folk", "怀旧", "复古"),
        (0.06, 0.13),
        0.5,
        0.55,
    ),
    (
        ("happy", "upbeat", "pop", "bright", "dance", "funk", "disco", "快乐", "欢快", "流行"),
        (0.1, 0.18),
        0.8,
        0.6,
    ),
)
_CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
_LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def make(job: EngineJob, sink: ProgressSink) -> None:
    if job.workdir is None:
        raise EngineError("the derived operation has nowhere to write")
    job.workdir.mkdir(parents=True, exist_ok=True)
    source = job.source
    title = (job.request.title or (source.title if source else "") or "Untitled").strip()
    style = job.request.style or (source.tags if source else "") or ""
    files = {}
    for index in range(2):
        name = f"cover_{index}.png"
        draw_cover(job.workdir / name, title, style, seed=job.seed, layout=index)
        files[f"image_{index}"] = name
    sink.result(files, {"images": list(files)})


def palette(style: str, digest: bytes) -> list[tuple[int, int, int]]:
    """Four colours: deep, mid, light and an accent, from the style's mood and the digest's bytes."""
    lowered = style.lower()
    hues, sat, light = (0.0, 1.0), 0.6, 0.55
    for words, hue_range, saturation, lightness in PALETTES:
        if any(word in lowered for word in words):
            hues, sat, light = hue_range, saturation, lightness
            break
    base = hues[0] + (hues[1] - hues[0]) * digest[0] / 255

    def rgb(h: float, lig: float, s: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hls_to_rgb(h % 1.0, max(0.0, min(1.0, lig)), max(0.0, min(1.0, s)))
        return int(r * 255), int(g * 255), int(b * 255)

    spread = 0.04 + digest[1] / 255 * 0.12
    return [
        rgb(base, light * 0.25, sat),
        rgb(base + spread, light * 0.7, sat),
        rgb(base - spread, min(0.9, light * 1.35), sat * 0.8),
        rgb(base + 0.5 + spread, 0.6, min(1.0, sat + 0.2)),  # complementary accent
    ]


def draw_cover(path: Path, title: str, style: str, *, seed: int, layout: int) -> None:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    digest = hashlib.sha256(f"{title}|{style}|{seed}|{layout}".encode()).digest()
    deep, mid, light, accent = palette(style, digest)
    if layout == 0:  # vertical gradient, soft orbs, title centred
        t = np.linspace(0, 1, SIZE, dtype=np.float32)[:, None, None]
        grad = (np.array(light, np.float32) * (1 - t) + np.array(deep, np.float32) * t).repeat(SIZE, axis=1)
        img = Image.fromarray(grad.clip(0, 255).astype("uint8"), "RGB")
        layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for i in range(7):
            x, y = digest[2 + i] * SIZE // 256, digest[9 + i] * SIZE // 256
            r = 80 + digest[16 + i] % 200
            colour = (accent if i % 3 == 0 else mid) + (90,)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        img = Image.alpha_composite(img.convert("RGBA"), layer.filter(ImageFilter.GaussianBlur(18)))
        _title(img, title, style, centre=True, colour=(255, 255, 255))
    else:  # concentric rings from an off-centre point, a band at the bottom with the title
        yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
        cx, cy = SIZE * (0.2 + digest[2] / 255 * 0.6), SIZE * (0.15 + digest[3] / 255 * 0.4)
        rings = (np.sin(np.hypot(xx - cx, yy - cy) / (14 + digest[4] % 20)) + 1) / 2
        mix = rings[:, :, None]
        field = np.array(mid, np.float32) * mix + np.array(deep, np.float32) * (1 - mix)
        img = Image.fromarray(field.clip(0, 255).astype("uint8"), "RGB").convert("RGBA")
        layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        step = 40 + digest[5] % 40
        for x in range(-SIZE, SIZE, step * 3):  # diagonal accent stripes
            draw.polygon(
                [(x, SIZE), (x + step, SIZE), (x + step + SIZE, 0), (x + SIZE, 0)], fill=accent + (40,)
            )
        draw.rectangle((0, int(SIZE * 0.7), SIZE, SIZE), fill=deep + (215,))
        img = Image.alpha_composite(img, layer)
        _title(img, title, style, centre=False, colour=light if sum(light) > 360 else (255, 255, 255))
    img.convert("RGB").save(path, "PNG")


def _title(img: Any, title: str, style: str, *, centre: bool, colour: tuple[int, int, int]) -> None:
    from PIL import ImageDraw

    from tunesmith.engines.composer.artifacts import load_font, wrap_text

    draw = ImageDraw.Draw(img)
    cjk = any(ord(ch) > 0x2E80 for ch in title + style)
    size = 104 if len(title) < 18 else 80
    font = load_font(_CJK_FONT if cjk else _LATIN_FONT, size)
    lines = wrap_text(draw, title, font, SIZE - 160)[:4]
    small = load_font(_CJK_FONT if cjk else _LATIN_FONT, 36)
    label = ", ".join(part.strip() for part in style.split(",")[:3] if part.strip()).upper()[:48]
    step = int(size * 1.2)
    if centre:
        y = SIZE // 2 - len(lines) * step // 2
        for line in lines:
            w = draw.textlength(line, font=font)
            draw.text(((SIZE - w) / 2 + 4, y + 4), line, font=font, fill=(0, 0, 0, 150))
            draw.text(((SIZE - w) / 2, y), line, font=font, fill=colour + (255,))
            y += step
        if label:
            w = draw.textlength(label, font=small)
            draw.text(((SIZE - w) / 2, SIZE - 100), label, font=small, fill=(255, 255, 255, 220))
    else:
        band = int(SIZE * 0.7)
        if label:
            draw.text((66, band + 24), label, font=small, fill=(255, 255, 255, 200))
        font = load_font(_CJK_FONT if cjk else _LATIN_FONT, 88)
        y = band + 80
        for line in wrap_text(draw, title, font, SIZE - 128)[:2]:
            draw.text((64, y), line, font=font, fill=colour + (255,))
            y += 106
