// VetPOS front desk: plain JavaScript, no build step, no libraries. Every change is a call of the JSON API
// (/api/...) with the session's bearer token; pages are rendered by the server and reloaded after a change.
//
// Stable element ids (the browser tests use them; keep them):
//   sign-in   #employee #pin #terminal #sign-in
//   desk      #new-invoice #client-search #client-results #client-card #checkin-pet #checkin-item #checkin-provider
//             #open-invoices
//   invoice   #line-search #add-line #pet #provider #quantity #search-results #lines, [data-pet="PATIENT"] per pet
//             #discount-kind #discount-percent #discount-amount #discount-scope #discount-line #discount-code
//             #apply-discount #pending-discounts #subtotal #discount-total #tax-total #total #balance (discounted by
//             the quote of the pending discounts) #quote-status
//   approval  #approval (a <dialog>) #approver #approver-pin #approval-reason #approve #approval-cancel
//   tender    #tender-kind #tender-amount #card-last4 #card-auth #card-brand #card-terminal #check-number #check-bank
//             #check-payer #check-id #add-tender #pending-tenders #tendered #remaining #finish #change-due
//             .remove-line[data-line] #cancel-form #cancel-reason #cancel-invoice
//             after the sale: #pay-form #pay-tender #pay-amount #take-payment #refund-form #refund-payment
//             #refund-amount #refund-reason #refund-approver #refund-pin #refund #void-form #void-reason #void-approver
//             #void-pin #void
//   print     #print #reprint (posted invoice: the terminal's printer, outcome in #print-status) #receipt-link
//             (→ /invoices/N/receipt, the browser's printable receipt) #print-now on the receipt
//   drawer    #count-<denomination code> (e.g. [id="count-0.25"]: the code may hold a dot) #count-total
//             #open-drawer #drop #close-drawer #recount #variance #movement-amount #movement-reason #paid-in
//             #paid-out #no-sale #keep-<code> #verify-note #verify-approver #verify-pin #verify #x-report
//   reports   #report-kind #report-date #show-report #report-output #z-number #show-z #z-report #over-short-chart
//   books     #export-format #export-from #export-to #export #import-kind #import-file #import #import-progress
//             #import-result #imported-files
//   all       #sign-out #drawer-state #page-error; errors: .field-error (under the field, aria-describedby) and
//             .form-error (top of the form)
"use strict";

const store = window.sessionStorage;
const body = document.body;
const page = body.dataset.page;
const terminal = body.dataset.terminal;
const invoiceNumber = body.dataset.invoice ? Number(body.dataset.invoice) : null;

// ---- session -------------------------------------------------------------------------------------------------

function token() { return store.getItem("vetpos.token"); }

function signedOut() {
  store.removeItem("vetpos.token");
  document.cookie = "vetpos_session=; path=/; max-age=0; SameSite=Strict";
  const back = location.pathname + location.search;
  go("/?return=" + encodeURIComponent(back));
}

// ---- navigation ------------------------------------------------------------------------------------------------

// The page's own navigation after an action wins over a reload asked by a server event: the event that the same
// action caused (a drawer or invoice change) must not turn "go to the Z report" into "reload the drawer".
let leaving = false;
let callsUnderway = 0;

function go(url) {
  leaving = true;
  if (url === undefined) location.reload(); else location.assign(url);
}

// A reload for a change made elsewhere (another window, a scanner); skipped while this page's own call is underway
// or it is already leaving.
function refresh() {
  if (!leaving && callsUnderway === 0) go();
}

// ---- the API ---------------------------------------------------------------------------------------------------

// One Idempotency-Key per user action, kept while the action is pending: a retry after a network error resends the
// same key (the server then answers with the first result); any answer from the server ends the action.
const pendingKeys = new Map();

class NetworkError extends Error {}

async function api(method, path, payload, action) {
  const headers = { "Accept": "application/json" };
  if (token()) headers["Authorization"] = "Bearer " + token();
  if (payload !== undefined) headers["Content-Type"] = "application/json";
  if (method === "POST" && action) {
    if (!pendingKeys.has(action)) pendingKeys.set(action, crypto.randomUUID());
    headers["Idempotency-Key"] = pendingKeys.get(action);
  }
  let response;
  let text;
  callsUnderway++;
  try {
    response = await fetch(path, {
      method, headers, body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    text = await response.text();
  } catch (error) {
    throw new NetworkError("The server did not answer; check the connection and press the button again.");
  } finally {
    callsUnderway--;
  }
  if (action) pendingKeys.delete(action);
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (error) { data = { error: { code: "http", message: text } }; }
  // A 401 means this session has ended, unless the session is still good: then it was another employee's PIN
  // (a manager's approval) that the server refused, and the caller shows that next to the PIN.
  if (response.status === 401 && path !== "/api/sessions" && !(await sessionAlive(path))) {
    signedOut();
    throw new NetworkError("Signed out");
  }
  return { ok: response.ok, status: response.status, data };
}

async function sessionAlive(path) {
  if (path === "/api/sessions/current" || !token()) return false;
  try {
    const response = await fetch("/api/sessions/current", { headers: { "Authorization": "Bearer " + token() } });
    return response.ok;
  } catch (error) {
    return true; // no answer: keep the page; the next call tells
  }
}

// ---- errors next to the field ----------------------------------------------------------------------------------

function clearErrors(form) {
  form.querySelectorAll(".field-error.generated").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    node.removeAttribute("aria-describedby");
  });
  const top = form.querySelector(".form-error");
  if (top) { top.hidden = true; top.textContent = ""; }
}

