import Foundation
import HTTPTypes
import Hummingbird
import POSCore
import POSServices
import POSStorage

/// `/drawer`: the opening count by denomination, paid in and out, safe drop, no-sale, the blind close with one
/// recount, verification with the float kept (reduce to float), and the X report (blind for a cashier).
enum DrawerPage {
    static func render(_ store: Store, _ session: Sessions.Session?) async throws -> HTML {
        guard let clerk = session?.clerk else {
            throw APIError(.unauthorized, "sign in first", code: "session.required")
        }
        let denominations = try await store.policy().drawer.denominations
        let report: DrawerReport?
        do {
            report = try await store.drawerReport(viewer: clerk)
        } catch POSError.conflict {
            report = nil
        }
        let state: String
        switch report?.state {
        case .open: state = "open"
        case .ended: state = "counting"
        case .closed, nil: state = "closed"
        }
        let counted = report?.counts?.last
        let countInputs = denominations.map { denomination -> HTML in
            """
            <div class="denomination"><label for="count-\(denomination.code)">\(denomination.name)</label>
            <input id="count-\(denomination.code)" name="\(denomination.code)" data-value="\(denomination.value.description)" type="number" min="0" step="1" inputmode="numeric" value="0"></div>
            """
        }
        let keepInputs = denominations.map { denomination -> HTML in
            """
            <div class="denomination"><label for="keep-\(denomination.code)">\(denomination.name)</label>
            <input id="keep-\(denomination.code)" name="\(denomination.code)" data-value="\(denomination.value.description)" type="number" min="0" step="1" inputmode="numeric" value="0"></div>
            """
        }
        let countActions: HTML
        switch state {
        case "open":
            countActions = """
                <button id="drop" type="button" data-call="drop">Safe drop</button>
                <button id="close-drawer" type="button" class="primary" data-call="close">Blind close</button>
                """
        case "counting":
            countActions = """
                <button id="recount" type="button" class="primary" data-call="recount">Recount</button>
                """
        default:
            countActions = """
                <button id="open-drawer" type="button" class="primary" data-call="open">Open drawer</button>
                """
        }
        let variance: HTML =
            counted.map { count -> HTML in
                let overShort = report?.figures == nil ? "" : " · over/short \(count.overShort.display)"
                return "Last count \(count.counted.display)\(overShort)"
            } ?? ""
        let content: HTML = """
            <h1>Drawer \(clerk.terminal) <span class="pill" id="drawer-page-state" data-state="\(state)">\(state)</span></h1>
            <div class="columns">
            <section aria-labelledby="count-title">
            <form id="count-form" class="card" data-action="drawer-count" novalidate>
            <h2 id="count-title">\(state == "closed" ? "Opening count" : "Count by denomination")</h2>
            <div class="form-error" role="alert" hidden></div>
            <div class="denominations">\(countInputs)</div>
            <p>Counted <b id="count-total" class="money">$0.00</b></p>
            <div id="variance" class="notice" aria-live="polite">\(variance)</div>
            <div class="row">\(countActions)</div>
            </form>
            \(state == "counting" ? verifyForm(keepInputs) : "")
            </section>
            <section aria-labelledby="movement-title">
            <form id="movement-form" class="card" data-action="drawer-movement" novalidate>
            <h2 id="movement-title">Paid in / out, no-sale</h2>
            <div class="form-error" role="alert" hidden></div>
            <label for="movement-amount">Amount</label><input id="movement-amount" name="amount" inputmode="decimal">
            <label for="movement-reason">Reason</label><input id="movement-reason" name="reason">
            <div class="row">
            <button id="paid-in" type="button" data-call="paid-in">Paid in</button>
            <button id="paid-out" type="button" data-call="paid-out">Paid out</button>
            <button id="no-sale" type="button" data-call="no-sale">No sale</button>
            </div>
            </form>
            <details class="card" id="x-report"><summary>X report</summary>
            \(report.map { HTML.data($0) } ?? "<p class=\"muted\">No drawer is open at this terminal.</p>")
            </details>
            </section>
            </div>
            """
        return Layout.page("Drawer", session: session, name: "drawer", attributes: "data-state=\"\(state)\"", content)
    }

