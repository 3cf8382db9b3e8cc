"""Sign-in page: a wrong PIN is refused on the page and nothing is stored; the right PIN reaches the desk, whose
session the API knows."""
from vetpos_browser import URL, STAFF, browser, passed, shot, sign_in

with browser() as context:
    page = context.new_page()
    page.goto(URL + "/")
    employee, pin = STAFF["CSR"]
    page.fill("#employee", employee)
    page.fill("#pin", "0000" if pin != "0000" else "1111")
    page.fill("#terminal", "FRONT-1")
    page.click("#sign-in")
    error = page.locator("#sign-in-form .form-error")
    error.wait_for(state="visible")
    assert "PIN" in error.inner_text() or "pin" in error.inner_text(), error.inner_text()
    assert page.url.rstrip("/") == URL, page.url
    shot(page, "sign-in-wrong-pin")

    sign_in(page, "CSR", "FRONT-1", screen="sign-in")
    shot(page, "desk")
    stored = page.evaluate("() => window.sessionStorage.getItem('vetpos.token')")
    assert stored, "no session token kept by the page"
    # The page's session is a real one: the API says who it is.
    status = page.evaluate(
        """async (token) => (await fetch('/api/sessions/current', {headers: {Authorization: 'Bearer ' + token}})).status""",
        stored,
    )
    assert status == 200, status
    assert page.locator("#new-invoice").is_visible()
passed("sign_in")
