"""Flow (c): closing staff. A CSR opens the drawer with an opening count by denomination, takes a cash sale, and
does the blind close count (the page shows no expected cash before it); the variance shows after the count; one
recount is taken and a second is refused with a visible error. A second employee then verifies: a variance beyond
the tolerance needs a note (refused without one, under the note field) and a manager's PIN; the float is kept and
the Z report shown. The API's Z report holds the recount, the kept float and the manager's approval."""
import re

from vetpos_browser import STAFF, URL, api, browser, check_in, money, passed, shot, sign_in, token

TERMINAL = "FRONT-3"
OPENING = {"20": 5, "5": 6, "1": 20, "0.25": 40}  # $160.00
CLOSE = {"20": 5, "10": 2, "5": 6, "1": 20, "0.25": 40}  # $180.00
RECOUNT = dict(CLOSE, **{"1": 21})  # $181.00
KEEP = {"20": 2, "5": 6, "1": 20, "0.25": 40}  # $100.00 stays as the float
VALUES = {"20": 20_00, "10": 10_00, "5": 5_00, "1": 1_00, "0.25": 25}
SALE, TENDERED = 24_99, 30_00  # RABIES, paid in cash
manager, manager_pin = STAFF["MANAGER"]


def total(count):
    return sum(VALUES[code] * quantity for code, quantity in count.items())


EXPECTED = total(OPENING) + SALE  # $184.99


def enter(page, prefix, count):
    """Fills every denomination field of a count form (those not in the count with 0)."""
    for field in page.locator(f'input[id^="{prefix}-"][data-value]').all():
        code = field.get_attribute("name")
        field.fill(str(count.get(code, 0)))


def drawer_call(page, button):
    """Clicks a count button; the page reloads with the outcome in #variance."""
    with page.expect_navigation():
        page.click(button)
    page.locator("#variance").wait_for()


with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", TERMINAL)
    page.click("nav >> text=Drawer")
    page.wait_for_url(URL + "/drawer")
    assert page.get_attribute("#drawer-page-state", "data-state") == "closed"
    enter(page, "count", OPENING)
    page.locator('[id="count-0.25"]').fill(str(OPENING["0.25"]))  # a denomination id with a dot
    assert money(page.inner_text("#count-total")) == total(OPENING), page.inner_text("#count-total")
    shot(page, "c-1-opening-count")
    drawer_call(page, "#open-drawer")
    assert page.get_attribute("#drawer-page-state", "data-state") == "open"
    assert "opened" in page.inner_text("#variance"), page.inner_text("#variance")

    # A cash sale at this terminal.
    page.click("nav >> text=Desk")
    page.wait_for_url(URL + "/desk")
    number = check_in(page, "owner", "OWNER", "MIA", "RABIES")
    page.select_option("#tender-kind", "cash")
    page.fill("#tender-amount", f"{TENDERED / 100:.2f}")
    with page.expect_navigation():
        page.click("#finish")
    page.locator("#print").wait_for()
    assert money(page.inner_text("#change-due")) == TENDERED - SALE, page.inner_text("#change-due")
    shot(page, "c-2-cash-sale")

    # The blind count: nothing on the drawer page (the X report included) tells the cash expected.
    page.click("nav >> text=Drawer")
    page.wait_for_url(URL + "/drawer")
    text = page.evaluate("() => document.body.textContent")
    expected_text = f"{EXPECTED / 100:.2f}"
    shown = re.findall(r"expected ?cash|cash ?taken|figures|over ?/? ?short", text, re.IGNORECASE)
    assert expected_text not in text and not shown, ("expected cash shown before the count", shown)
    assert page.inner_text("#variance").strip() == "", page.inner_text("#variance")
    enter(page, "count", CLOSE)
    assert money(page.inner_text("#count-total")) == total(CLOSE), page.inner_text("#count-total")
    shot(page, "c-3-blind-count")
    drawer_call(page, "#close-drawer")
    assert page.get_attribute("#drawer-page-state", "data-state") == "counting"
    variance = page.inner_text("#variance")
    # "Counted $180.00 · expected $184.99 · over/short -$4.99 · outside the $2.00 tolerance: recount once, …"
    assert money(variance) == total(CLOSE) and f"expected ${expected_text}" in variance, variance
    assert "over/short -$4.99" in variance and "recount once" in variance, variance
    assert "short" in page.get_attribute("#variance", "class"), page.get_attribute("#variance", "class")
    shot(page, "c-4-variance")

    enter(page, "count", RECOUNT)
    drawer_call(page, "#recount")
    variance = page.inner_text("#variance")
    assert money(variance) == total(RECOUNT) and "over/short -$3.99" in variance, variance
    assert "recount once" not in variance and "note" in variance, variance
    shot(page, "c-5-recount")

    # A second recount is refused, on the page.
    enter(page, "count", CLOSE)
    page.click("#recount")
    error = page.locator("#count-form .form-error")
    error.wait_for(state="visible")
    assert "recounted" in error.inner_text(), error.inner_text()
    shot(page, "c-6-second-recount-refused")

    # The second employee verifies: keeps the float; $3.99 short needs a note and a manager's PIN.
    page.click("#sign-out")
    page.wait_for_url(URL + "/")
    sign_in(page, "CSR2", TERMINAL)
    page.goto(URL + "/drawer")
    assert page.get_attribute("#drawer-page-state", "data-state") == "counting"
    enter(page, "keep", KEEP)
    assert money(page.inner_text("#keep-total")) == total(KEEP), page.inner_text("#keep-total")
    page.click("#verify")
    note_error = page.locator("#verify-note + .field-error")
    note_error.wait_for()
    assert "note" in note_error.inner_text(), note_error.inner_text()
    shot(page, "c-7-verify-needs-note")
    page.fill("#verify-note", "short: change given twice")
    page.fill("#verify-approver", manager)
    page.fill("#verify-pin", manager_pin)
    with page.expect_navigation(url=re.compile(r".*/reports\?z=1.*")):
        page.click("#verify")
    page.locator("#z-report").wait_for()
    shot(page, "c-8-z-report")

    status, z = api("GET", f"/api/drawer/z/1?drawer={TERMINAL}", token("MANAGER", "OFFICE"))
    assert status == 200, (status, z)
    assert [(c["kind"], money(c["counted"])) for c in z["counts"]] == [
        ("closeCount", total(CLOSE)),
        ("recount", total(RECOUNT)),
    ], z["counts"]
    assert money(z["figures"]["expectedCash"]) == EXPECTED, z["figures"]
    assert z["floatKept"] == KEEP, z["floatKept"]
    deposit = {code: RECOUNT[code] - KEEP.get(code, 0) for code in RECOUNT if RECOUNT[code] > KEEP.get(code, 0)}
    assert z["deposit"] == deposit, (z["deposit"], deposit)
    assert (z["closedBy"], z["approvedBy"], z["closeNote"]) == ("CSR2", manager, "short: change given twice"), z
passed("drawer_close")