// "body, payments[1].idNumber: is required" → the input named idNumber, else the top of the form.
function showError(form, message) {
  const match = /^[^:]*?,\s*([A-Za-z0-9_.[\]-]+):\s/.exec(message) || /^([A-Za-z0-9_.[\]-]+):\s/.exec(message);
  if (match) {
    const parts = match[1].replace(/\[\d+\]/g, "").split(".");
    for (let index = parts.length - 1; index >= 0; index--) {
      if (fieldError(form, parts[index], message)) return;
    }
  }
  const top = form.querySelector(".form-error") || document.getElementById("page-error");
  top.textContent = message;
  top.hidden = false;
}

// The message under the input named `name` (described by it); false when the form has no such input.
function fieldError(form, name, message) {
  const field = form.querySelector('[name="' + CSS.escape(name) + '"]');
  if (!field) return false;
  const note = document.createElement("p");
  note.className = "field-error generated";
  note.id = (field.id || name) + "-error";
  note.textContent = message;
  field.insertAdjacentElement("afterend", note);
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", note.id);
  field.focus();
  return true;
}

// Thrown to put a message under one field of the form that `run` handles.
class FieldError extends Error {
  constructor(field, message) { super(message); this.field = field; }
}

// Runs an action for a form: disables its buttons meanwhile, shows errors, keeps the key on a network error.
async function run(form, work) {
  clearErrors(form);
  const buttons = form.querySelectorAll("button");
  buttons.forEach((button) => { button.disabled = true; });
  try {
    await work();
  } catch (error) {
    if (!(error instanceof FieldError && fieldError(form, error.field, error.message))) showError(form, error.message);
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
  }
}

// A refusal is {"error": {"code", "message", "field"}}: the code for decisions here, the message for people.
function refusal(reply) { return (reply && reply.data && reply.data.error) || {}; }
function errorMessage(reply) { return refusal(reply).message || ""; }
function fail(reply) { throw new Error(errorMessage(reply) || "failed with status " + reply.status); }

function value(form, name) {
  const field = form.querySelector('[name="' + name + '"]');
  return field ? field.value.trim() : "";
}

function money(text) { return Math.round(Number(text) * 100); }
function dollars(cents) { return (cents < 0 ? "-$" : "$") + (Math.abs(cents) / 100).toFixed(2); }

// A message for the page that the next load shows (the drawer's #variance), with its tone as a class.
function flash(message, tone) {
  store.setItem("vetpos.flash", message);
  if (tone) store.setItem("vetpos.flash.tone", tone); else store.removeItem("vetpos.flash.tone");
}

// ---- sign-in and sign-out --------------------------------------------------------------------------------------

function setUpSignIn() {
  const form = document.getElementById("sign-in-form");
  document.getElementById("terminal").value = localStorage.getItem("vetpos.terminal") || "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, async () => {
      const credentials = { employee: value(form, "employee"), pin: value(form, "pin"), terminal: value(form, "terminal") };
      const reply = await api("POST", "/api/sessions", credentials);
      if (!reply.ok) fail(reply);
      store.setItem("vetpos.token", reply.data.token);
      localStorage.setItem("vetpos.terminal", credentials.terminal);
      // Secure over HTTPS (the default): the browser never sends the token over plain HTTP.
      const secure = location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "vetpos_session=" + reply.data.token + "; path=/; SameSite=Strict" + secure;
      go(body.dataset.return || "/desk");
    });
  });
}

function setUpSignOut() {
  const button = document.getElementById("sign-out");
  if (!button) return;
  if (!token()) { signedOut(); return; }
  button.addEventListener("click", async () => {
    try { await api("DELETE", "/api/sessions/current"); } catch (error) { /* signed out below either way */ }
    store.removeItem("vetpos.token");
    document.cookie = "vetpos_session=; path=/; max-age=0; SameSite=Strict";
    go("/");
  });
}

// ---- events pushed by the server -------------------------------------------------------------------------------

function setUpEvents() {
  if (!terminal || !token()) return;
  let url = "/api/terminals/" + encodeURIComponent(terminal) + "/events?token=" + encodeURIComponent(token());
  if (invoiceNumber && body.dataset.status === "open") url += "&invoice=" + invoiceNumber;
  const source = new EventSource(url);
  const pill = document.getElementById("drawer-state");
  source.addEventListener("drawer", (event) => {
    const data = JSON.parse(event.data);
    if (pill) pill.textContent = "drawer " + data.state + (data.kick ? " · opened" : "");
    if (page === "drawer" && body.dataset.state !== data.state) refresh();
  });
  source.addEventListener("scan", (event) => {
    const data = JSON.parse(event.data);
    const form = document.getElementById("line-form");
    if (data.result === "unknown") {
      if (form) { clearErrors(form); showError(form, "item: scanned code " + data.code + " is not in the catalog"); }
      else if (pill) pill.textContent = "unknown code " + data.code;
    } else if (data.result === "refused") {
      if (form) { clearErrors(form); showError(form, "scan " + data.code + ": " + data.message); }
      else if (pill) pill.textContent = "scan " + data.code + ": " + data.message;
    } else if (data.result === "added" && data.invoice === invoiceNumber) {
      refresh();
    } else if (pill) {
      pill.textContent = "scanned " + data.code + ": " + (data.name || "");
    }
  });
  source.addEventListener("scanner", (event) => {
    const data = JSON.parse(event.data);
    if (pill) pill.textContent = "scanner " + data.state + (data.message ? ": " + data.message : "");
  });
  source.addEventListener("invoice", (event) => {
    const data = JSON.parse(event.data);
    if (page === "desk" && !document.getElementById("client").value) refresh();
    if (page === "invoice" && data.number === invoiceNumber && data.change === "lines") refresh();
  });
}

