// Every visible piece of text under `root` (a selector) whose colour, over what is painted
// behind it, falls below WCAG AA: 4.5:1, or 3:1 for large text (24px, or 18.66px bold).
// Behind = its ancestors' background colours composited up to an opaque one (or the page's).
// Text over a gradient or picture is not judged; nor what is hidden from everyone
// (aria-hidden, disabled controls, CodeMirror's line numbers).
(root) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const paint = canvas.getContext("2d", { willReadFrequently: true });
  // Any CSS colour (rgb(), color(srgb ...) from color-mix()...) as [r, g, b, alpha].
  const rgba = (colour) => {
    paint.clearRect(0, 0, 1, 1);
    paint.fillStyle = "#000";
    paint.fillStyle = colour;
    paint.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = paint.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((value) => {
      const c = value / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const behind = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") return null;
      const colour = rgba(style.backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] === 1) break;
    }
    const page = rgba(getComputedStyle(document.documentElement).backgroundColor);
    const base = page[3] === 1 ? page.slice(0, 3) : [255, 255, 255];
    return layers.reverse().reduce((below, layer) => over(layer, below), base);
  };
  const problems = [];
  const seen = new Set();
  for (const top of document.querySelectorAll(root)) {
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const element = text.parentElement;
      if (!text.textContent.trim() || seen.has(element)) continue;
      seen.add(element);
      if (!element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (element.closest("[aria-hidden=true], :disabled, .cm-gutters")) continue;
      const background = behind(element);
      if (!background) continue;
      const style = getComputedStyle(element);
      const colour = element instanceof SVGElement ? style.fill : style.color;
      const foreground = over(rgba(colour), background);
      const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
      const ratio = (light + 0.05) / (dark + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        const name = element.id ? `#${element.id}` : [element.localName, ...element.classList].join(".");
        const rgb = `rgb(${background.map(Math.round).join(", ")})`;
        problems.push(`${name} "${text.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}:1, ${colour} on ${rgb}`);
      }
    }
  }
  return problems;
}
