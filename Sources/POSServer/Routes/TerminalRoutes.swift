import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import POSCore
import POSServices
import POSStorage
import ServiceLifecycle

/// What a terminal's page is pushed (server-sent events) and the scanner's input.
extension APIServer {
    static let terminalRoutes: [Route] = [
        Route(
            .get,
            "/api/terminals/{terminal}/events",
            .signedIn(anyOf: []),
            tokenInQuery: true,
            "Server-sent events of a terminal: drawer state, scans, invoice changes (?invoice= selects the invoice)"
        ) { call in
            let terminal = try call.ownTerminal()
            let invoice = try call.request.query("invoice").map { text in
                guard let number = Int64(text), number > 0 else {
                    throw POSError.invalid(field: "query invoice", reason: "'\(text)' is not a positive whole number")
                }
                return number
            }
            return call.server.eventStream(terminal: terminal, invoice: invoice)
        },
        Route(
            .post,
            "/api/terminals/{terminal}/scans",
            .signedIn(anyOf: [.addVisitLines]),
            "A code scanned at a terminal: looked up in the catalog and added to the selected open invoice"
        ) { call in
            try await call.server.scan(call)
        },
    ]

    /// The `text/event-stream` of a terminal: `retry` and a `: connected` comment once subscribed, then each event,
    /// and a heartbeat comment when nothing happened for a while. It ends when the browser goes away (noticed at the
    /// next write) or the server shuts down gracefully.
    func eventStream(terminal: String, invoice: Int64?) -> Response {
        let hub = events
        let body = ResponseBody { writer in
            let subscription = await hub.subscribe(terminal: terminal, invoice: invoice)
            let beats = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: hub.heartbeat)
                    subscription.continuation.yield(.heartbeat)
                }
            }
            do {
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: "retry: 3000\n: connected\n\n"))
                    for await event in subscription.events {
                        try await writer.write(ByteBuffer(string: event.wire))
                    }
                } onGracefulShutdown: {
                    subscription.finish()
                }
            } catch {
                beats.cancel()
                await hub.unsubscribe(terminal: terminal, id: subscription.id)
                throw error
            }
            beats.cancel()
            await hub.unsubscribe(terminal: terminal, id: subscription.id)
            try await writer.finish(nil)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        // safe: a literal, valid header name
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `POST /api/terminals/{terminal}/scans`: the caller's scan at their own terminal; an unknown code is a 404.
    func scan(_ call: APICall) async throws -> Response {
        let body = try call.decode(ScanBody.self)
        let data = try await scan(
            body.code,
            invoice: body.invoice,
            patient: body.patient,
            at: try call.ownTerminal(),
            by: try call.clerk,
            commandID: call.commandID
        )
        guard data.result != "unknown" else { throw POSError.notFound(what: "scanned code", id: data.code) }
        return try Reply.json(data)
    }

    /// One scanned code, from the scans route or the scanner `serve --scanner` reads: looked up (barcode first, then
    /// item code) and added as a line to the invoice given or selected by the terminal's page; the terminal is told
    /// either way (`scan`, and `invoice` when a line was added). An unknown code adds nothing.
    func scan(
        _ scanned: String,
        invoice: Int64?,
        patient: String?,
        at terminal: String,
        by clerk: Operator,
        commandID: String
    ) async throws -> ScanEventData {
        let code = scanned.trimmingCharacters(in: .whitespacesAndNewlines)
        var selected = invoice
        if selected == nil { selected = await events.selectedInvoice(terminal: terminal) }
        let operations = Operations(store: store, clerk: clerk, devices: afterCommit)
        let outcome: Operations.ScanOutcome
        do {
            outcome = try await operations.scan(code, invoice: selected, patient: patient, commandID: commandID)
        } catch let error as POSError {
            throw error.located(at: "body")
        }
        let data: ScanEventData
        switch outcome {
        case .unknown:
            data = ScanEventData(code: code, result: "unknown", message: "no catalog item has this code")
        case .found(let item):
            data = ScanEventData(code: code, result: "found", item: item.code, name: item.name)
        case .added(let item, let view, let pet):
            data = ScanEventData(
                code: code,
                result: "added",
                item: item.code,
                name: item.name,
                invoice: view.number,
                patient: pet
            )
        }
        await events.publish(.json("scan", data), to: terminal)
        guard let number = data.invoice else { return data }
        await events.publish(.json("invoice", InvoiceEventData(number: number, change: "lines")), to: terminal)
        return data
    }

    /// After a successful mutating call: a `drawer` event for drawer calls and for sales that put cash or a check in
    /// the drawer, an `invoice` event for invoice calls. Sent to the caller's terminal.
    func announce(_ route: Route, _ call: APICall) async {
        guard route.mutating, let session = call.session else { return }
        let terminal = session.clerk.terminal
        let path = route.path
        let action = String(path.split(separator: "/").last ?? "")
        var kick = false
        if path.hasPrefix("/api/drawer/") {
            // As DrawerOpening: a paid-in, a paid-out and a no-sale open the drawer; an opening count or a drop does not.
            kick = ["paid-in", "paid-out", "no-sale"].contains(action)
        } else if let change = Self.invoiceChanges[path] {
            let object = (try? JSONSerialization.jsonObject(with: call.body)) as? [String: Any]
            let number =
                call.context.parameters.get("number").flatMap { Int64($0) }
                ?? (object?["invoice"] as? NSNumber)?.int64Value
            await events.publish(.json("invoice", InvoiceEventData(number: number, change: change)), to: terminal)
            let tenders = (object?["payments"] as? [[String: Any]] ?? []).compactMap { $0["tender"] as? String }
            kick = tenders.contains { Tender(rawValue: $0)?.goesInDrawer == true }
            guard kick else { return }
        } else {
            return
        }
        var state = "closed"
        var sessionNumber: Int64?
        if let report = try? await store.drawerReport(viewer: session.clerk) {
            sessionNumber = report.session
            switch report.state {
            case .open: state = "open"
            case .ended: state = "counting"
            case .closed: state = "closed"
            }
        }
        let data = DrawerEventData(state: state, action: action, kick: kick, session: sessionNumber)
        await events.publish(.json("drawer", data), to: terminal)
    }

    static let invoiceChanges: [String: String] = [
        "/api/invoices": "opened",
        "/api/invoices/{number}/lines": "lines",
        "/api/checkouts": "checkout",
        "/api/invoices/{number}/payments": "payments",
        "/api/invoices/{number}/void": "void",
        "/api/refunds": "refund",
    ]
}

extension APICall {
    /// The `{terminal}` of the path, which must be the caller's own.
    func ownTerminal() throws -> String {
        let terminal = context.text("terminal")
        let own = try clerk.terminal
        guard terminal == own else {
            throw APIError(
                .forbidden,
                "path terminal: you are signed in at \(own), not \(terminal)",
                code: "terminal.notYours",
                field: "path terminal"
            )
        }
        return terminal
    }
}

/// `{"code", "invoice", "patient"}`
struct ScanBody: Decodable {
    var code: String
    var invoice: Int64?
    var patient: String?

    init(from decoder: any Decoder) throws {
        let object = try decoder.fields(allowing: ["code", "invoice", "patient"])
        code = try object.required("code")
        invoice = try object.optional("invoice")
        patient = try object.optional("patient")
    }
}
