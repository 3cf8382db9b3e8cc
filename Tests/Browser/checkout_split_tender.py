"""Flow (a): a CSR checks in a client with two pets (the first line on the desk), adds a line for the second pet
through the search field, applies the multiple-pets discount, pays part by card and the rest in cash with more cash
than due, finishes and prints. The posted total is computed from the clinic's catalog prices, the discount and the
tax; the API then holds the invoice as posted and paid with those two payments."""
import uuid

from vetpos_browser import URL, add_line, api, browser, check_in, find_client, money, passed, shot, sign_in, token

desk_token = None
CARD, CASH = 40_00, 50_00

with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", "FRONT-1")
    desk_token = page.evaluate("() => sessionStorage.getItem('vetpos.token')")

    # Expected amounts from the clinic's own data: catalog prices, tax rates, 10 % off the services.
    status, catalog = api("GET", "/api/catalog", desk_token)
    assert status == 200, (status, catalog)
    items = {item["code"]: item for item in catalog}
    exam, rabies = items["EXAM"], items["RABIES"]
    assert exam["kind"] == rabies["kind"] == "service", (exam, rabies)
    SUBTOTAL = money(exam["unitPrice"]) + money(rabies["unitPrice"])
    DISCOUNT = (SUBTOTAL * 10 + 50) // 100  # 10 %, half a cent up
    status, categories = api("GET", "/api/catalog/tax", desk_token)
    assert status == 200, (status, categories)
    rates = {category["code"]: category["ratePPM"] for category in categories}
    # Tax on each line after its share of the discount; both items are in a 0 % category in this clinic.
    assert rates[exam["taxCategory"]] == rates[rabies["taxCategory"]] == 0, (exam, rabies, rates)
    TAX = 0
    TOTAL = SUBTOTAL - DISCOUNT + TAX
    CHANGE = CARD + CASH - TOTAL
    assert 0 < CARD < TOTAL < CARD + CASH, (CARD, CASH, TOTAL)

    # The terminal's receipt printer (a print queue with no printer behind it here: jobs wait in the queue).
    status, body = api(
        "POST", "/api/settings/devices", token("MANAGER", "OFFICE"), {"terminal": "FRONT-1", "printer": "vetpos-test"},
        key=str(uuid.uuid4()),
    )
    assert status == 200, (status, body)

    # Cash is only taken with the terminal's drawer open.
    status, body = api("POST", "/api/drawer/open", desk_token, {"count": {"20": 5, "10": 5}}, key=str(uuid.uuid4()))
    assert status == 201, (status, body)

    find_client(page, "rex", "OWNER", screen="a-1-desk-search")
    assert page.input_value("#checkin-pet") == "REX", "found by the pet's name: that pet"
    shot(page, "a-1-desk")
    number = check_in(page, "Olive", "OWNER", "REX", "EXAM")
    page.locator('[data-pet="REX"]', has_text=exam["name"]).wait_for()
    add_line(page, "MIA", "rabies")
    page.locator('[data-pet="MIA"]', has_text=rabies["name"]).wait_for()
    assert page.locator("#lines tr[data-line]").count() == 2, page.inner_text("#lines")
    assert page.locator('[data-pet="REX"] tr[data-line]').count() == 1, page.inner_text("#lines")
    shot(page, "a-2-invoice-lines")
    assert money(page.inner_text("#total")) == SUBTOTAL, page.inner_text("#total")

    page.select_option("#discount-kind", "multiplePets")
    page.fill("#discount-percent", "10")
    page.select_option("#discount-scope", "service")
    page.click("#apply-discount")
    page.locator("#pending-discounts li", has_text="multiplePets").wait_for()

    page.select_option("#tender-kind", "credit")
    page.fill("#tender-amount", f"{CARD / 100:.2f}")
    page.fill("#card-last4", "4242")
    page.fill("#card-auth", "A1B2C3")
    page.select_option("#card-brand", "visa")
    page.click("#add-tender")
    page.locator("#pending-tenders li", has_text="credit").wait_for()
    page.select_option("#tender-kind", "cash")
    page.fill("#tender-amount", f"{CASH / 100:.2f}")
    page.click("#add-tender")
    page.locator("#pending-tenders li", has_text="cash").wait_for()
    assert money(page.inner_text("#tendered")) == CARD + CASH, page.inner_text("#tendered")
    shot(page, "a-3-tenders")
    # Finish is on the first screen of a 1280×800 desk, with two tenders listed: no scrolling to finish a sale.
    bottom = page.evaluate("document.getElementById('finish').getBoundingClientRect().bottom + window.scrollY")
    assert bottom <= 800, f"Finish ends at y={bottom}, below the fold"

    with page.expect_navigation():
        page.click("#finish")
    page.locator("#print").wait_for()
    shot(page, "a-4-posted")
    assert money(page.inner_text("#total")) == TOTAL, (page.inner_text("#total"), TOTAL)
    assert money(page.inner_text("#balance")) == 0, page.inner_text("#balance")
    assert money(page.inner_text("#change-due")) == CHANGE, (page.inner_text("#change-due"), CHANGE)
    assert page.locator("#reprint").is_visible()

    # The API (with the page's own session) holds the invoice posted and paid by those two tenders.
    status, invoice = api("GET", f"/api/invoices/{number}", desk_token)
    assert status == 200, (status, invoice)
    assert invoice["status"] == "paid", invoice["status"]
    assert invoice["businessDate"], "not posted"
    assert money(invoice["total"]) == TOTAL and money(invoice["discountTotal"]) == DISCOUNT, invoice
    assert money(invoice["taxTotal"]) == TAX, invoice["taxTotal"]
    tenders = sorted((p["tender"], money(p["amount"]), money(p["change"])) for p in invoice["payments"])
    assert tenders == [("cash", CASH - CHANGE, CHANGE), ("credit", CARD, 0)], tenders
    assert [d["class"] for d in invoice["discounts"]] == ["multiplePets"], invoice["discounts"]

    # Print: the receipt goes to the terminal's printer through the print queue; the page shows what the API said.
    with page.expect_response(lambda response: response.url == f"{URL}/api/invoices/{number}/print") as printed:
        page.click("#print")
    reply = printed.value
    status = page.locator("#print-status")
    status.wait_for()
    outcome = status.inner_text()
    assert reply.status in (200, 202), (reply.status, reply.text())
    job = reply.json()["job"]
    assert job["invoice"] == number and job["queue"] == "vetpos-test", job
    assert ("Printed" if reply.status == 200 else "Queued") in outcome and f"job {job['id']}" in outcome, outcome
    code, jobs = api("GET", "/api/print-jobs?all=true", desk_token)
    assert code == 200 and any(j["id"] == job["id"] and j["invoice"] == number for j in jobs), jobs
    shot(page, "a-5-print")
    with page.expect_response(lambda response: response.url == f"{URL}/api/invoices/{number}/reprint") as reprinted:
        page.click("#reprint")
    copy = reprinted.value.json()["job"]
    assert copy["id"] != job["id"] and copy["invoice"] == number, copy
    page.locator("#print-status", has_text=f"job {copy['id']}").wait_for()

    with page.expect_navigation():
        page.click("#receipt-link")
    receipt = page.inner_text("#receipt")
    assert f"{TOTAL / 100:.2f}" in receipt and f"{CHANGE / 100:.2f}" in receipt, receipt
    assert page.locator("#print-now").is_visible()
    shot(page, "a-6-receipt")
passed("checkout_split_tender")