// ---- keyboard: "/" to search (the client on the desk, an item on an invoice), Ctrl+Enter to finish the sale ------

document.addEventListener("keydown", (event) => {
  const typing = /^(INPUT|SELECT|TEXTAREA)$/.test((event.target && event.target.tagName) || "");
  if (event.key === "/" && !typing) {
    const field = document.getElementById("client-search") || document.getElementById("line-search");
    if (field) { event.preventDefault(); field.focus(); }
  }
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    const finish = document.getElementById("finish");
    if (finish) { event.preventDefault(); finish.click(); }
  }
});

// ---- desk ------------------------------------------------------------------------------------------------------

function setUpDesk() {
  const form = document.getElementById("check-in-form");
  const client = document.getElementById("client");
  const search = document.getElementById("client-search");
  const results = document.getElementById("client-results");
  const card = document.getElementById("client-card");
  const pet = document.getElementById("checkin-pet");
  let found = [];
  let active = -1;
  let asked = 0;
  const close = () => { results.hidden = true; search.setAttribute("aria-expanded", "false"); active = -1; };
  const highlight = (index) => {
    active = index;
    results.querySelectorAll("li").forEach((item, at) => item.setAttribute("aria-selected", at === index ? "true" : "false"));
  };
  let searched = "";
  const choose = (record) => {
    searched = search.value.trim();
    client.value = record.client.id;
    search.value = record.client.name;
    close();
    pet.replaceChildren(...record.patients.map((patient) => new Option(patient.name + " (" + patient.species + ")", patient.id)));
    pet.disabled = record.patients.length === 0;
    if (!record.patients.length) pet.replaceChildren(new Option("No pets on file", ""));
    // Found by a pet's name: that pet.
    const typed = searched.toLowerCase();
    const named = record.patients.find((patient) => typed && patient.name.toLowerCase().includes(typed));
    if (named) pet.value = named.id;
    const owes = money(record.accountBalance || "0") > 0;
    card.replaceChildren();
    const name = document.createElement("strong");
    name.textContent = [record.client.name, record.client.phone].filter(Boolean).join(" · ");
    const balance = document.createElement("span");
    balance.className = owes ? "owes" : "muted";
    balance.textContent = owes ? "Balance due $" + record.accountBalance : "No balance due";
    card.append(name, document.createElement("br"), balance);
    if (record.client.creditApproved) {
      const credit = document.createElement("span");
      const available = money(record.client.creditLimit) - money(record.accountBalance || "0");
      credit.className = available > 0 ? "muted" : "owes";
      credit.textContent = " · account limit $" + record.client.creditLimit + ", available $" + (Math.max(available, 0) / 100).toFixed(2);
      card.append(credit);
    }
    card.hidden = false;
    pet.focus();
  };
  const show = (records) => {
    found = records;
    results.replaceChildren(...records.map((record, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = "client-option-" + index;
      const pets = record.patients.map((patient) => patient.name).join(", ");
      item.textContent = [record.client.name, record.client.phone, pets].filter(Boolean).join(" · ");
      item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(record); });
      return item;
    }));
    if (!records.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = "No client matches; check the spelling or the number";
      results.replaceChildren(none);
    }
    results.hidden = false;
    search.setAttribute("aria-expanded", "true");
    highlight(records.length ? 0 : -1);
  };
  let timer = null;
  search.addEventListener("input", () => {
    client.value = "";
    card.hidden = true;
    clearTimeout(timer);
    const text = search.value.trim();
    if (!text) return close();
    timer = setTimeout(async () => {
      const ticket = ++asked;
      const reply = await api("GET", "/api/clients?limit=8&q=" + encodeURIComponent(text));
      if (ticket === asked && reply.ok) show(reply.data); // an older answer never replaces a newer one
    }, 120);
  });
  search.addEventListener("keydown", (event) => {
    if (results.hidden) return;
    if (event.key === "ArrowDown" && found.length) { event.preventDefault(); highlight((active + 1) % found.length); }
    else if (event.key === "ArrowUp" && found.length) { event.preventDefault(); highlight((active - 1 + found.length) % found.length); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(found[active]); }
    else if (event.key === "Escape") close();
  });
  search.addEventListener("blur", () => setTimeout(close, 150));
  // A new client at the desk, with the first pet: the same checks as `vetpos clients save`; ids made here.
  document.getElementById("add-client").addEventListener("click", () => run(form, async () => {
    const name = value(form, "new-name");
    const pet = value(form, "new-pet");
    if (!name) throw new FieldError("new-name", "name: the client's name");
    const stamp = Date.now().toString(36).toUpperCase();
    const body = { id: "C-" + stamp, name, phone: value(form, "new-phone") };
    body.pets = pet ? [{ id: "P-" + stamp, name: pet, species: value(form, "new-species") || "Canine" }] : [];
    const reply = await api("POST", "/api/clients", body, "add-client");
    if (!reply.ok) fail(reply);
    document.getElementById("new-client").open = false;
    choose(reply.data);
  }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, async () => {
      if (!client.value) throw new FieldError("client-search", "client: find the client and choose them from the list");
      const item = value(form, "item");
      const lines = item ? [{ patient: value(form, "patient"), item, provider: value(form, "provider") }] : [];
      const reply = await api("POST", "/api/invoices", { client: client.value, lines }, "check-in");
      if (!reply.ok) fail(reply);
      go("/invoices/" + reply.data.number);
    });
  });
}

// ---- invoice after the sale: a later payment, a refund, a void ---------------------------------------------------

