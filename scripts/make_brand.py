"""Draw the Health Monitor brand images into custom_components/health_monitor/brand/.

Run with the project's venv (Pillow comes with Home Assistant):

    .venv/bin/python scripts/make_brand.py

The design is this project's own: a teal-to-green heart with a white pulse (ECG) line on a
transparent background. Logos add the "Health Monitor" word mark (DejaVu Sans Bold when
installed, Pillow's bundled font otherwise). Everything is drawn at 4x and scaled down for
smooth edges, then trimmed as the Home Assistant brands guidelines ask.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

BRAND_DIR = (
    Path(__file__).resolve().parent.parent / "custom_components/health_monitor/brand"
)
SUPERSAMPLE = 4

TEAL_TOP = (45, 212, 191)  # light teal
GREEN_BOTTOM = (5, 150, 105)  # emerald
OUTLINE = (15, 118, 110)  # dark teal
PULSE = (255, 255, 255)
TEXT_LIGHT_BG = (17, 94, 89)  # word mark on light backgrounds
TEXT_DARK_BG = (153, 246, 228)  # word mark on dark backgrounds
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
)


def heart_points(size: int, margin: float) -> list[tuple[float, float]]:
    """Return a classic parametric heart scaled into a size x size square."""
    raw = []
    for i in range(720):
        t = 2 * math.pi * i / 720
        x = 16 * math.sin(t) ** 3
        y = -(
            13 * math.cos(t)
            - 5 * math.cos(2 * t)
            - 2 * math.cos(3 * t)
            - math.cos(4 * t)
        )
        raw.append((x, y))
    min_x = min(p[0] for p in raw)
    max_x = max(p[0] for p in raw)
    min_y = min(p[1] for p in raw)
    max_y = max(p[1] for p in raw)
    span = max(max_x - min_x, max_y - min_y)
    scale = (size - 2 * margin) / span
    off_x = (size - (max_x - min_x) * scale) / 2
    off_y = (size - (max_y - min_y) * scale) / 2
    return [((x - min_x) * scale + off_x, (y - min_y) * scale + off_y) for x, y in raw]


def vertical_gradient(
    size: int, top: tuple[int, ...], bottom: tuple[int, ...]
) -> Image.Image:
    """Return an RGBA image fading from top to bottom colour."""
    column = Image.new("RGBA", (1, size))
    for y in range(size):
        f = y / (size - 1)
        column.putpixel(
            (0, y),
            (*(round(a + (b - a) * f) for a, b in zip(top, bottom, strict=True)), 255),
        )
    return column.resize((size, size))


def pulse_points(size: int) -> list[tuple[float, float]]:
    """Return an ECG trace (baseline, P wave, QRS spike, T wave) across the heart."""
    s = size / 256
    trace = [
        (40, 128),
        (80, 128),
        (90, 116),
        (100, 128),
        (112, 128),
        (122, 150),
        (136, 74),
        (150, 176),
        (162, 128),
        (174, 128),
        (188, 108),
        (202, 128),
        (216, 128),
    ]
    return [(x * s, y * s) for x, y in trace]


def draw_icon(size: int) -> Image.Image:
    """Draw the square icon at the given final size."""
    big = size * SUPERSAMPLE
    heart = heart_points(big, margin=big * 0.035)

    # Border: the heart in dark teal, with a slightly smaller copy (same centre) filled
    # with the gradient on top. Polygons only, so every edge stays crisp.
    cx = sum(x for x, _ in heart) / len(heart)
    cy = sum(y for _, y in heart) / len(heart)
    k = 0.94
    inner = [(cx + (x - cx) * k, cy + (y - cy) * k) for x, y in heart]

    outer_mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(outer_mask).polygon(heart, fill=255)
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).polygon(inner, fill=255)

    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    img.paste((*OUTLINE, 255), (0, 0), outer_mask)
    img.paste(vertical_gradient(big, TEAL_TOP, GREEN_BOTTOM), (0, 0), mask)

    # Soft light in the upper left lobe for a little depth.
    glow = Image.new("L", (big, big), 0)
    ImageDraw.Draw(glow).ellipse(
        (big * 0.16, big * 0.12, big * 0.5, big * 0.42), fill=70
    )
    glow = ImageChops.multiply(glow.filter(ImageFilter.GaussianBlur(big * 0.05)), mask)
    img.paste((255, 255, 255, 255), (0, 0), glow)

    draw = ImageDraw.Draw(img)
    width = round(big * 0.05)
    points = pulse_points(big)
    draw.line(points, fill=PULSE, width=width, joint="curve")
    radius = width / 2
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=PULSE)

    return img.resize((size, size), Image.Resampling.LANCZOS)


def load_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return a bold sans font, falling back to Pillow's bundled font."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def trim(img: Image.Image) -> Image.Image:
    """Crop fully transparent borders."""
    bbox = img.getchannel("A").getbbox()
    return img.crop(bbox) if bbox else img


def draw_logo(height: int, text_colour: tuple[int, int, int]) -> Image.Image:
    """Draw icon plus word mark; the result is trimmed to the given height."""
    big_h = height * SUPERSAMPLE
    icon = trim(draw_icon(big_h))
    icon = icon.resize(
        (round(icon.width * big_h / icon.height), big_h), Image.Resampling.LANCZOS
    )
    font = load_font(round(big_h * 0.42))
    text = "Health Monitor"
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    gap = round(big_h * 0.16)
    canvas = Image.new(
        "RGBA", (icon.width + gap + (right - left) + 8, big_h), (0, 0, 0, 0)
    )
    canvas.paste(icon, (0, 0), icon)
    draw = ImageDraw.Draw(canvas)
    text_y = (big_h - (bottom - top)) / 2 - top
    draw.text(
        (icon.width + gap - left, text_y), text, font=font, fill=(*text_colour, 255)
    )
    canvas = trim(canvas)
    width = round(canvas.width * height / canvas.height)
    return canvas.resize((width, height), Image.Resampling.LANCZOS)


def main() -> None:
    """Write every brand image."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    outputs = {
        "icon.png": draw_icon(256),
        "icon@2x.png": draw_icon(512),
        "logo.png": draw_logo(128, TEXT_LIGHT_BG),
        "logo@2x.png": draw_logo(256, TEXT_LIGHT_BG),
        "dark_logo.png": draw_logo(128, TEXT_DARK_BG),
        "dark_logo@2x.png": draw_logo(256, TEXT_DARK_BG),
    }
    for name, image in outputs.items():
        path = BRAND_DIR / name
        image.save(path, optimize=True)
        print(f"{path.relative_to(BRAND_DIR.parents[2])}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