    static func verifyForm(_ keepInputs: [HTML]) -> HTML {
        """
        <form id="verify-form" class="card" data-action="drawer-verify" novalidate>
        <h2>Verify and reduce to float</h2>
        <div class="form-error" role="alert" hidden></div>
        <p class="muted">Keep in the drawer (the rest goes to the deposit):</p>
        <div class="denominations">\(keepInputs)</div>
        <p>Float kept <b id="keep-total" class="money">$0.00</b></p>
        <label for="verify-note">Note (a variance needs one)</label><input id="verify-note" name="note">
        <div class="row">
        <div><label for="verify-approver">Approver ID (variance)</label><input id="verify-approver" name="employee"></div>
        <div><label for="verify-pin">Approver PIN</label><input id="verify-pin" name="pin" type="password" inputmode="numeric" autocomplete="off"></div>
        </div>
        <button id="verify" type="submit" class="primary">Verify close</button>
        </form>
        """
    }
}

/// `/reports`: the day report, deposit slip, batch matching and reconciliation (fetched from the API for the
/// chosen day), a Z report by number, and the over/short history as a chart drawn here (inline SVG).
enum ReportsPage {
    static func render(_ store: Store, _ session: Sessions.Session?, request: Request) async throws -> HTML {
        guard let clerk = session?.clerk else {
            throw APIError(.unauthorized, "sign in first", code: "session.required")
        }
        let day = try request.date("date")?.description ?? ""
        var zSection: HTML = ""
        if let text = request.query("z") {
            guard let number = Int(text), number > 0 else {
                throw POSError.invalid(field: "query z", reason: "'\(text)' is not a positive whole number")
            }
            let drawer = request.query("drawer") ?? clerk.terminal
            let z = try await store.zReport(drawer: drawer, number: number, viewer: clerk)
            zSection =
                "<section class=\"card\" id=\"z-report\"><h2>Z report \(number) · \(drawer)</h2>\(HTML.data(z))</section>"
        }
        var history: HTML = ""
        if clerk.employee.role.may(.viewDrawerTotals) {
            let entries = try await store.overShortHistory(viewer: clerk)
            history = """
                <section class="card" id="over-short"><h2>Over/short over time</h2>\(chart(entries))</section>
                """
        }
        let kinds: [(value: String, label: String)] = [
            ("day", "Day report"), ("deposit", "Deposit slip"), ("batches", "Card batch matching"),
            ("reconcile", "Reconciliation"), ("x", "X report (this drawer)"),
        ]
        return Layout.page(
            "Reports",
            session: session,
            name: "reports",
            """
            <h1>Reports</h1>
            <form id="report-form" class="card" data-action="report" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <div class="row">
            <div><label for="report-kind">Report</label><select id="report-kind" name="kind">\(HTML.options(kinds))</select></div>
            <div><label for="report-date">Day</label><input id="report-date" name="date" type="date" value="\(day)"></div>
            <div><label for="z-number">Z number</label><input id="z-number" name="z" inputmode="numeric"></div>
            </div>
            <div class="row"><button id="show-report" type="submit" class="primary">Show</button>
            <button id="show-z" type="button">Show Z</button></div>
            </form>
            <section id="report-output" class="card" aria-live="polite"></section>
            \(zSection)
            \(history)
            """
        )
    }

    /// Bars above (over) and below (short) a zero line, one per count, oldest first; each with a title for the
    /// details.
    static func chart(_ entries: [OverShortEntry]) -> HTML {
        guard !entries.isEmpty else { return "<p class=\"muted\">No counts yet.</p>" }
        let shown = entries.sorted { $0.atMillis < $1.atMillis }.suffix(60)
        let largest = max(shown.map { abs($0.overShort.minorUnits) }.max() ?? 1, 100)
        let width = 1000
        let height = 240
        let middle = height / 2
        let step = width / max(shown.count, 1)
        let bars = shown.enumerated().map { index, entry -> HTML in
            // Pixels from cents in integers: a bar of the largest amount reaches the chart's edge, less a margin.
            let size = Int(abs(entry.overShort.minorUnits) * Int64(middle - 10) / largest)
            let over = entry.overShort.minorUnits >= 0
            let y = over ? middle - size : middle
            return """
                <rect x="\(index * step + 2)" y="\(y)" width="\(max(step - 4, 2))" height="\(max(size, 1))" class="\(over ? "over" : "short")"><title>\(entry.drawer) \(entry.kind.rawValue) by \(entry.cashier): \(entry.overShort.display)</title></rect>
                """
        }
        return """
            <svg id="over-short-chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="Over/short of the last \(shown.count) counts">
            <line x1="0" y1="\(middle)" x2="\(width)" y2="\(middle)" class="axis"/>
            \(bars)
            <text x="4" y="14" class="label">+\(Money(minorUnits: largest).display)</text>
            <text x="4" y="\(height - 4)" class="label">−\(Money(minorUnits: largest).display)</text>
            </svg>
            """
    }
}