// A manager's approval from a form's employee and PIN fields, or none when they are empty.
function approvalFrom(form, reason) {
  const employee = value(form, "employee");
  const pin = value(form, "pin");
  if (!employee && !pin) return undefined;
  return { employee, pin, reason };
}

function setUpAfterSale() {
  const payForm = document.getElementById("pay-form");
  if (payForm) {
    const tender = document.getElementById("pay-tender");
    const showCard = () => { payForm.querySelector(".pay-card").hidden = !["credit", "debit"].includes(tender.value); };
    tender.addEventListener("change", showCard);
    showCard();
    payForm.addEventListener("submit", (event) => {
      event.preventDefault();
      run(payForm, async () => {
        const payment = { tender: tender.value, amount: value(payForm, "amount") };
        if (["credit", "debit"].includes(tender.value)) {
          for (const name of ["last4", "authCode", "brand", "terminalId"]) payment[name] = value(payForm, name);
        }
        const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/payments", { payments: [payment] }, "pay");
        if (!reply.ok) fail(reply);
        go();
      });
    });
  }
  const refundForm = document.getElementById("refund-form");
  if (refundForm) {
    refundForm.addEventListener("submit", (event) => {
      event.preventDefault();
      run(refundForm, async () => {
        const reason = value(refundForm, "reason");
        if (!reason) throw new FieldError("reason", "reason: say why the money goes back");
        const body = { payment: Number(value(refundForm, "payment")), amount: value(refundForm, "amount"), reason };
        const approval = approvalFrom(refundForm, reason);
        if (approval) body.approval = approval;
        const reply = await api("POST", "/api/refunds", body, "refund");
        if (!reply.ok) fail(reply);
        go();
      });
    });
  }
  const voidForm = document.getElementById("void-form");
  if (voidForm) {
    voidForm.addEventListener("submit", (event) => {
      event.preventDefault();
      run(voidForm, async () => {
        const reason = value(voidForm, "reason");
        if (!reason) throw new FieldError("reason", "reason: say why the invoice is voided");
        const body = { reason };
        const approval = approvalFrom(voidForm, reason);
        if (approval) body.approval = approval;
        const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/void", body, "void");
        if (!reply.ok) fail(reply);
        go();
      });
    });
  }
}

// ---- invoice: lines, discounts, approval, tender ---------------------------------------------------------------

function pendingList(kind) {
  try { return JSON.parse(store.getItem("vetpos.invoice." + invoiceNumber + "." + kind) || "[]"); } catch (error) { return []; }
}

function savePending(kind, list) {
  // Approvals (a manager's PIN) are never written to storage.
  const kept = list.map((entry) => { const copy = Object.assign({}, entry); delete copy.approval; return copy; });
  store.setItem("vetpos.invoice." + invoiceNumber + "." + kind, JSON.stringify(kept));
}

let discounts = [];
let tenders = [];
// The pending discounts last priced by the server's quote (without approvals: a PIN is never sent to be quoted), and
// which of them need a manager's approval.
let quotedDiscounts = "[]";
let quoteSequence = 0;
let needingApproval = [];

function renderPending() {
  const render = (id, list, label, kind) => {
    const target = document.getElementById(id);
    if (!target) return;
    target.replaceChildren(...list.map((entry, index) => {
      const item = document.createElement("li");
      item.dataset.index = String(index);
      const text = document.createElement("span");
      text.textContent = label(entry);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.addEventListener("click", () => { list.splice(index, 1); savePending(kind, list); renderPending(); });
      item.append(text, remove);
      return item;
    }));
  };
  const asked = JSON.stringify(unapproved(discounts));
  if (asked !== quotedDiscounts) needingApproval = [];
  render("pending-discounts", discounts, (entry) => entry.class + " " + (entry.percent ? entry.percent + "%" : entry.amount ? "$" + entry.amount : "") +
    (entry.scope ? " on " + entry.scope : entry.line ? " on line " + entry.line : "") + (entry.code ? " code " + entry.code : "") +
    (entry.approval ? " (approved by " + entry.approval.employee + ")" : ""), "discounts");
  document.querySelectorAll("#pending-discounts li").forEach((item) => {
    const needs = needingApproval.includes(Number(item.dataset.index)) && !discounts[Number(item.dataset.index)].approval;
    item.classList.toggle("needs-approval", needs);
    if (needs) item.firstChild.textContent += " — needs a manager's approval";
  });
  render("pending-tenders", tenders, (entry) => entry.tender + " $" + entry.amount + (entry.last4 ? " ····" + entry.last4 : ""), "tenders");
  renderChange();
  if (asked !== quotedDiscounts) quote(asked);
}

// The tenders against the balance due (the discounted one once the quote is back): what is still to pay, the change.
function renderChange() {
  const tendered = tenders.reduce((sum, entry) => sum + money(entry.amount), 0);
  const balance = document.getElementById("balance");
  const due = balance ? money(balance.dataset.amount) : 0;
  const tenderedNode = document.getElementById("tendered");
  if (tenderedNode) tenderedNode.textContent = dollars(tendered);
  const remaining = document.getElementById("remaining");
  if (remaining) remaining.textContent = tendered > due ? "nothing (change " + dollars(tendered - due) + ")" : dollars(due - tendered);
  const change = document.getElementById("change-due");
  if (change && invoiceNumber && body.dataset.status === "open") change.textContent = dollars(Math.max(0, tendered - due));
}

function unapproved(list) {
  return list.map((entry) => { const copy = Object.assign({}, entry); delete copy.approval; return copy; });
}

