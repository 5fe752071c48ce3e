"""The few style rules the platform style does not give: sidebar, cards, chips.

Colours come from ``palette(...)`` so the rules follow the light and dark
themes; everything else is the platform's own style.
"""

STYLE_SHEET = """
QListWidget#navigation { background: transparent; border: none; outline: none; }
QListWidget#navigation::item { padding: 4px 8px; border-radius: 6px; }
QListWidget#navigation::item:hover:!selected { background: palette(midlight); }
QListWidget#navigation::item:selected { background: palette(highlight);
    color: palette(highlighted-text); }
QFrame#vaeCard { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QLabel#recommendedChip { background: #2f7d3b; color: white; border: 1px solid #2f7d3b;
    border-radius: 9px; padding: 1px 8px; }
QLabel#familyChip { border: 1px solid palette(mid); border-radius: 9px; padding: 1px 8px; }
QFrame#banner { border: 1px solid palette(mid); border-radius: 6px;
    background: palette(alternate-base); }
"""