/// `/books`: the bookkeeper's exports (downloaded through the API) and imports (uploaded with progress).
enum BooksPage {
    static func render(_ store: Store, _ session: Sessions.Session?) async throws -> HTML {
        guard let clerk = session?.clerk else {
            throw APIError(.unauthorized, "sign in first", code: "session.required")
        }
        try clerk.require(.exportData)
        let imported = try await store.importedFiles()
        let rows = imported.map { file -> HTML in
            "<tr><td>\(file.file)</td><td>\(file.kind)</td><td>\(file.format)</td><td class=\"num\">\(file.lines)</td><td class=\"num\">\(file.added)</td></tr>"
        }
        let formats: [(value: String, label: String)] = [
            ("csv", "CSV"), ("iif", "QuickBooks IIF"), ("qbo", "QuickBooks Online"), ("ofx", "OFX"), ("xero", "Xero"),
            ("hledger", "hledger"),
        ]
        return Layout.page(
            "Books",
            session: session,
            name: "books",
            """
            <h1>Books</h1>
            <div class="columns">
            <form id="export-form" class="card" data-action="export" novalidate>
            <h2>Export closed days</h2>
            <div class="form-error" role="alert" hidden></div>
            <label for="export-format">Format</label><select id="export-format" name="format">\(HTML.options(formats))</select>
            <label for="export-from">From</label><input id="export-from" name="from" type="date" required>
            <label for="export-to">To</label><input id="export-to" name="to" type="date">
            <button id="export" type="submit" class="primary">Download</button>
            </form>
            <form id="import-form" class="card" data-action="import" novalidate>
            <h2>Import</h2>
            <div class="form-error" role="alert" hidden></div>
            <label for="import-kind">File</label><select id="import-kind" name="kind">
            <option value="settlement">Card settlement (Stripe, Square, CSV)</option><option value="bank">Bank statement</option></select>
            <label for="import-file">Choose the file</label><input id="import-file" name="file" type="file" required>
            <progress id="import-progress" max="100" value="0" hidden></progress>
            <div id="import-result" aria-live="polite"></div>
            <button id="import" type="submit" class="primary">Upload</button>
            </form>
            </div>
            <section class="card"><h2>Imported files</h2>
            <table id="imported-files"><thead><tr><th>File</th><th>Kind</th><th>Format</th><th>Lines</th><th>Added</th></tr></thead>
            <tbody>\(rows)</tbody></table></section>
            """
        )
    }
}

/// The appliance's status for managers: what `vetpos status` prints, in a table a person reads.
enum StatusPage {
    static func render(_ server: APIServer, _ session: Sessions.Session?) async throws -> HTML {
        guard let clerk = session?.clerk else {
            throw APIError(.unauthorized, "sign in first", code: "session.required")
        }
        try clerk.require(.viewStatus)
        let status = try await server.applianceStatus()
        let rows = status.lines.map { line -> HTML in
            "<tr><th scope=\"row\">\(line.label)</th><td>\(line.value)</td></tr>"
        }
        let summary: HTML =
            !status.database.journalVerified
            ? "<p id=\"status-summary\" class=\"field-error\" role=\"alert\">The journal does not verify.</p>"
            : status.backupOverdue
                ? "<p id=\"status-summary\" class=\"field-error\" role=\"alert\">No verified backup in the last 36 hours: run <code>vetpos backup</code> on the appliance.</p>"
                : "<p id=\"status-summary\">All is well: the journal verifies and the last backup is recent.</p>"
        return Layout.page(
            "Status",
            session: session,
            name: "status",
            """
            <h1>Status</h1>
            \(summary)
            <section class="card"><h2>The appliance, checked \(status.time(status.checkedAtMillis))</h2>
            <table id="status-table" class="data">\(rows)</table></section>
            """
        )
    }
}