// The pending discounts priced by the server as checkout will price them (POST /api/invoices/N/quote stores
// nothing): #subtotal #discount-total #tax-total #total #balance show the discounted figures, and the discounts over
// the clerk's ceiling are marked. A reply to an older list of discounts is dropped.
async function quote(asked) {
  quotedDiscounts = asked;
  const sequence = ++quoteSequence;
  const status = document.getElementById("quote-status");
  const figures = { "subtotal": "subtotal", "discount-total": "discountTotal", "tax-total": "taxTotal", "total": "total", "balance": "balanceDue" };
  for (const id of Object.keys(figures)) {
    const node = document.getElementById(id);
    if (node && node.dataset.unquoted === undefined) node.dataset.unquoted = node.textContent + "|" + (node.dataset.amount || "");
  }
  const show = (amounts) => {
    for (const [id, field] of Object.entries(figures)) {
      const node = document.getElementById(id);
      if (!node) continue;
      const [text, amount] = node.dataset.unquoted.split("|");
      node.textContent = amounts ? dollars(money(amounts[field])) : text;
      if (node.dataset.amount !== undefined) node.dataset.amount = amounts ? amounts[field] : amount;
    }
  };
  let reply;
  try {
    reply = JSON.parse(asked).length === 0 ? null : await api("POST", "/api/invoices/" + invoiceNumber + "/quote", { discounts: JSON.parse(asked) });
  } catch (error) {
    reply = { ok: false, data: { error: { code: "network", message: error.message } } };
  }
  if (sequence !== quoteSequence) return;
  needingApproval = reply && reply.ok ? reply.data.needsApproval : [];
  show(reply && reply.ok ? reply.data : null);
  if (status) {
    status.hidden = !reply || reply.ok;
    status.textContent = reply && !reply.ok ? "Totals are before discounts: " + (errorMessage(reply) || "the discounts could not be priced") : "";
  }
  renderPending();
}

async function addLine(form, item) {
  const line = { patient: value(form, "patient"), item, provider: value(form, "provider") };
  const quantity = value(form, "quantity");
  if (quantity && quantity !== "1") line.quantity = quantity;
  const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/lines", { lines: [line] }, "add-line");
  if (!reply.ok) fail(reply);
  go();
}

