"""The website as readers use it, in Debian's Chromium: accessible, phone-sized, offline, searchable per language.

The real site is served on 127.0.0.1 from a fixture; any request to another host fails the test
that made it. axe-core is the current release from npm, pinned in package.json and
package-lock.json and installed with `npm ci` (README); the tests read node_modules/axe-core.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .conftest import LANGUAGES, PROJECT

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]  # nothing but this machine
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TOPIC = "families/expressing-storing/"
# A word on the topic page in one language only: search must answer in the page's language.
ONLY_IN = {"id": "kulkas", "en": "fridge"}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def root(lang: str) -> str:
    """Return a language's folder from the site root: '' or 'en/'."""
    return "" if lang == LANGUAGES[0] else f"{lang}/"


def site_pages(site: Path, lang: str) -> list[str]:
    """Return the address of every page of one language, as a reader types it ('families/x/')."""
    addresses = []
    for page in sorted(site.rglob("*.html")):
        relative = page.relative_to(site).as_posix()
        first = relative.split("/")[0]
        if page.name == "404.html" or first == "downloads" or (first in LANGUAGES) != (lang != LANGUAGES[0]):
            continue
        addresses.append(relative[: -len("index.html")] if page.name == "index.html" else relative)
    return addresses


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the built site as a static host does, with the nearest 404.html for a missing address."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".woff2": "font/woff2",
        ".svg": "image/svg+xml",
    }

    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        folder = Path(self.directory) / urlparse(self.path).path.lstrip("/")
        candidates = [parent / "404.html" for parent in [folder, *folder.parents]]
        page = next((c for c in candidates if c.is_file() and Path(self.directory) in [c.parent, *c.parents]), None)
        if code != 404 or page is None:
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def server(site):
    """Serve the real site on 127.0.0.1; return its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    """A fresh phone-sized browser; fails the test if any page asked another host for anything."""
    context = browser.new_context(viewport=PHONE)
    foreign: list[str] = []

    def note(request):
        url = urlparse(request.url)
        if url.scheme not in ("file", "data", "blob", "about") and url.hostname != "127.0.0.1":
            foreign.append(request.url)

    context.on("request", note)
    yield context
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


@pytest.fixture
def page(context):
    return context.new_page()


AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"  # npm ci


@functools.cache
def axe_script() -> str:
    """Return axe-core as npm installed it (the version package-lock.json pins)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is not installed: run npm ci (looked for {AXE})")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[str]:
    """Run axe-core on the page as it is now; describe every violation with where it is."""
    page.add_script_tag(content=axe_script())
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{violation['id']}: {violation['help']} at {[node['target'] for node in violation['nodes']][:5]}"
        for violation in result["violations"]
    ]


SEARCH_DONE = """() => {
    const text = document.querySelector(".md-search-result__meta").textContent.trim()
    const say = JSON.parse(document.getElementById("__config").textContent).translations
    const count = new RegExp("^" + say["search.result.other"].replace("#", "\\\\d+") + "$")
    return text === say["search.result.none"] || text === say["search.result.one"] || count.test(text)
}"""


