"""The stylesheets keep every colour in static/css/tokens.css, where the dark theme overrides
them: a colour written into any other stylesheet would stay the same in both themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"
TOKENS = STATIC / "css" / "tokens.css"

# CSS Color 4's named colours, but transparent (and currentColor, inherit: not colours).
COLOUR_NAMES = """
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet
brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan
darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta
darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen darkslateblue
darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey
dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray
green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush
lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray
lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon
mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue
mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin
navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen
paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple
rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna
silver skyblue slateblue slategray slategrey snow springgreen steelblue tan teal thistle
tomato turquoise violet wheat white whitesmoke yellow yellowgreen
"""
NAMED_COLOURS = frozenset(COLOUR_NAMES.split())

HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
COLOUR_FUNCTION = re.compile(r"(?<![\w-])(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(", re.I)
COMMENT = re.compile(r"/\*.*?\*/", re.S)
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
# The innermost {...}: a rule's declarations (an @media block holds rules, not declarations).
DECLARATIONS = re.compile(r"\{([^{}]*)\}")


def raw_colours(css: str) -> list[str]:
    """Every declaration in `css` whose value is, or contains, a colour of its own."""
    found = []
    for block in DECLARATIONS.findall(STRING.sub('""', COMMENT.sub("", css))):
        for declaration in block.split(";"):
            prop, _, value = declaration.partition(":")
            words = set(re.findall(r"(?<![\w-])[a-zA-Z]+(?![\w-])", value.lower()))
            if HEX.search(value) or COLOUR_FUNCTION.search(value) or words & NAMED_COLOURS:
                found.append(f"{prop.strip()}: {value.strip()}")
    return found


def stylesheets() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*.css") if path != TOKENS)


def test_the_check_finds_each_kind_of_raw_colour():
    css = """
      .a { color: #fff; } .b { background: rgb(0 0 0 / 0.3); }
      .c { border: 1px solid hsl(10 20% 30%); } .d { color: white; }
      .e { --own: #123456; } .f { box-shadow: 0 1px 2px oklch(0.5 0.1 200); }
      @media (max-width: 40rem) { .g { outline-color: Crimson; } }
    """
    assert raw_colours(css) == [
        "color: #fff",
        "background: rgb(0 0 0 / 0.3)",
        "border: 1px solid hsl(10 20% 30%)",
        "color: white",
        "--own: #123456",
        "box-shadow: 0 1px 2px oklch(0.5 0.1 200)",
        "outline-color: Crimson",
    ]


def test_the_check_allows_variables_and_colour_keywords():
    css = """
      #editor .a { color: var(--text); background: transparent; border-color: currentColor; }
      .b { fill: inherit; background: color-mix(in srgb, var(--accent) 10%, transparent); }
      .c { white-space: nowrap; font-family: "Segoe UI", system-ui; content: "red"; }
      .d { animation: pulse 1s; grid-template-columns: minmax(0, 1fr); } /* #fff, red */
    """
    assert raw_colours(css) == []


def test_the_tokens_hold_the_colours():
    assert len(raw_colours(TOKENS.read_text())) > 100


@pytest.mark.parametrize("path", stylesheets(), ids=lambda path: str(path.relative_to(STATIC)))
def test_no_other_stylesheet_has_a_colour_of_its_own(path):
    assert raw_colours(path.read_text()) == []
