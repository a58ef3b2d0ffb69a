"""Snapshot every linked page and the OpenAPI document, to prove a restructuring changes nothing.

Capture (run from the source tree whose `sandbox` package should be snapshotted):

    python tools/page_snapshot.py INSTANCE_DIR OUT_DIR

Compare two captures (exit status 0 when identical, 1 when anything differs):

    python tools/page_snapshot.py --compare BEFORE_DIR AFTER_DIR

INSTANCE_DIR is an instance folder holding a seeded demo (`flask --app sandbox init-db` then
`flask --app sandbox demo`). It is never written to: for each crawl the folder is copied to a
temporary directory and the application (built in-process with `sandbox.create_app`) points at the
copy, so logging in, switching language or anything else a request writes cannot leak into the next
crawl or the next run. Capture BEFORE and AFTER from the same instance folder.

What a capture holds:

    OUT_DIR/openapi.json               GET /api/v1/openapi.json, pretty-printed with sorted keys
    OUT_DIR/openapi.en.json            the same with Accept-Language: en
    OUT_DIR/<lang>/<role>/index.txt    "status url content-type [-> location] [sha256]" per URL visited
    OUT_DIR/<lang>/<role>/<page>.html  every HTML response, whatever its status ("/" is _root.html)
    OUT_DIR/capture-date.txt           the Beijing date of the capture (not compared; see below)

<lang> is zh (the default language) and en (chosen through POST /language, as a user would).
<role> is each demo login, as in tests/sandbox/app/test_crawl.py. Each crawl logs in through the login
form, then follows same-origin links breadth-first from the start pages, in sorted order, skipping
/static/, /logout and /language; only 200 HTML pages are searched for further links.

Non-HTML bodies (PDF, CSV, JSON, ZIP...) are recorded by their sha256 in the index. What differs
between two runs on the same instance is normalised, and nothing else (found by diffing runs):

- CSRF token values, fresh for every session, become "CSRF-TOKEN";
- the account page's "last sign-in" time, which is the crawler's own login, becomes "LOGIN-TIME";
- documents signed when asked for carry the time they were signed at (or a whole number of hours
  later, for expiry) and signatures over those times: the trust bundle (its issue and expiry times,
  its status lists, signed on first use on the crawl's copy) and dispute evidence packages (made
  per request). Their index entry is a "normalised-sha256" with those times shown as "CRAWL-TIME"
  and those signatures as "SIGNATURE"; every other byte still counts.

Deadlines and "days left" are computed from today's date, so capture BEFORE and AFTER on the same
(Beijing) day; `--compare` warns when the capture dates differ. To compare against an older capture,
capture BEFORE again from a checkout of the old commit.

To snapshot a checkout other than the installed one, put it first on the path and compile its
catalogs, e.g. `cd OLD && pybabel compile -d sandbox/translations && PYTHONPATH=OLD python ...`;
the script prints which `sandbox` package it imported.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import json
import re
import shutil
import sys
import tempfile
import zipfile
from collections import deque
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote, urldefrag, urlsplit

DEMO_LOGINS = {
    "anonymous": None,
    "applicant": "applicant@demo.sandbox",
    "regulator": "regulator@demo.sandbox",
    "assessor": "assessor@demo.sandbox",
    "legal_partner": "mediator@demo.sandbox",
    "service_provider": "provider@demo.sandbox",
    "admin": "admin@demo.sandbox",
}
LANGUAGES = ("zh", "en")
START = ("/", "/dashboard", "/cases", "/notifications")
# Links that act rather than show, or that would sign the crawler out (as in tests/sandbox/app/test_crawl.py).
SKIP = re.compile(r"^/(static/|logout|language)")
MAX_PAGES = 2000
OPENAPI = "/api/v1/openapi.json"
DATE_FILE = "capture-date.txt"
BEIJING = timezone(timedelta(hours=8))

# A Flask-WTF token is fresh for every session and carries a timestamp.
CSRF_INPUT = re.compile(r'(name="csrf_token"[^>]*?value=")([^"]*)(")')
CSRF_PLACEHOLDER = "CSRF-TOKEN"
# The account page shows when the signed-in user last signed in: that is the crawler's own login.
LAST_SIGN_IN = re.compile(r"(<dt>(?:上次登录|Last sign-in)</dt><dd>)[^<]*(</dd>)")
LAST_SIGN_IN_PLACEHOLDER = r"\1LOGIN-TIME\2"
# Documents signed when asked for (status lists once, then cached on the crawl's copy): their times and
# the signatures over them depend on when the crawl ran.
TRUST_BUNDLE = re.compile(r"/api/v1/trust-bundle")
EVIDENCE_PACKAGE = re.compile(r"/disputes/\d+/evidence-package")
ISO_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
CRAWL_TIME = b"CRAWL-TIME"
SIGNATURE = "SIGNATURE"


class Links(HTMLParser):
    """Collect the same-origin <a href> targets of a page, without fragments."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") and not href.startswith("//"):
                self.found.append(urldefrag(href)[0])


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(2)


