import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import POSCore
import POSStorage

/// The front desk's web pages, served by the same server as the API: HTML built here, one CSS and one JS file,
/// no build step. Pages only read (through the Store, as the API's GET routes do); every change is a `fetch` of the
/// JSON API from the page, with the session's bearer token. A page knows who is signed in from the
/// `vetpos_session` cookie that the sign-in page sets beside the token in `sessionStorage`; the cookie authorizes
/// reading pages only — the API never accepts it. A page asked without a valid session redirects to sign-in.
struct WebApp: Sendable {
    let server: APIServer

    static let cookie = "vetpos_session"

    func register(on router: Router<APIContext>) {
        router.get("/") { request, _ in
            try await self.page(request, signedOut: true) { _ in SignInPage.render(returnPath: request.query("return"))
            }
        }
        router.get("/desk") { request, _ in
            try await self.page(request) { session in try await DeskPage.render(self.server.store, session) }
        }
        router.get("/invoices/:number") { request, context in
            try await self.page(request) { session in
                try await InvoicePage.render(self.server.store, session, number: try context.number("number"))
            }
        }
        router.get("/invoices/:number/receipt") { request, context in
            try await self.page(request) { session in
                try await ReceiptPage.render(self.server.store, session, number: try context.number("number"))
            }
        }
        router.get("/drawer") { request, _ in
            try await self.page(request) { session in try await DrawerPage.render(self.server.store, session) }
        }
        router.get("/reports") { request, _ in
            try await self.page(request) { session in
                try await ReportsPage.render(self.server.store, session, request: request)
            }
        }
        router.get("/books") { request, _ in
            try await self.page(request) { session in try await BooksPage.render(self.server.store, session) }
        }
        router.get("/status") { request, _ in
            try await self.page(request) { session in try await StatusPage.render(self.server, session) }
        }
        router.get("/static/:file") { request, context in
            StaticFiles.response(name: context.text("file"), ifNoneMatch: request.headers[.ifNoneMatch])
        }
    }

    /// Renders a page for the cookie's session; without one, a redirect to sign-in that returns here afterwards.
    /// Failures render as an HTML page with the API's status and one-line message.
    func page(
        _ request: Request,
        signedOut: Bool = false,
        _ render: (Sessions.Session?) async throws -> HTML
    ) async throws -> Response {
        var session: Sessions.Session?
        if let token = request.cookies[Self.cookie]?.value, !token.isEmpty {
            session = try await server.session(token)
        }
        if session == nil && !signedOut {
            let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            var headers = HTTPFields()
            headers[.location] =
                "/?return=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2Fdesk")
            headers[.cacheControl] = "no-store"
            return Response(status: .seeOther, headers: headers)
        }
        do {
            return Self.html(try await render(session))
        } catch {
            let apiError = APIError.from(error)
            if apiError.status == .internalServerError {
                server.logger.error("page failed", metadata: ["error": .string(String(reflecting: error))])
            }
            return Self.html(ErrorPage.render(apiError, session: session), status: apiError.status)
        }
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        // safe: a literal, valid header name
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.markup)))
    }
}

/// The CSS and JS, copied resources of this module (`Web/Static`), read once. Served with their type, an ETag and
/// `Cache-Control: no-cache` (the browser keeps them and revalidates: a 304 when unchanged).
enum StaticFiles {
    struct File: Sendable {
        var bytes: [UInt8]
        var type: String
        var etag: String
    }

    static let files: [String: File] = {
        guard let directory = Bundle.module.url(forResource: "Static", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else { return [:] }
        var files: [String: File] = [:]
        for name in names {
            guard let type = types[(name as NSString).pathExtension],
                let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
            else { continue }
            let bytes = [UInt8](data)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            files[name] = File(bytes: bytes, type: type, etag: "\"\(String(hash, radix: 16))\"")
        }
        return files
    }()

    static let types = [
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
    ]

    static func response(name: String, ifNoneMatch: String?) -> Response {
        guard let file = files[name] else {
            return Reply.error(APIError(.notFound, "no static file \(name)", code: "route.notFound"))
        }
        var headers = HTTPFields()
        headers[.contentType] = file.type
        headers[.cacheControl] = "no-cache"
        headers[.eTag] = file.etag
        // safe: a literal, valid header name
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if ifNoneMatch == file.etag {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}

/// The frame of every page: head, the navigation for a signed-in employee, the main content.
enum Layout {
    static func page(
        _ title: String,
        session: Sessions.Session?,
        name: String,
        attributes: HTML = "",
        _ content: HTML
    ) -> HTML {
        let navigation: HTML
        if let session {
            let clerk = session.clerk
            let links: [(String, String, Bool)] = [
                ("/desk", "Desk", true),
                ("/drawer", "Drawer", clerk.employee.role.may(.handleDrawer) || clerk.employee.role.may(.noSale)),
                (
                    "/reports", "Reports",
                    clerk.employee.role.may(.viewReports) || clerk.employee.role.may(.handleDrawer)
                ),
                ("/books", "Books", clerk.employee.role.may(.exportData)),
                ("/status", "Status", clerk.employee.role.may(.viewStatus)),
            ]
            let items = links.filter(\.2).map { link -> HTML in
                link.1 == title || (name == link.1.lowercased())
                    ? "<a href=\"\(link.0)\" aria-current=\"page\">\(link.1)</a>"
                    : "<a href=\"\(link.0)\">\(link.1)</a>"
            }
            navigation = """
                <header class="bar">
                <nav aria-label="Screens">\(items)</nav>
                <span class="who">\(clerk.employee.name) (\(clerk.employee.id)) at <b id="terminal-name">\(clerk.terminal)</b></span>
                <span id="drawer-state" class="pill" aria-live="polite"></span>
                <button type="button" id="sign-out" class="quiet">Sign out</button>
                </header>
                """
        } else {
            navigation = ""
        }
        let terminal = session?.clerk.terminal ?? ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · VetPOS</title>
            <link rel="stylesheet" href="/static/app.css">
            <link rel="icon" href="data:,">
            <script src="/static/app.js" defer></script>
            </head>
            <body data-page="\(name)" data-terminal="\(terminal)" \(attributes)>
            \(navigation)
            <main>
            <div id="page-error" class="form-error" role="alert" hidden></div>
            \(content)
            </main>
            </body>
            </html>
            """
    }
}

/// A failure as a page: the status and the API's one-line message.
enum ErrorPage {
    static func render(_ error: APIError, session: Sessions.Session?) -> HTML {
        Layout.page(
            "Error",
            session: session,
            name: "error",
            """
            <h1>\(error.status.code) \(error.status.reasonPhrase)</h1>
            <p class="field-error">\(error.message)</p>
            <p><a class="button" href="/desk">Back to the desk</a></p>
            """
        )
    }
}

/// Amounts as the desk reads them.
extension Money {
    var display: String { formatted }
}
