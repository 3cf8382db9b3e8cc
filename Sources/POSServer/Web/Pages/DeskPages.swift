import Foundation
import POSCore
import POSStorage

/// `/`: employee id, PIN and terminal; the page's script signs in through `POST /api/sessions`.
enum SignInPage {
    /// A path on this server to return to after signing in, or nil: browsers read `\` as `/`, so `/\host` and
    /// `//host` would leave the appliance for another site (an open redirect).
    static func localPath(_ path: String) -> String? {
        guard path.hasPrefix("/"), !path.hasPrefix("//"), path.count <= 512,
            !path.unicodeScalars.contains(where: { $0 == "\\" || $0.properties.generalCategory == .control })
        else { return nil }
        return path
    }

    static func render(returnPath: String?) -> HTML {
        let back = returnPath.flatMap(localPath) ?? "/desk"
        return Layout.page(
            "Sign in",
            session: nil,
            name: "sign-in",
            attributes: "data-return=\"\(back)\"",
            """
            <h1>VetPOS</h1>
            <form id="sign-in-form" class="card narrow" data-action="sign-in" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <label for="employee">Employee ID</label>
            <input id="employee" name="employee" autocomplete="username" autocapitalize="characters" required autofocus>
            <label for="pin">PIN</label>
            <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="current-password" required>
            <label for="terminal">Terminal</label>
            <input id="terminal" name="terminal" autocapitalize="characters" required>
            <button id="sign-in" type="submit" class="primary">Sign in</button>
            </form>
            """
        )
    }
}

/// `/desk`: the open invoices (each a link to its page) and check-in: pick the client, open an invoice.
enum DeskPage {
    static func render(_ store: Store, _ session: Sessions.Session?) async throws -> HTML {
        let invoices = try await store.openInvoices()
        let rows = invoices.map { invoice -> HTML in
            let pets = invoice.pets.map(\.name).joined(separator: ", ")
            return """
                <tr data-invoice="\(invoice.number)">
                <td><a href="/invoices/\(invoice.number)">#\(invoice.number)</a></td>
                <td>\(invoice.clientName)</td><td>\(pets)</td><td>\(invoice.terminal)</td>
                <td class="money">\(invoice.total.display)</td>
                <td><a class="button" href="/invoices/\(invoice.number)">Open</a></td>
                </tr>
                """
        }
        let list: HTML =
            rows.isEmpty
            ? "<p class=\"muted\" id=\"no-open-invoices\">No open invoices.</p>"
            : "<table><thead><tr><th>Invoice</th><th>Client</th><th>Pets</th><th>Terminal</th><th>Total</th><th></th></tr></thead><tbody>\(rows)</tbody></table>"
        let items = try await store.catalog().filter(\.active).map { item -> HTML in
            "<option value=\"\(item.code)\">\(item.name)</option>"
        }
        // Veterinarians first: a visit's first line is the doctor's, whoever rings it up.
        let staff = try await store.employees().filter(\.active)
        let providers = (staff.filter { $0.role == .veterinarian } + staff.filter { $0.role != .veterinarian }).map {
            (value: $0.id, label: "\($0.name) (\($0.role.rawValue))")
        }
        return Layout.page(
            "Desk",
            session: session,
            name: "desk",
            """
            <h1>Front desk</h1>
            <div class="columns">
            <section aria-labelledby="open-title">
            <h2 id="open-title">Open invoices</h2>
            <div id="open-invoices">\(list)</div>
            </section>
            <section aria-labelledby="checkin-title">
            <h2 id="checkin-title">Check in</h2>
            <form id="check-in-form" class="card" data-action="check-in" novalidate>
            <div class="form-error" role="alert" hidden></div>
            <label for="client-search">Client</label>
            <input id="client-search" name="client-search" type="search" role="combobox" aria-autocomplete="list" aria-expanded="false"
             aria-controls="client-results" autocomplete="off" placeholder="Name, phone, pet or client id" autofocus>
            <input id="client" name="client" type="hidden">
            <ul id="client-results" class="results" role="listbox" aria-label="Clients found" hidden></ul>
            <div id="client-card" class="client-card" aria-live="polite" hidden></div>
            <details id="new-client">
            <summary>New client</summary>
            <div class="row">
            <div><label for="new-client-name">Name</label><input id="new-client-name" name="new-name" autocomplete="off"></div>
            <div><label for="new-client-phone">Phone</label><input id="new-client-phone" name="new-phone" inputmode="tel"></div>
            </div>
            <div class="row">
            <div><label for="new-pet-name">Pet's name</label><input id="new-pet-name" name="new-pet" autocomplete="off"></div>
            <div><label for="new-pet-species">Species</label><input id="new-pet-species" name="new-species" list="species"></div>
            </div>
            <datalist id="species"><option value="Canine"><option value="Feline"><option value="Avian"><option value="Exotic"></datalist>
            <button id="add-client" type="button">Add client</button>
            </details>
            <label for="checkin-pet">Pet</label>
            <select id="checkin-pet" name="patient" required disabled><option value="">Find the client first</option></select>
            <label for="checkin-item">First line (optional)</label>
            <input id="checkin-item" name="item" list="catalog-items" autocapitalize="characters"
             placeholder="Item code, or leave empty">
            <datalist id="catalog-items">\(items)</datalist>
            <label for="checkin-provider">Provider</label>
            <select id="checkin-provider" name="provider">\(HTML.options(providers))</select>
            <button id="new-invoice" type="submit" class="primary">Open invoice</button>
            </form>
            </section>
            </div>
            """
        )
    }
}