def normalise(html: str) -> str:
    """Replace what differs from one run to the next on the same instance."""
    tokens = {match.group(2) for match in CSRF_INPUT.finditer(html) if match.group(2)}
    for token in sorted(tokens, key=len, reverse=True):
        html = html.replace(token, CSRF_PLACEHOLDER)
    return LAST_SIGN_IN.sub(LAST_SIGN_IN_PLACEHOLDER, html)


class Window(NamedTuple):
    """From the start of a crawl to the end of one of its requests: what was signed in it is the crawl's."""

    start: datetime
    end: datetime


def fingerprint(path: str, body: bytes, window: Window) -> str:
    """The sha256 of a non-HTML body; of a normalised body for documents signed when asked for."""
    try:
        if TRUST_BUNDLE.fullmatch(path):
            return "normalised-sha256:" + _sha256(_trust_bundle(body, window))
        if EVIDENCE_PACKAGE.fullmatch(path):
            return "normalised-sha256:" + _sha256(_evidence_package(body, window))
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile):
        pass  # not shaped as before: the raw hash makes the difference show
    return "sha256:" + _sha256(body)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mask_crawl_times(data: bytes, window: Window) -> bytes:
    """Replace each time stamp within the crawl so far, or a whole number of hours after such a time.

    The seeded instance predates the crawl, so these are the times things were signed at on the crawl's
    own copy: "2026-12-07T15:01:14Z" becomes "CRAWL-TIME" and one a day later "CRAWL-TIME+24h". Other
    time stamps (when a document was added, a key activated...) stay as they are.
    """
    earliest = window.start.replace(microsecond=0)
    latest = window.end

    def mask(match: re.Match[bytes]) -> bytes:
        stamp = datetime.fromisoformat(match.group().decode())
        if stamp.tzinfo is None:
            return match.group()
        hours, rest = divmod(stamp - earliest, timedelta(hours=1))
        if hours >= 0 and earliest + rest <= latest:
            return CRAWL_TIME + (f"+{hours}h".encode() if hours else b"")
        return match.group()

    return ISO_TIME.sub(mask, data)


def _trust_bundle(body: bytes, window: Window) -> bytes:
    """The bundle with the times it and its status lists were signed at, and those signatures, masked."""
    document = json.loads(mask_crawl_times(body, window))
    document["signature"]["value"] = SIGNATURE
    if "sm2Signature" in document:
        document["sm2Signature"]["value"] = SIGNATURE
    for status_list in document["payload"]["statusLists"]:
        proofs = status_list["proof"] if isinstance(status_list["proof"], list) else [status_list["proof"]]
        for proof in proofs:
            if proof["created"].startswith(CRAWL_TIME.decode()):
                proof["proofValue"] = SIGNATURE
    return json.dumps(document, sort_keys=True, ensure_ascii=False).encode()


