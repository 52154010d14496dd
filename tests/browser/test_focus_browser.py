"""Whatever the keyboard reaches shows where it is: a focus indicator at least 2 px thick with a
contrast of at least 3:1 against the background it appears on (WCAG 1.4.11), on the blue
header, on white pages, on the grey filter bar and on the inputs."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine_free]

# The focused element's indicator: each ring's colour and thickness, the colour behind it (the
# first ancestor with a background), and the best contrast of a ring against that background.
INDICATOR = """() => {
  const e = document.activeElement;
  const rgb = s => (s.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => {
    const c = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let back = [255, 255, 255];
  for (let p = e.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || c[3] > 0) { back = c.slice(0, 3); break; }
  }
  const s = getComputedStyle(e);
  const rings = [];
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
    rings.push([rgb(s.outlineColor), parseFloat(s.outlineWidth)]);
  const shadow = s.boxShadow.match(/rgba?\\([^)]*\\)\\s+[-\\d.px\\s]+/g) || [];
  for (const part of shadow) {
    const nums = part.replace(/rgba?\\([^)]*\\)/, '').match(/-?[\\d.]+/g).map(Number);
    const spread = nums[3] || 0;
    rings.push([rgb(part.match(/rgba?\\([^)]*\\)/)[0]), spread - (s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0)]);
  }
  const best = Math.max(0, ...rings.filter(([c, w]) => w >= 2 && (c.length === 3 || c[3] > 0))
    .map(([c]) => ratio(c.slice(0, 3), back)));
  const name = e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "' +
    (e.textContent || e.name || '').trim().slice(0, 30) + '"';
  return {name, best: Math.round(best * 100) / 100, back: back.join(',')};
}"""


def _walk(page, where: str, steps: int) -> list[str]:
    """Tab through the page's first controls; the ones whose indicator is too faint."""
    faint = []
    page.locator("body").focus()
    for _ in range(steps):
        page.keyboard.press("Tab")
        found = page.evaluate(INDICATOR)
        if found["name"].startswith("body"):  # past the last control, back to the page
            continue
        if found["best"] < 3:
            faint.append(f"{where}: {found['name']} {found['best']}:1 on rgb({found['back']})")
    return faint


def test_the_focus_indicator_stands_out_everywhere(page, login, demo) -> None:
    faint = []
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/accounts/login/")
    faint += _walk(page, "login", 8)  # header links and buttons on blue, the inputs on white
    page.goto("/")
    faint += _walk(page, "results", 16)  # the filter bar's selects and buttons
    login("mayor")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/memos/inbox/")
    faint += _walk(page, "mayor's inbox on a phone", 6)
    assert faint == [], "\n".join(faint)
