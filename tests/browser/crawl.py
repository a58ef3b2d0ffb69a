"""Crawling the site the way a visitor clicks through it, and the checks run on every page it reaches.

`crawl` walks same-origin GET links breadth first and visits each route pattern once (numeric ids, filing
numbers and certificate ids collapse, so /cases/1 and /cases/2 are one page); downloads, exports, the JSON
API and sign-out are never followed. `axe_problems` runs axe-core (shipped by axe-playwright-python) and
returns its critical and serious findings; `overflow_problem` says which element makes a narrow page scroll
sideways. Both return readable lines for an assertion message.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from urllib.parse import urldefrag, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Not pages: files, machine-readable documents, the API, and the links that end the session.
NOT_A_PAGE = re.compile(
    r"""(^/(api|static|log|ns|issuer|healthz|readyz|\.well-known)(/|$))
      | (/(logout|documents|evidence|evidence-package|invoice|pdf|receipt)(/|$))
      | (\.(pdf|xlsx|csv|json|zip|txt|png|svg)$)""",
    re.VERBOSE,
)
SERIOUS = {"critical", "serious"}
AXE = Axe()

# The widest element that reaches past the viewport's right edge, described as tag#id.class.
WIDEST_OVERFLOW_JS = """() => {
  const limit = window.innerWidth;
  // Content inside a box that scrolls or clips does not widen the page.
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = el => {
    const classes = typeof el.className === 'string' ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes.map(c => '.' + c).join('');
  };
  // First look outside scrolling boxes; an absolutely positioned element may still escape one.
  let worst = null, worstRight = limit;
  for (const ignoreClipped of [true, false]) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.right <= worstRight + 0.5 || (ignoreClipped && clipped(el))) continue;
      worst = el; worstRight = box.right;
    }
    if (worst) break;
  }
  if (!worst) return null;
  const path = [];
  for (let el = worst; el && el !== document.body && path.length < 4; el = el.parentElement) {
    path.unshift(describe(el));
  }
  return path.join(' > ') + ' (right edge ' + Math.round(worstRight) + ' px)';
}"""


def route_pattern(path: str) -> str:
    """Collapse every path segment holding a digit (ids, filing numbers, certificate ids) into <id>."""
    return "/".join("<id>" if re.search(r"\d", part) else part for part in path.split("/"))


def is_page(path: str) -> bool:
    return NOT_A_PAGE.search(path) is None


def page_links(page: Page, origin: str) -> list[str]:
    """The same-origin paths (with query, without fragment) of every link on the page."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    paths = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin or not is_page(parts.path):
            continue
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def crawl(
    page: Page, origin: str, start: Iterable[str], *, skip: Iterable[str] = (), limit: int = 80
) -> Iterator[str]:
    """Open pages breadth first from `start`, one per route pattern; yield each path once it has loaded.

    Links whose route pattern is in `skip` are not followed. The caller checks the page while it is
    open; its links are read after the caller is done with it.
    """
    queue = deque(start)
    seen = {route_pattern(urlsplit(path).path) for path in queue} | set(skip)
    visited = 0
    while queue and visited < limit:
        path = queue.popleft()
        response = page.goto(origin + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        visited += 1
        yield path
        for link in page_links(page, origin):
            pattern = route_pattern(urlsplit(link).path)
            if pattern not in seen:
                seen.add(pattern)
                queue.append(link)


def axe_problems(page: Page, where: str) -> list[str]:
    """Run axe-core on the open page; one line per critical or serious violation, naming its nodes."""
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        violations = AXE.run(page).response["violations"]
    else:  # checked before at another width: axe is loaded already, run it without injecting it again
        violations = page.evaluate("() => axe.run({resultTypes: ['violations']})")["violations"]
    lines = []
    for violation in violations:
        if violation["impact"] not in SERIOUS:
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
        lines.append(f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}")
    return lines


def overflow_problem(page: Page, where: str) -> str | None:
    """Say which element makes the page wider than the viewport, or None when nothing scrolls sideways."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if widths[0] <= widths[1]:
        return None
    widest = page.evaluate(WIDEST_OVERFLOW_JS)
    return f"{where}: page is {widths[0]} px wide in a {widths[1]} px viewport; widest: {widest}"