def open_search(page, query: str) -> list[str]:
    """Type a query into the site's search; return the addresses of the results (empty if none)."""
    page.locator("label.md-header__button[for='__search']").click()
    page.locator("input.md-search__input").press_sequentially(query, delay=20)  # Material listens for keys
    page.wait_for_function(SEARCH_DONE)
    return page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violation_on_any_page(site, server, page, lang, viewport):
    page.set_viewport_size(viewport)
    found = []
    for address in [*site_pages(site, lang), root(lang) + "no-such-page/"]:
        page.goto(server + address)
        found += [f"{address}: {violation}" for violation in axe_violations(page)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_scrolls_sideways_on_a_phone(site, server, page, lang):
    wide = []
    for address in site_pages(site, lang):
        page.goto(server + address)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = page.evaluate(
                """w => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5).slice(0, 3)
                .map(e => e.tagName.toLowerCase() + '.' + e.className)""",
                PHONE["width"],
            )
            wide.append(f"{address}: {width} px wide, because of {culprits}")
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_the_language_switch_keeps_the_page(server, page, lang, other):
    page.goto(server + root(lang) + TOPIC)
    page.locator(f"a.asi-language__link[hreflang='{other}']").click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/" + root(other) + TOPIC + "index.html"
    assert page.locator("html").get_attribute("lang") == other


@pytest.mark.parametrize(("lang", "other"), [("id", "en"), ("en", "id")])
def test_search_answers_in_the_pages_language(server, page, lang, other):
    page.goto(server + root(lang) + TOPIC)
    results = open_search(page, ONLY_IN[lang])
    assert results, f"no result for {ONLY_IN[lang]!r}"
    for url in results:
        path = urlparse(url).path
        assert path.startswith("/en/") == (lang == "en"), url
    page.goto(server + root(lang) + TOPIC)
    assert open_search(page, ONLY_IN[other]) == [], f"{ONLY_IN[other]!r} found pages in the other language"


def test_indonesian_search_finds_the_shorter_form_of_a_word(server, page):
    """Material's own search worker with lunr.id: 'menyusui' finds 'menyusu', 'tangan' never becomes 'tang'."""
    page.goto(server)
    docs = [
        {"location": "a.html", "title": "Bayi menyusu", "text": "Bayi menyusu dengan tenang."},
        {"location": "b.html", "title": "Tanggal", "text": "Tanggal lahir bayi."},
        {"location": "c.html", "title": "Payudara", "text": "Payudara terasa penuh."},
    ]
    found = page.evaluate(
        """async ({docs, queries}) => {
        const config = JSON.parse(document.getElementById("__config").textContent)
        const worker = new Worker(new URL(config.search, location))
        const ask = message => new Promise(resolve => {
            worker.onmessage = event => resolve(event.data)
            worker.postMessage(message)
        })
        await ask({type: 0, data: {docs, options: {suggest: false}, config: {
            lang: ["id"], separator: "[\\\\s\\\\-]+", pipeline: ["trimmer", "stopWordFilter"],
            fields: {title: {boost: 1000}, text: {boost: 1}, tags: {boost: 1000000}}}}})
        const found = {}
        for (const query of queries) {
            const result = await ask({type: 2, data: query})
            found[query] = result.data.items.map(group => group[0].location)
        }
        worker.terminate()
        return found
    }""",
        {"docs": docs, "queries": ["menyusui", "menyusu", "payudaranya", "tangan", "dengan"]},
    )
    assert found["menyusui"] == ["a.html"]
    assert found["menyusu"] == ["a.html"]
    assert found["payudaranya"] == ["c.html"]
    assert found["tangan"] == []
    assert found["dengan"] == []  # a function word is left out of the index


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_download_link_returns_a_pdf(site, server, context, lang):
    page = context.new_page()
    links: set[str] = set()
    for address in site_pages(site, lang):
        page.goto(server + address)
        links |= set(page.eval_on_selector_all("a[download], a[href$='.pdf'], a[href$='.zip']", "as => as.map(a => a.href)"))
    pdfs = [link for link in links if link.endswith(".pdf")]
    assert pdfs and all(urlparse(link).path.startswith(f"/downloads/{lang}/") for link in links)
    for link in sorted(links):
        response = context.request.get(link)
        assert response.status == 200, link
        body = response.body()
        assert body.startswith(b"%PDF" if link.endswith(".pdf") else b"PK\x03\x04"), link


@pytest.mark.parametrize(("lang", "heading"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")])
def test_a_missing_page_answers_in_the_readers_language(server, page, lang, heading):
    response = page.goto(server + root(lang) + "families/no-such-page/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading
    page.locator("article a").first.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path == "/" + root(lang) + "index.html"


FOCUSED = """() => {
    const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect()
    return {html: el.outerHTML.slice(0, 80), outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
            shown: box.width > 0 && box.height > 0 && style.visibility !== "hidden" && box.bottom > 0
                   && box.right > 0 && box.left < innerWidth && box.top < innerHeight,
            download: el.matches("a[download]")}
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_keyboard_reaches_the_download_with_the_focus_always_in_sight(server, page, viewport):
    page.set_viewport_size(viewport)
    page.goto(server + TOPIC)
    for _ in range(60):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)  # the skip link slides in
        focus = page.evaluate(FOCUSED)
        assert focus["shown"], f"the focus is on something out of sight: {focus['html']}"
        assert focus["outline"] != "none" and focus["width"] >= 2, f"no visible focus ring on {focus['html']}"
        if focus["download"]:
            break
    else:
        pytest.fail("the download button cannot be reached with the Tab key")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "expressing-storing.pdf"


def test_the_menu_opens_from_the_keyboard_on_a_phone(server, page):
    page.goto(server + TOPIC)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('for')") == "__drawer"
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)  # the drawer slides in
    for _ in range(6):  # past the header's language switch and search box, into the menu
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if "md-nav__link" in focus["html"]:
            break
    assert focus["shown"] and "md-nav__link" in focus["html"], focus["html"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offline_copy_opens_from_disk_with_search(site, tmp_path, page, lang):
    copy = tmp_path / "asi-untuk-keluarga"
    shutil.copytree(site, copy)  # as a midwife copies it onto a clinic laptop
    page.goto((copy / root(lang) / "index.html").as_uri())
    page.locator("a.asi-card").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(copy.as_uri()) and page.url.endswith("/index.html")
    assert page.locator("article h1").count() == 1
    page.goto((copy / root(lang) / TOPIC / "index.html").as_uri())
    results = open_search(page, ONLY_IN[lang])
    assert results and all(url.startswith((copy / root(lang)).as_uri()) for url in results)
    page.locator(".md-search-result__link").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    assert urlparse(page.url).path.split("#")[0].endswith("index.html")


def test_the_topic_page_is_light_for_a_weak_connection(server, context):
    """A topic page: few requests, a small transfer, everything from this host."""
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body() or b"")))
    page.goto(server + TOPIC, wait_until="networkidle")
    total = sum(sizes.values())
    print(json.dumps({"requests": len(sizes), "kilobytes": round(total / 1024)}))
    assert len(sizes) <= 20, sorted(sizes)
    assert total <= 600 * 1024, sorted(sizes.items(), key=lambda item: -item[1])[:5]


def test_an_old_browser_gets_the_polyfill_from_this_site(server, page):
    """Without ResizeObserver, Material would fetch a polyfill from a CDN; the site serves its own."""
    page.add_init_script("delete window.ResizeObserver")
    loaded = []
    page.on("request", lambda request: loaded.append(urlparse(request.url).path))
    page.goto(server + TOPIC, wait_until="networkidle")
    assert "/assets/javascripts/resize-observer-polyfill.js" in loaded
    assert page.evaluate("typeof ResizeObserver") == "function"