def _evidence_package(body: bytes, window: Window) -> bytes:
    """Each member's name and hash, with the time the package was made and its signature masked."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for member in archive.infolist():  # in archive order; the members' dates are the request's
            data = mask_crawl_times(archive.read(member), window)
            if member.filename == "manifest.sig.json":
                signed = json.loads(data)
                signed["signature"] = SIGNATURE
                data = json.dumps(signed, sort_keys=True).encode()
            lines.append(f"{member.filename} {member.compress_type} {_sha256(data)}")
    return "\n".join(lines).encode()


def file_name(url: str) -> str:
    """A file name for a path and query: readable, safe on any file system, distinct per URL."""
    name = quote(url.lstrip("/"), safe="-._~=&,").replace("%2F", "+") or "_root"
    if len(name) > 180:
        name = name[:160] + "~" + hashlib.sha256(url.encode()).hexdigest()[:16]
    return name + ".html"


def demo_password() -> str:
    try:
        # Where older trees kept it; this tree has it in sandbox.demo.people.
        from sandbox.demo import DEMO_PASSWORD  # type: ignore[attr-defined]
    except ImportError:  # the module moved; the password is published in the README
        return "sandbox-demo-2026"
    return DEMO_PASSWORD


def make_app(instance: Path):
    from sandbox import create_app

    # A test_config replaces instance/config.py and SANDBOX_* (there are none in a demo instance).
    # The access log is silenced; nothing here changes what a page renders.
    return create_app({"INSTANCE_PATH": str(instance), "REQUEST_LOG_LEVEL": "WARNING"})


def log_in(client, email: str, password: str) -> None:
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"login as {email} failed: {response.status_code}")


def choose_language(client, locale: str) -> None:
    page = client.get("/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/language", data={"locale": locale, "next": "/", "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"switching to {locale} failed: {response.status_code}")


def crawl(instance: Path, role: str, locale: str, out: Path) -> int:
    """Crawl as `role` in `locale` on a private copy of `instance`; return the number of URLs visited."""
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="page-snapshot-") as scratch:
        copy = Path(scratch) / "instance"
        shutil.copytree(instance, copy)
        app = make_app(copy)
        try:
            headers = {"Accept-Language": locale}  # only the API reads it; pages follow the user's choice
            client = app.test_client()
            email = DEMO_LOGINS[role]
            if email:
                log_in(client, email, demo_password())
            if locale != app.config["BABEL_DEFAULT_LOCALE"]:
                choose_language(client, locale)
            out.mkdir(parents=True)
            index: list[str] = []
            queue, seen = deque(START), set[str]()
            while queue and len(seen) < MAX_PAGES:
                url = queue.popleft()
                if url in seen or SKIP.match(urlsplit(url).path):
                    continue
                seen.add(url)
                response = client.get(url, headers=headers)
                window = Window(started, datetime.now(UTC))
                body = response.get_data()
                line = f"{response.status_code} {url} {response.content_type or '-'}"
                if response.location:
                    line += f" -> {response.location}"
                if response.mimetype == "text/html":
                    html = response.get_data(as_text=True)
                    (out / file_name(url)).write_text(normalise(html), encoding="utf-8")
                    if response.status_code == 200:
                        queue.extend(sorted({link for link in links_of(html) if link not in seen}))
                else:
                    line += " " + fingerprint(urlsplit(url).path, body, window)
                response.close()
                index.append(line)
            if queue and len(seen) >= MAX_PAGES:
                print(f"warning: {locale}/{role} stopped at {MAX_PAGES} pages", file=sys.stderr)
            (out / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
            return len(seen)
        finally:
            app.extensions["sandbox.engine"].dispose()


def capture_openapi(instance: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="page-snapshot-") as scratch:
        copy = Path(scratch) / "instance"
        shutil.copytree(instance, copy)
        app = make_app(copy)
        try:
            client = app.test_client()
            for name, headers in (("openapi.json", {}), ("openapi.en.json", {"Accept-Language": "en"})):
                response = client.get(OPENAPI, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"{OPENAPI}: {response.status_code}")
                text = json.dumps(response.get_json(), indent=2, sort_keys=True, ensure_ascii=False)
                (out / name).write_text(text + "\n", encoding="utf-8")
        finally:
            app.extensions["sandbox.engine"].dispose()


def capture(instance: Path, out: Path) -> None:
    import sandbox

    if not (instance / "sandbox.db").is_file():
        raise SystemExit(f"{instance} holds no sandbox.db; seed a demo instance first")
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    print(f"sandbox package: {Path(sandbox.__file__).parent}")
    out.mkdir(parents=True, exist_ok=True)
    (out / DATE_FILE).write_text(datetime.now(UTC).astimezone(BEIJING).date().isoformat() + "\n")
    capture_openapi(instance, out)
    total = 0
    for locale in LANGUAGES:
        for role in DEMO_LOGINS:
            count = crawl(instance, role, locale, out / locale / role)
            total += count
            print(f"{locale}/{role}: {count} URLs")
    print(f"total: {total} URLs")


def compare(before: Path, after: Path, *, context_lines: int = 40) -> int:
    """Print what differs between two captures; return 0 when identical, 1 otherwise."""
    for folder in (before, after):
        if not folder.is_dir():
            raise SystemExit(f"{folder} is not a folder")
    dates = {
        (folder / DATE_FILE).read_text().strip()
        for folder in (before, after)
        if (folder / DATE_FILE).exists()
    }
    if len(dates) > 1:
        days = ", ".join(sorted(dates))
        print(f"warning: captured on different days ({days}); date-dependent pages will differ")
    old, new = _files(before), _files(after)
    missing, added = sorted(old - new), sorted(new - old)
    changed = sorted(
        name for name in old & new if (before / name).read_bytes() != (after / name).read_bytes()
    )
    for name in missing:
        print(f"only in {before}: {name}")
    for name in added:
        print(f"only in {after}: {name}")
    for name in changed:
        print(f"differs: {name}")
        diff = list(
            difflib.unified_diff(
                (before / name).read_text(encoding="utf-8", errors="replace").splitlines(),
                (after / name).read_text(encoding="utf-8", errors="replace").splitlines(),
                f"before/{name}",
                f"after/{name}",
                lineterm="",
            )
        )
        for line in diff[:context_lines]:
            print(f"    {line}")
        if len(diff) > context_lines:
            print(f"    ... {len(diff) - context_lines} more diff lines")
    print(
        f"{len(old & new)} files in both: {len(changed)} differ, "
        f"{len(missing)} only before, {len(added)} only after"
    )
    return 1 if missing or added or changed else 0


def _files(root: Path) -> set[str]:
    found = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    return found - {DATE_FILE}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="compare two captures instead of capturing")
    parser.add_argument("first", type=Path, help="INSTANCE_DIR (or BEFORE_DIR with --compare)")
    parser.add_argument("second", type=Path, help="OUT_DIR (or AFTER_DIR with --compare)")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(args.first, args.second)
    capture(args.first, args.second)
    return 0


if __name__ == "__main__":
    sys.exit(main())
