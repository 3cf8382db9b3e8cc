"""Flow (b): a CSR applies a discount above the CSR ceiling (25 % employee discount; CSRs may give 10 %): the sale
asks for approval in the dialog; a wrong manager PIN shows an error next to the field; the manager's id, PIN and
reason then approve it and the sale posts with the discount, approved by the manager."""
from vetpos_browser import STAFF, api, browser, check_in, money, passed, shot, sign_in, token

TOTAL = 62_00 - 15_50  # EXAM $62.00 less 25 %
manager, manager_pin = STAFF["MANAGER"]
wrong_pin = "0000" if manager_pin != "0000" else "1111"

with browser() as context:
    page = context.new_page()
    sign_in(page, "CSR", "FRONT-2")
    number = check_in(page, "Buddy", "STAFF", "BUDDY", "EXAM")
    page.locator('[data-pet="BUDDY"]', has_text="Wellness exam").wait_for()
    shot(page, "b-1-invoice-line")

    page.select_option("#discount-kind", "employee")
    page.fill("#discount-percent", "25")
    page.click("#apply-discount")
    page.locator("#pending-discounts li").first.wait_for()
    # Before Finish the page shows the quote: the discounted total and balance, the discount marked for approval.
    page.locator("#pending-discounts li.needs-approval").wait_for()
    page.wait_for_function("document.getElementById('balance').dataset.amount === '46.50'")
    assert money(page.inner_text("#total")) == TOTAL, page.inner_text("#total")
    assert money(page.inner_text("#discount-total")) == 15_50, page.inner_text("#discount-total")
    assert "manager's approval" in page.inner_text("#pending-discounts"), page.inner_text("#pending-discounts")
    # The quick cash amounts follow the discounted balance.
    page.locator("#quick-cash button", has_text="Exact $46.50").wait_for()
    shot(page, "b-1a-quoted")
    page.select_option("#tender-kind", "credit")
    page.fill("#tender-amount", "46.50")
    page.fill("#card-last4", "4242")
    page.fill("#card-auth", "Z9Y8X7")
    page.select_option("#card-brand", "visa")
    page.click("#add-tender")
    assert money(page.inner_text("#change-due")) == 0, page.inner_text("#change-due")
    assert money(page.inner_text("#remaining")) == 0, page.inner_text("#remaining")
    page.click("#finish")

    dialog = page.locator("#approval")
    dialog.wait_for(state="visible")
    message = page.inner_text("#approval-message")
    assert "ceiling" in message and "manager" in message, message
    shot(page, "b-2-approval-dialog")

    page.fill("#approver", manager)
    page.fill("#approver-pin", wrong_pin)
    page.fill("#approval-reason", "staff pet")
    with page.expect_response(lambda response: response.url.endswith("/api/checkouts")) as refused:
        page.click("#approve")
    assert refused.value.status == 401, refused.value.status
    # The error is under the PIN field, which it describes; the dialog stays open and the clerk signed in.
    error = page.locator("#approver-pin + .field-error")
    error.wait_for()
    assert "PIN" in error.inner_text(), error.inner_text()
    assert page.get_attribute("#approver-pin", "aria-describedby") == error.get_attribute("id")
    assert dialog.is_visible() and "/invoices/" in page.url, page.url
    shot(page, "b-3-wrong-pin")
    manager_token = token("MANAGER", "OFFICE")
    status, invoice = api("GET", f"/api/invoices/{number}", manager_token)
    assert status == 200 and invoice["status"] == "open", invoice["status"]

    page.fill("#approver", manager)
    page.fill("#approver-pin", manager_pin)
    page.fill("#approval-reason", "staff pet")
    with page.expect_navigation():
        page.click("#approve")
    page.locator("#print").wait_for()
    shot(page, "b-4-approved")
    assert money(page.inner_text("#total")) == TOTAL, page.inner_text("#total")
    assert "approved by " + manager in page.inner_text("#discounts"), page.inner_text("#discounts")

    status, invoice = api("GET", f"/api/invoices/{number}", manager_token)
    assert status == 200 and invoice["status"] == "paid", invoice
    [discount] = invoice["discounts"]
    assert discount["class"] == "employee" and discount["approvedBy"] == manager, discount
    assert discount["reason"] == "staff pet", discount
    assert money(invoice["total"]) == TOTAL, invoice["total"]
passed("discount_approval")
