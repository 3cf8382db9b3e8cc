"""Flow (d): the desk's everyday corrections and what comes after the sale. A CSR finds the client by a pet's name, checks in without a first line,
adds an exam for one pet and a vaccine for the other, takes the exam off again, is refused when pressing Finish with
nothing tendered, then cancels the invoice with a reason; the desk lists no open invoice. Then every page a CSR and a
manager use is measured at a phone's, the desk's and the office's screen width: none is wider than its screen."""
from vetpos_browser import STAFF, URL, add_line, api, browser, check_in, money, passed, shot, sign_in, token

with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", "FRONT-2")
    number = check_in(page, "mia", "OWNER", "MIA")
    page.locator("#no-lines").wait_for()
    shot(page, "d-1-no-lines")
    add_line(page, "REX", "exam")
    add_line(page, "MIA", "rabies")
    assert page.locator("#lines tr[data-line]").count() == 2, page.inner_text("#lines")
    shot(page, "d-2-two-lines")

    # The exam comes off; the vaccine becomes line 1.
    with page.expect_navigation():
        page.click('.remove-line[data-line="1"]')
    assert page.locator("#lines tr[data-line]").count() == 1, page.inner_text("#lines")
    assert page.locator('[data-pet="REX"]').count() == 0, page.inner_text("#lines")
    assert page.locator('#lines tr[data-line="1"]').count() == 1, page.inner_text("#lines")
    shot(page, "d-3-line-removed")

    # Finish never assumes a payment: nothing tendered, nothing typed → refused under the amount.
    page.click("#finish")
    page.locator("#tender-amount-error").wait_for()
    assert "nothing is tendered" in page.inner_text("#tender-amount-error"), page.inner_text("#tender-amount-error")
    assert page.url.endswith(f"/invoices/{number}"), page.url
    shot(page, "d-4-nothing-tendered")

    # Cancelled with a reason: back at the desk, which lists no open invoice.
    page.fill("#cancel-reason", "client left before the exam")
    with page.expect_navigation():
        page.click("#cancel-invoice")
    page.wait_for_url(URL + "/desk")
    page.locator("#no-open-invoices").wait_for()
    shot(page, "d-5-cancelled")

    # A new client at the desk, with a first pet; "/" goes to the search from anywhere on the page.
    page.click("h1")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "client-search"
    page.click("#new-client summary")
    page.fill("#new-client-name", "Nora Newcomer")
    page.fill("#new-client-phone", "555-0199")
    page.fill("#new-pet-name", "Pip")
    page.fill("#new-pet-species", "Feline")
    page.click("#add-client")
    page.wait_for_function("document.getElementById('client').value.startsWith('C-')")
    assert "Pip" in page.inner_text("#checkin-pet"), page.inner_text("#checkin-pet")
    assert "Nora Newcomer" in page.inner_text("#client-card"), page.inner_text("#client-card")
    shot(page, "d-5a-new-client")
    page.fill("#client-search", "0199")
    page.locator("#client-results li[role=option]", has_text="Nora Newcomer").wait_for()

    # No page is wider than the screen: a phone (390×844), the desk (1280×800), the office (1920×1080).
    manager = context.new_page()
    sign_in(manager, "MANAGER", "OFFICE")
    for width, height in [(390, 844), (1280, 800), (1920, 1080)]:
        for who, path in [(page, "/desk"), (page, f"/invoices/{number}"), (page, "/drawer"), (manager, "/reports")]:
            who.set_viewport_size({"width": width, "height": height})
            who.goto(URL + path)
            who.wait_for_load_state("networkidle")
            wide = who.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide at {width}×{height}"
        shot(page, f"d-6-desk-{width}")



# After the sale, from the invoice page: a sale partly charged to the account and paid later in part by card, a partial refund of that card
# payment signed by a manager, and a void of another sale by the CSR with the manager's PIN.

manager_id, manager_pin = STAFF["MANAGER"]
with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", "FRONT-2")
    number = check_in(page, "carl", "CREDIT", "TOM", "EXAM")
    # $20.00 on the account now; the rest is due later.
    page.select_option("#tender-kind", "account")
    page.fill("#tender-amount", "20.00")
    with page.expect_navigation():
        page.click("#finish")
    page.locator("#pay-form").wait_for()
    shot(page, "d-7-on-account")
    page.fill("#pay-amount", "40.00")
    page.select_option("#pay-tender", "credit")
    page.fill("#pay-last4", "4242")
    page.fill("#pay-auth", "PAY123")
    with page.expect_navigation():
        page.click("#take-payment")
    status, invoice = api("GET", f"/api/invoices/{number}", token("CSR", "FRONT-2"))
    assert status == 200, (status, invoice)
    credit = [p for p in invoice["payments"] if p["tender"] == "credit"]
    assert len(credit) == 1 and money(credit[0]["amount"]) == 40_00, invoice["payments"]

    # A partial refund of the card payment, signed by the manager.
    page.select_option("#refund-payment", str(credit[0]["number"]))
    page.fill("#refund-amount", "15.00")
    page.fill("#refund-reason", "vaccine not given")
    page.fill("#refund-approver", manager_id)
    page.fill("#refund-pin", manager_pin)
    with page.expect_navigation():
        page.click("#refund")
    status, invoice = api("GET", f"/api/invoices/{number}", token("CSR", "FRONT-2"))
    refunds = [p for p in invoice["payments"] if p["kind"] == "refund"]
    assert len(refunds) == 1 and money(refunds[0]["amount"]) == -15_00, invoice["payments"]
    shot(page, "d-8-refunded")

    # The same day, the CSR voids a second sale with the manager's PIN.
    page.click("nav >> text=Desk")
    page.wait_for_url(URL + "/desk")
    second = check_in(page, "carl", "CREDIT", "TOM", "EXAM")
    page.select_option("#tender-kind", "account")
    with page.expect_navigation():
        page.click("#finish")
    page.fill("#void-reason", "rung up twice")
    page.fill("#void-approver", manager_id)
    page.fill("#void-pin", manager_pin)
    with page.expect_navigation():
        page.click("#void")
    page.locator("#voided").wait_for()
    status, voided = api("GET", f"/api/invoices/{second}", token("CSR", "FRONT-2"))
    assert voided["status"] == "void", voided["status"]
    shot(page, "d-9-voided")

passed("desk_edits")