function setUpInvoice() {
  // Print and reprint (a copy, marked COPY) go to this terminal's receipt printer through the print queue; the
  // outcome shows under the buttons. Without a printer the printable receipt page (#receipt-link) is the way.
  const printStatus = document.getElementById("print-status");
  for (const button of document.querySelectorAll("#print, #reprint")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/" + button.dataset.call, undefined, button.id);
        printStatus.textContent = printOutcome(reply);
        printStatus.className = "notice " + (reply.status === 200 ? "balanced" : "short");
      } catch (error) {
        printStatus.textContent = error.message;
        printStatus.className = "notice short";
      } finally {
        printStatus.hidden = false;
        button.disabled = false;
      }
    });
  }
  setUpAfterSale();
  const lineForm = document.getElementById("line-form");
  if (!lineForm) return;
  // A line off the invoice (the lines after it move up), and the whole open invoice cancelled with a reason.
  for (const button of document.querySelectorAll(".remove-line")) {
    button.addEventListener("click", () => run(lineForm, async () => {
      const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/remove-line", { line: Number(button.dataset.line) }, "remove-line-" + button.dataset.line);
      if (!reply.ok) fail(reply);
      go();
    }));
  }
  const cancelForm = document.getElementById("cancel-form");
  cancelForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(cancelForm, async () => {
      const reason = value(cancelForm, "reason");
      if (!reason) throw new FieldError("reason", "reason: say why the invoice is cancelled");
      const reply = await api("POST", "/api/invoices/" + invoiceNumber + "/cancel", { reason }, "cancel-invoice");
      if (!reply.ok) fail(reply);
      store.removeItem("vetpos.invoice." + invoiceNumber + ".discounts");
      store.removeItem("vetpos.invoice." + invoiceNumber + ".tenders");
      go("/desk");
    });
  });
  // Each pet keeps its own provider: the one of its last line, or the veterinarian.
  const petSelect = document.getElementById("pet");
  petSelect.addEventListener("change", () => {
    const chosen = petSelect.selectedOptions[0];
    if (chosen && chosen.dataset.provider) document.getElementById("provider").value = chosen.dataset.provider;
  });
  discounts = pendingList("discounts");
  tenders = pendingList("tenders");
  renderPending();
  const search = document.getElementById("line-search");
  search.focus();
  lineForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(lineForm, async () => {
      const query = search.value.trim();
      if (!query) throw new Error("item: type a code, a name or scan a barcode");
      const reply = await api("GET", "/api/catalog?search=" + encodeURIComponent(query));
      if (!reply.ok) fail(reply);
      const items = reply.data.filter((item) => item.active !== false);
      const exact = items.filter((item) => item.code.toLowerCase() === query.toLowerCase() || item.barcode === query);
      if (exact.length === 1 || items.length === 1) return addLine(lineForm, (exact[0] || items[0]).code);
      if (items.length === 0) throw new Error("item: nothing in the catalog matches '" + query + "'");
      const results = document.getElementById("search-results");
      results.replaceChildren(...items.slice(0, 12).map((item) => {
        const entry = document.createElement("li");
        const choose = document.createElement("button");
        choose.type = "button";
        choose.textContent = item.code + " · " + item.name + " · $" + item.unitPrice;
        choose.addEventListener("click", () => run(lineForm, () => addLine(lineForm, item.code)));
        entry.append(choose);
        return entry;
      }));
      results.querySelector("button").focus();
    });
  });

  const discountForm = document.getElementById("discount-form");
  discountForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(discountForm, async () => {
      const discount = { class: value(discountForm, "class") };
      for (const name of ["percent", "amount", "scope", "code"]) if (value(discountForm, name)) discount[name] = value(discountForm, name);
      if (value(discountForm, "line")) discount.line = Number(value(discountForm, "line"));
      discounts.push(discount);
      savePending("discounts", discounts);
      renderPending();
      for (const name of ["percent", "amount", "scope", "line", "code"]) discountForm.querySelector('[name="' + name + '"]').value = "";
    });
  });

  const tenderForm = document.getElementById("tender-form");
  const kind = document.getElementById("tender-kind");
  const showFields = () => {
    tenderForm.querySelector(".card-fields").hidden = !["credit", "debit", "careCredit"].includes(kind.value);
    tenderForm.querySelector(".check-fields").hidden = kind.value !== "check";
  };
  kind.addEventListener("change", showFields);
  showFields();
  const takeTender = () => {
    const amountField = document.getElementById("tender-amount");
    let amount = amountField.value.trim();
    if (!amount) {
      const due = money(document.getElementById("balance").dataset.amount) - tenders.reduce((sum, entry) => sum + money(entry.amount), 0);
      if (due <= 0) throw new Error("amount: nothing is left to pay");
      amount = (due / 100).toFixed(2);
    }
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) throw new Error("amount: '" + amount + "' is not an amount such as 12.50");
    const payment = { tender: kind.value, amount };
    const fields = !tenderForm.querySelector(".card-fields").hidden ? ["last4", "authCode", "brand", "terminalId"]
      : !tenderForm.querySelector(".check-fields").hidden ? ["number", "bank", "payer", "idNumber"] : [];
    for (const name of fields) payment[name] = value(tenderForm, name);
    tenders.push(payment);
    savePending("tenders", tenders);
    renderPending();
    tenderForm.querySelectorAll("input").forEach((input) => { if (input.id !== "card-terminal") input.value = ""; });
  };
  tenderForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(tenderForm, async () => takeTender());
  });
  // Quick amounts for cash: exact, then the next $5, $10, $20, $50 and $100 above what is left to pay.
  const quick = document.getElementById("quick-cash");
  const left = () => money(document.getElementById("balance").dataset.amount) - tenders.reduce((sum, entry) => sum + money(entry.amount), 0);
  const showQuick = () => {
    const due = left();
    quick.replaceChildren();
    if (kind.value !== "cash" || due <= 0) return;
    const amounts = [due];
    for (const step of [500, 1000, 2000, 5000, 10000]) {
      const next = Math.ceil(due / step) * step;
      if (!amounts.includes(next)) amounts.push(next);
    }
    for (const amount of amounts) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "quiet";
      button.textContent = amount === due ? "Exact $" + (due / 100).toFixed(2) : "$" + (amount / 100).toFixed(2);
      button.addEventListener("click", () => { document.getElementById("tender-amount").value = (amount / 100).toFixed(2); });
      item.append(button);
      quick.append(item);
    }
  };
  kind.addEventListener("change", showQuick);
  // Again whenever what is left changes: the quote's discounted balance arrives, a tender is added or removed.
  new MutationObserver(showQuick).observe(document.getElementById("balance"), { attributes: true, attributeFilter: ["data-amount"] });
  new MutationObserver(showQuick).observe(document.getElementById("pending-tenders"), { childList: true });
  showQuick();
  // Finish never assumes a payment: what the client pays is typed, tapped (a quick amount) or already in the list;
  // only a charge to the client's account may take the whole balance by itself.
  document.getElementById("finish").addEventListener("click", () => run(tenderForm, async () => {
    const typed = document.getElementById("tender-amount").value.trim();
    if (typed || (tenders.length === 0 && kind.value === "account")) takeTender();
    if (tenders.length === 0 && left() > 0) {
      throw new FieldError("amount", "amount: nothing is tendered yet; enter what the client pays or tap a quick amount");
    }
    await checkout();
  }));

  // The manager's approval: attached to the discount the server named (or to every discount without one when the
  // server asks about them together), then the sale is sent again with a new key. The dialog stays open until the
  // server accepts the approval: a wrong ID or PIN shows under the PIN.
  const dialog = document.getElementById("approval");
  const approvalForm = document.getElementById("approval-form");
  document.getElementById("approval-cancel").addEventListener("click", () => {
    clearErrors(approvalForm);
    dialog.close();
  });
  approvalForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(approvalForm, async () => {
      const approval = { employee: value(approvalForm, "employee"), pin: value(approvalForm, "pin"), reason: value(approvalForm, "reason") };
      for (const [name, text] of Object.entries(approval)) if (!text) throw new FieldError(name, "required");
      const index = dialog.dataset.discount === "" ? null : Number(dialog.dataset.discount);
      discounts.forEach((discount, position) => {
        if (index === null ? !discount.approval : position === index) discount.approval = approval;
      });
      const reply = await sendCheckout();
      if (reply.ok) return checkedOut();
      const message = errorMessage(reply) || "failed with status " + reply.status;
      const refused = reply.status === 401 || /\.approval\b/.test(message);
      if (refused) discounts.forEach((discount) => { if (discount.approval === approval) delete discount.approval; });
      renderPending();
      if (reply.status === 401) throw new FieldError("pin", "Wrong manager ID or PIN: " + message);
      if (refused) throw new FieldError("employee", message);
      if (needsApproval(reply)) return askApproval(message); // another discount needs its own approval
      dialog.close();
      clearErrors(tenderForm);
      try { checkoutFailed(reply); } catch (error) { showError(tenderForm, error.message); }
    });
  });
}

function sendCheckout() {
  return api("POST", "/api/checkouts", { client: body.dataset.client, invoice: invoiceNumber, discounts, payments: tenders }, "checkout");
}

