"""Flow (a): a CSR opens an invoice for a client with two pets, adds a line for each, applies the multiple-pets
discount, pays by card and by cash (more cash than the rest: change due), finishes and prints. The totals on the page
are checked against the clinic's prices, and the invoice is posted and paid according to the API."""
import re
import uuid

from vetpos_browser import URL, api, browser, money, passed, shot, sign_in, token

# TestClinic: EXAM $62.00 (service, REX), RABIES $24.99 (service, MIA); 10 % off services = $8.70 (8.699 rounded).
SUBTOTAL, DISCOUNT = 62_00 + 24_99, 8_70
TOTAL = SUBTOTAL - DISCOUNT  # 78.29
CARD, CASH = 40_00, 50_00
CHANGE = CARD + CASH - TOTAL  # 11.71

# The drawer of the terminal is open (cash can only be taken then).
desk = token("CSR", "FRONT-1")
status, body = api("POST", "/api/drawer/open", desk, {"count": {"20": 5, "10": 5}}, key=str(uuid.uuid4()))
assert status == 201, (status, body)

with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", "FRONT-1")
    page.select_option("#client", "OWNER")
    shot(page, "a-desk-client")
    page.click("#new-invoice")
    page.wait_for_url(re.compile(r".*/invoices/[0-9]+$"))
    number = int(page.url.rsplit("/", 1)[1])

    for pet, item, name in (("REX", "EXAM", "Wellness exam"), ("MIA", "RABIES", "Rabies vaccine")):
        page.select_option("#pet", pet)
        page.fill("#line-search", item)
        with page.expect_navigation():
            page.click("#add-line")
        page.locator(f'[data-pet="{pet}"]', has_text=name).wait_for()
    shot(page, "a-invoice-lines")
    assert money(page.inner_text("#total")) == SUBTOTAL, page.inner_text("#total")

    page.select_option("#discount-kind", "multiplePets")
    page.fill("#discount-percent", "10")
    page.fill("#discount-scope", "service")
    page.click("#apply-discount")
    page.locator("#pending-discounts li").first.wait_for()

    page.select_option("#tender-kind", "credit")
    page.fill("#tender-amount", "40.00")
    page.fill("#card-last4", "4242")
    page.fill("#card-auth", "A1B2C3")
    page.select_option("#card-brand", "visa")
    page.click("#add-tender")
    page.select_option("#tender-kind", "cash")
    page.fill("#tender-amount", "50.00")
    page.click("#add-tender")
    page.wait_for_function("document.querySelectorAll('#pending-tenders li').length === 2")
    assert money(page.inner_text("#tendered")) == CARD + CASH, page.inner_text("#tendered")
    shot(page, "a-tenders")

    page.click("#finish")
    page.locator("#print").wait_for()
    shot(page, "a-posted")
    assert money(page.inner_text("#total")) == TOTAL, page.inner_text("#total")
    assert money(page.inner_text("#balance")) == 0, page.inner_text("#balance")
    assert money(page.inner_text("#change-due")) == CHANGE, page.inner_text("#change-due")

    status, invoice = api("GET", f"/api/invoices/{number}", desk)
    assert status == 200, (status, invoice)
    assert invoice["status"] == "paid", invoice["status"]
    assert invoice["businessDate"], "not posted"
    assert money(invoice["total"]) == TOTAL and money(invoice["discountTotal"]) == DISCOUNT, invoice
    tenders = sorted((p["tender"], money(p["amount"]), money(p["change"])) for p in invoice["payments"])
    assert tenders == [("cash", CASH - CHANGE, CHANGE), ("credit", CARD, 0)], tenders
    assert [d["class"] for d in invoice["discounts"]] == ["multiplePets"], invoice["discounts"]

    page.click("#print")
    page.wait_for_url(re.compile(rf".*/invoices/{number}/receipt.*"))
    receipt = page.inner_text("#receipt")
    assert "78.29" in receipt and "11.71" in receipt, receipt
    shot(page, "a-receipt")
passed("checkout_split_tender")
