"""Flow (d): the desk's everyday corrections. A CSR finds the client by a pet's name, checks in without a first line,
adds an exam for one pet and a vaccine for the other, takes the exam off again, is refused when pressing Finish with
nothing tendered, then cancels the invoice with a reason; the desk lists no open invoice. Then every page a CSR and a
manager use is measured at a phone's, the desk's and the office's screen width: none is wider than its screen."""
from vetpos_browser import URL, add_line, browser, check_in, passed, shot, sign_in

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

passed("desk_edits")