function checkedOut() {
  store.removeItem("vetpos.invoice." + invoiceNumber + ".discounts");
  store.removeItem("vetpos.invoice." + invoiceNumber + ".tenders");
  go();
}

// 403 for a discount over the clerk's ceiling: an approval refusal whose field is the discount ("discounts[0]",
// or "discounts" for several together).
function needsApproval(reply) {
  const error = refusal(reply);
  return reply.status === 403 && /^discounts/.test(error.field || "");
}

function askApproval(message) {
  const dialog = document.getElementById("approval");
  const form = document.getElementById("approval-form");
  const which = /discounts\[(\d+)\]/.exec(message);
  dialog.dataset.discount = which ? which[1] : "";
  document.getElementById("approval-message").textContent = message;
  form.reset();
  clearErrors(form);
  if (!dialog.open) dialog.showModal();
  document.getElementById("approver").focus();
}

// Any other refusal: the tender or discount row it names is marked, the message goes to its form.
function checkoutFailed(reply) {
  const message = errorMessage(reply) || "";
  const row = /payments\[(\d+)\]/.exec(message);
  if (row) {
    const item = document.querySelector('#pending-tenders li[data-index="' + row[1] + '"]');
    if (item) item.setAttribute("aria-invalid", "true");
  }
  if (/discounts\[(\d+)\]/.test(message)) {
    const form = document.getElementById("discount-form");
    clearErrors(form);
    return showError(form, message);
  }
  fail(reply);
}

async function checkout() {
  const reply = await sendCheckout();
  if (reply.ok) return checkedOut();
  if (needsApproval(reply)) return askApproval(errorMessage(reply) || "");
  checkoutFailed(reply);
}

// 200: printed; 202: queued (the printer is busy or down: it prints when it answers); else why not.
function printOutcome(reply) {
  const job = reply.data && reply.data.job;
  const warnings = reply.data && reply.data.warnings && reply.data.warnings.length ? " (" + reply.data.warnings.join("; ") + ")" : "";
  if (reply.status === 200 && job) return "Printed on " + job.queue + " (job " + job.id + ")" + warnings;
  if (reply.status === 202 && job) {
    return "Queued on " + job.queue + " (job " + job.id + ", " + job.state + (job.lastError ? ": " + job.lastError : "") +
      "); it prints when the printer answers" + warnings;
  }
  return "Not printed: " + (errorMessage(reply) || "status " + reply.status) + ". Use the printable receipt.";
}

function setUpReceipt() {
  document.getElementById("print-now").addEventListener("click", () => window.print());
  if (new URLSearchParams(location.search).has("print")) window.print();
}

// ---- drawer ----------------------------------------------------------------------------------------------------

function counts(form) {
  const count = {};
  let total = 0;
  for (const input of form.querySelectorAll("input[data-value]")) {
    const quantity = Number(input.value || "0");
    if (quantity > 0) count[input.name] = quantity;
    total += Math.round(quantity * money(input.dataset.value));
  }
  return { count, total };
}

function liveTotal(form, target) {
  const update = () => { document.getElementById(target).textContent = dollars(counts(form).total); };
  form.addEventListener("input", update);
  update();
}

function setUpDrawer() {
  const flashed = store.getItem("vetpos.flash");
  if (flashed) {
    const variance = document.getElementById("variance");
    variance.textContent = flashed;
    const tone = store.getItem("vetpos.flash.tone");
    if (tone) variance.classList.add(tone);
    store.removeItem("vetpos.flash");
    store.removeItem("vetpos.flash.tone");
  }
  const countForm = document.getElementById("count-form");
  liveTotal(countForm, "count-total");
  const first = countForm.querySelector("input");
  if (first) first.focus();
  const countCall = (call) => run(countForm, async () => {
    const reply = await api("POST", "/api/drawer/" + call, { count: counts(countForm).count }, "drawer-" + call);
    if (!reply.ok) fail(reply);
    if (call === "close" || call === "recount") {
      // Only now, after the blind count, the expected cash and the variance: {result: {counted, figures:
      // {expectedCash}}, tolerance, withinTolerance, recountAllowed}.
      const data = reply.data;
      const counted = money(data.result.counted);
      const expected = money(data.result.figures.expectedCash);
      const variance = counted - expected;
      flash("Counted " + dollars(counted) + " · expected " + dollars(expected) + " · over/short " + dollars(variance) +
        (data.withinTolerance ? " · within tolerance"
          : " · outside the " + dollars(money(data.tolerance)) + " tolerance: " +
            (data.recountAllowed ? "recount once, or verify with a note and a manager's PIN" : "verify with a note and a manager's PIN")),
        variance > 0 ? "over" : variance < 0 ? "short" : "balanced");
    } else {
      flash(call === "open" ? "Drawer opened" : "Safe drop recorded");
    }
    go();
  });
  countForm.querySelectorAll("button[data-call]").forEach((button) => button.addEventListener("click", () => countCall(button.dataset.call)));
  countForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const primary = countForm.querySelector("button.primary[data-call]");
    if (primary) countCall(primary.dataset.call);
  });

  const movementForm = document.getElementById("movement-form");
  movementForm.querySelectorAll("button[data-call]").forEach((button) => button.addEventListener("click", () => run(movementForm, async () => {
    const call = button.dataset.call;
    const payload = call === "no-sale" ? { reason: value(movementForm, "reason") } : { amount: value(movementForm, "amount"), reason: value(movementForm, "reason") };
    const reply = await api("POST", "/api/drawer/" + call, payload, "drawer-" + call);
    if (!reply.ok) fail(reply);
    flash(button.textContent + " recorded");
    go();
  })));
  movementForm.addEventListener("submit", (event) => { event.preventDefault(); });

  const verifyForm = document.getElementById("verify-form");
  if (!verifyForm) return;
  liveTotal(verifyForm, "keep-total");
  verifyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(verifyForm, async () => {
      const payload = {};
      const keep = counts(verifyForm).count;
      if (Object.keys(keep).length) payload.keep = keep;
      if (value(verifyForm, "note")) payload.note = value(verifyForm, "note");
      if (value(verifyForm, "employee")) payload.approval = { employee: value(verifyForm, "employee"), pin: value(verifyForm, "pin") };
      const reply = await api("POST", "/api/drawer/verify", payload, "drawer-verify");
      if (!reply.ok) fail(reply);
      go("/reports?z=" + encodeURIComponent(reply.data.zNumber) + "&drawer=" + encodeURIComponent(reply.data.drawer));
    });
  });
}

