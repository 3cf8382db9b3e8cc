"""Shared set-up of the browser scripts: the server's address and the staff from the environment (BrowserTests sets
them), Debian's Chromium through Playwright (headless, 1280x800), screenshots and API look-ups."""
import json
import os
import re
import sys
import urllib.request
from contextlib import contextmanager

from playwright.sync_api import sync_playwright

URL = os.environ["VETPOS_URL"].rstrip("/")
SCREENS = os.environ["VETPOS_SCREENS"]
CHROMIUM = os.environ.get("VETPOS_CHROMIUM", "/usr/bin/chromium")
STAFF = {role: (os.environ[f"VETPOS_{role}"], os.environ[f"VETPOS_{role}_PIN"]) for role in ("CSR", "CSR2", "MANAGER")}
TIMEOUT_MS = 10_000


@contextmanager
def browser():
    """A fresh browser context; pages fail on any uncaught script error."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        errors = []
        context.on("weberror", lambda error: errors.append(str(error.error)))
        # For the log of a failing run: what the pages said on their console and every API call the server refused.
        context.on("console", lambda message: print(f"console {message.type}: {message.text}"))
        context.on("response", log_refusal)
        try:
            yield context
        finally:
            context.close()
            chromium.close()
        assert not errors, f"script errors in the page: {errors}"


def log_refusal(response):
    if "/api/" in response.url and response.status >= 400:
        try:
            text = response.text()
        except Exception as error:  # the page may have moved on; the status is still worth a line
            text = f"(body not read: {error})"
        print(f"api {response.request.method} {response.url.removeprefix(URL)} -> {response.status} {text}")


def shot(page, name):
    path = os.path.join(SCREENS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    print(f"screen {path}")


def sign_in(page, role, terminal, screen=None):
    employee, pin = STAFF[role]
    page.goto(URL + "/")
    page.fill("#employee", employee)
    page.fill("#pin", pin)
    page.fill("#terminal", terminal)
    if screen:
        shot(page, screen)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/desk$"))
    return employee


def find_client(page, search, client, screen=None):
    """On the desk: types `search` (part of a name, a phone, a pet's name) and takes the first client found with
    Enter, as a CSR does; checks it is `client`."""
    page.fill("#client-search", search)
    page.locator("#client-results li[role=option]").first.wait_for()
    if screen:
        shot(page, screen)
    page.press("#client-search", "Enter")
    page.wait_for_function(f"document.getElementById('client').value === {client!r}")


def check_in(page, search, client, pet, item=None):
    """On the desk: finds the client by `search`, picks the pet and (when given) the first line's item; opens the
    invoice and returns its number."""
    find_client(page, search, client)
    page.select_option("#checkin-pet", pet)
    if item:
        page.fill("#checkin-item", item)
    page.click("#new-invoice")
    page.wait_for_url(re.compile(r".*/invoices/[0-9]+$"))
    return int(page.url.rsplit("/", 1)[1])


def add_line(page, pet, query):
    """On an open invoice: a line for the pet through the search-or-scan field (the page reloads with it)."""
    page.select_option("#pet", pet)
    page.fill("#line-search", query)
    with page.expect_navigation():
        page.click("#add-line")


def api(method, path, token=None, body=None, key=None):
    """A call of the JSON API; returns (status, JSON body)."""
    request = urllib.request.Request(URL + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if key:
        request.add_header("Idempotency-Key", key)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, data=data, timeout=15) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def token(role, terminal):
    employee, pin = STAFF[role]
    status, body = api("POST", "/api/sessions", body={"employee": employee, "pin": pin, "terminal": terminal})
    assert status == 201, f"sign-in of {employee}: {status} {body}"
    return body["token"]


def money(text):
    """'$1,234.50' -> 123450 (cents)."""
    match = re.search(r"(-?)\$?([0-9,]+)\.([0-9]{2})", text)
    assert match, f"no amount in {text!r}"
    cents = int(match.group(2).replace(",", "")) * 100 + int(match.group(3))
    return -cents if match.group(1) else cents


def passed(name):
    print(f"PASS {name}")
    sys.stdout.flush()
