"""Build the font embedded in credit reports (reports/fonts/).

Noto Sans CJK SC from Debian's fonts-noto-cjk, subset to every character of
GBK plus Latin and CJK punctuation, so that PDF reports render subject names
on any machine without a system CJK font. Run once when upgrading the font:

    apt-get install fonts-noto-cjk && python bin/build_report_font.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SC_FACE = 2
TARGET = Path(__file__).resolve().parent.parent / "reports" / "fonts" / "NotoSansSC-Regular-GBK.otf"


def gbk_characters() -> set[str]:
    chars: set[str] = set()
    for lead in range(0x81, 0xFF):
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFF)]:
            try:
                chars.add(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                continue
    for first, last in [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x3000, 0x3040), (0xFF00, 0xFFF0)]:
        chars.update(chr(c) for c in range(first, last))
    return chars


def main() -> None:
    font = TTCollection(SOURCE).fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in gbk_characters()])
    subsetter.subset(font)
    font.save(TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
