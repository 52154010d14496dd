"""Every page of the URL map, as every role, on a 320 and a 360 px phone and a 1366 px screen:
the page never scrolls sideways (WCAG 1.4.10; a wide table scrolls inside its own focusable,
labelled region), and axe-core finds no serious or critical violation of the WCAG 2.2 AA rules.

Pages are found from the URL map (``tests.urlmap``), so pages added later are checked without
being listed here; the Django admin is left out (its own project's). Each role opens every page
it may open (200, HTML), each route filled with the rows of the model its parameters name
(``tests.browser.world``); a page that another row shows with the same elements (the same route,
the same class names) is seen once per role. The pages come in parts by route (``PARTS``), a test
each, which the processes of a parallel run share.
The world (``world.build``) and the candidate pages are made once per test process, by the first
part that runs in it, and put back for the others (``walked``). One browser per test process;
each role's pages in one context, each page loaded once and
measured at the three widths by resizing. Every page's HTML is also read for a line that mixes
Thai and Arabic digits (``tests.digits``; docs/development.md).
"""

from __future__ import annotations

import time
from pathlib import Path

import axe_playwright_python
import pytest
from django.test import Client

from ita.demo.seed import DEMO_PASSWORD
from tests import digits
from tests.browser import world as world_module
from tests.demo_snapshot import Committed

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine_free]

WIDTHS = (320, 360, 1366)
HEIGHT = {320: 640, 360: 740, 1366: 768}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                     resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} [${v.impact}] ${v.help} at ` +
              JSON.stringify(v.nodes.slice(0, 3).map(n => n.target.join(' '))));
}"""
# What sticks out of the page: elements past its right edge that no scrolling box holds.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const clipped = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  const out = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !clipped(e))
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
         (e.classList.length ? '.' + [...e.classList].join('.') : '') +
         ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
  return [`${document.documentElement.scrollWidth}px wide`, ...out.slice(0, 4)];
}"""

# The pages in parts by the start of their route, each a test of its own, so that a parallel run
# shares them between its processes; each part is walked as every role (a route is the first
# part's that names its start; the routes no part names are the last part's). The organisations'
# insights are a part of their own: with them, the organisations' part took as long as two others.
PARTS = {
    "memos": ("memos/",),
    "measures": ("measures/",),
    "insights": ("organisations/<int:pk>/insights/",),
    "organisations": ("organisations/",),
    "the-rest": (),
}


def _part_of(route: str) -> str:
    return next(
        (name for name, starts in PARTS.items() if starts and route.startswith(starts)), "the-rest"
    )


def _pages_of(
    role: str, demo, candidates: list[tuple[str, str]], found: list[str]
) -> list[tuple[str, object]]:
    """(path, kind) of each page the role may open (200, HTML), one of each kind per route: the
    route and the class names its elements carry (``world.shape``). Every page's lines that
    mix Thai and Arabic digits are added to ``found`` (one digit style per line)."""
    client = Client()
    if role != "visitor":
        client.force_login(demo.users[role])
    pages, seen = [], set()
    for route, path in candidates:
        response = client.get(path)
        html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code != 200 or not html:
            continue
        found += [
            f"{path} as {role}: mixes Thai and Arabic digits: {line[:160]}"
            for line in digits.mixed_lines(response.content.decode())
        ]
        kind = (route, world_module.shape(response.content))
        if kind not in seen:
            seen.add(kind)
            pages.append((path, kind))
    return pages


def _login(page, role: str) -> None:
    if role == "visitor":
        return
    page.goto("/accounts/login/")
    page.fill("#id_username", role)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


# This process's world (its media folder, its rows and files, the candidate pages): built by the
# first part that runs here, put back for the others.
_kept: list[tuple[Path, Committed, list[tuple[str, str]]]] = []


@pytest.fixture
def walked(transactional_db, demo_snapshot, settings, tmp_path_factory):
    """The demo with the world built in it (``world.build``) and the candidate pages of every
    part (``world.candidate_pages``): built and chosen once per test process, by the first part
    that runs in it, and kept (every table's rows, the sequences, the files of a media folder of
    the process's own); each other part gets them put back, whatever committing tests flushed or
    wrote in between. The demo's handle, and the candidates."""
    if not _kept:
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("walk-media")
        demo = demo_snapshot.restore()
        world_module.build(demo)
        candidates = world_module.candidate_pages(demo)
        _kept.append((settings.MEDIA_ROOT, Committed.now(), candidates))
        return demo, candidates
    media, kept, candidates = _kept[0]
    settings.MEDIA_ROOT = media
    kept.put_back()
    return demo_snapshot.build(), candidates


@pytest.mark.parametrize("part", PARTS)
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, walked, part) -> None:
    """Every page of the part each role may open is loaded and measured for sideways scrolling
    at each width; axe runs at each width on each kind of page once (another role's page of the
    same kind differs in its text only)."""
    demo, every = walked
    candidates = [(r, p) for r, p in every if _part_of(r) == part]
    found: list[str] = []
    checked: set[object] = set()
    visits = 0
    started = time.monotonic()
    for role in world_module.ROLES:
        pages = _pages_of(role, demo, candidates, found)
        # Every role opens the home page, its account's pages or the login (the last part).
        assert pages or part != "the-rest", role
        if not pages:
            continue
        context = browser.new_context(locale="th-TH", base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_init_script(path=str(AXE_SCRIPT))
        page = context.new_page()
        _login(page, role)
        for path, kind in pages:
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT[WIDTHS[0]]})
            page.goto(path)
            visits += 1
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": HEIGHT[width]})
                where = f"{path} as {role} at {width}px"
                wide = page.evaluate(OVERFLOW)
                if wide:
                    found.append(f"{where}: scrolls sideways, {wide}")
                if kind not in checked:
                    found += [f"{where}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]
            checked.add(kind)
        context.close()
    print(
        f"\n{part}: {visits} pages, {len(checked)} kinds checked with axe, "
        f"× {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s"
    )
    assert found == [], f"{len(found)} problems:\n" + "\n".join(found)