// ---- reports and books -----------------------------------------------------------------------------------------

// Any JSON as nested tables and lists; text only (textContent), never markup.
function renderData(value) {
  if (Array.isArray(value)) {
    const list = document.createElement("ol");
    list.className = "data";
    if (value.length === 0) { const none = document.createElement("span"); none.className = "muted"; none.textContent = "none"; return none; }
    for (const entry of value) { const item = document.createElement("li"); item.append(renderData(entry)); list.append(item); }
    return list;
  }
  if (value !== null && typeof value === "object") {
    const table = document.createElement("table");
    table.className = "data";
    for (const key of Object.keys(value).sort()) {
      const row = table.insertRow();
      const head = document.createElement("th");
      head.scope = "row";
      head.textContent = key;
      row.append(head);
      row.insertCell().append(renderData(value[key]));
    }
    return table;
  }
  return document.createTextNode(value === null ? "—" : String(value));
}

function setUpReports() {
  const form = document.getElementById("report-form");
  const output = document.getElementById("report-output");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, async () => {
      const kind = value(form, "kind");
      const date = value(form, "date");
      const query = date ? (kind === "reconcile" ? "?from=" : "?date=") + date : "";
      const path = kind === "x" ? "/api/drawer/x" : "/api/reports/" + kind + query;
      const reply = await api("GET", path);
      if (!reply.ok) fail(reply);
      const title = document.createElement("h2");
      title.textContent = form.querySelector("#report-kind option:checked").textContent + (date ? " · " + date : "");
      output.replaceChildren(title, renderData(reply.data));
    });
  });
  document.getElementById("show-z").addEventListener("click", () => run(form, async () => {
    const number = value(form, "z");
    if (!/^\d+$/.test(number)) throw new Error("z: give the Z number");
    go("/reports?z=" + number);
  }));
}

function setUpBooks() {
  const exportForm = document.getElementById("export-form");
  exportForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(exportForm, async () => {
      const from = value(exportForm, "from");
      if (!from) throw new Error("from: choose the first day");
      const to = value(exportForm, "to");
      const format = value(exportForm, "format");
      const response = await fetch("/api/exports/" + format + "?from=" + from + (to ? "&to=" + to : ""), { headers: { "Authorization": "Bearer " + token() } });
      if (response.status === 401) return signedOut();
      if (!response.ok) { const data = await response.json().catch(() => ({})); throw new Error((data.error && data.error.message) || "export failed"); }
      const disposition = response.headers.get("Content-Disposition") || "";
      const named = /filename="?([^";]+)"?/.exec(disposition);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = named ? named[1] : "vetpos-" + from + "." + format;
      document.body.append(link);
      link.click();
      link.remove();
    });
  });

  const importForm = document.getElementById("import-form");
  const progress = document.getElementById("import-progress");
  importForm.addEventListener("submit", (event) => {
    event.preventDefault();
    run(importForm, () => new Promise((resolve, reject) => {
      const file = document.getElementById("import-file").files[0];
      if (!file) return reject(new Error("file: choose a file"));
      const action = "import-" + file.name + "-" + file.size;
      if (!pendingKeys.has(action)) pendingKeys.set(action, crypto.randomUUID());
      const request = new XMLHttpRequest();
      request.open("POST", "/api/imports/" + value(importForm, "kind") + "?name=" + encodeURIComponent(file.name));
      request.setRequestHeader("Authorization", "Bearer " + token());
      request.setRequestHeader("Idempotency-Key", pendingKeys.get(action));
      progress.hidden = false;
      progress.value = 0;
      request.upload.addEventListener("progress", (progressEvent) => {
        if (progressEvent.lengthComputable) progress.value = Math.round(progressEvent.loaded / progressEvent.total * 100);
      });
      request.addEventListener("error", () => reject(new Error("The upload was interrupted; press Upload again to retry.")));
      request.addEventListener("load", () => {
        pendingKeys.delete(action);
        let data = {};
        try { data = JSON.parse(request.responseText); } catch (error) { data = { error: { message: request.responseText } }; }
        if (request.status === 401) { signedOut(); return resolve(); }
        if (request.status >= 300) return reject(new Error((data.error && data.error.message) || "import failed"));
        progress.value = 100;
        document.getElementById("import-result").replaceChildren(renderData(data));
        resolve();
      });
      request.send(file);
    }));
  });
}

// ---- start -----------------------------------------------------------------------------------------------------

const setUps = { "sign-in": setUpSignIn, desk: setUpDesk, invoice: setUpInvoice, receipt: setUpReceipt, drawer: setUpDrawer, reports: setUpReports, books: setUpBooks };
if (page !== "sign-in") setUpSignOut();
if (setUps[page]) setUps[page]();
if (page !== "sign-in" && page !== "receipt") setUpEvents();
