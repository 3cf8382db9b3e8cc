import ArgumentParser
import POSCore
import POSReceipts
import POSServices
import POSStorage

struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice",
        abstract: "Open invoices at check-in, add lines during the visit, take later payments, void.",
        subcommands: [
            Open.self, AddLines.self, RemoveLine.self, Cancel.self, Show.self, ListOpen.self, Pay.self, Void.self,
        ]
    )

    /// `--line PATIENT:ITEM:PROVIDER` or `PATIENT:ITEM:QUANTITY:PROVIDER`.
    static func parseLines(_ texts: [String]) throws -> [LineRequest] {
        try texts.enumerated().map { index, text in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let field = "--line #\(index + 1)"
            switch parts.count {
            case 3: return LineRequest(patient: parts[0], item: parts[1], provider: parts[2])
            case 4:
                guard let quantity = Quantity(parsing: parts[2]) else {
                    throw POSError.invalid(
                        field: field,
                        reason: "'\(parts[2])' is not a quantity with at most 3 decimals"
                    )
                }
                return LineRequest(patient: parts[0], item: parts[1], quantity: quantity, provider: parts[3])
            default:
                throw POSError.invalid(field: field, reason: "'\(text)' is not PATIENT:ITEM[:QUANTITY]:PROVIDER")
            }
        }
    }

    struct Open: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Open an invoice for a client as they check in.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Option(help: "The client's id.") var client: String
        @Option(help: "A line as PATIENT:ITEM[:QUANTITY]:PROVIDER (repeatable).") var line: [String] = []
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let lines = try InvoiceCommand.parseLines(line)
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.openInvoice(client: client, lines: lines, commandID: id)))
        }
    }

    struct AddLines: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "add-lines",
            abstract: "Add lines to an open invoice."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The invoice number.") var invoice: Int64
        @Option(help: "A line as PATIENT:ITEM[:QUANTITY]:PROVIDER (repeatable).") var line: [String]
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let lines = try InvoiceCommand.parseLines(line)
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.addLines(lines, invoice: invoice, commandID: id)))
        }
    }

    struct RemoveLine: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            commandName: "remove-line",
            abstract: "Take a line off an open invoice; the lines after it move up."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The invoice number.") var invoice: Int64
        @Option(help: "The line number, as `invoice show` lists it.") var line: Int
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.removeLine(line, invoice: invoice, commandID: id)))
        }
    }

    struct Cancel: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Cancel an open invoice (the client left, opened by mistake); it keeps its number."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The invoice number.") var invoice: Int64
        @Option(help: "Why it is cancelled.") var reason: String
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.cancelInvoice(invoice, reason: reason, commandID: id)))
        }
    }

    struct Show: VetPOSCommandBody {
        static let configuration = CommandConfiguration(abstract: "Print an invoice as JSON.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The invoice number.") var invoice: Int64

        func execute() async throws {
            print(try Output.json(try await database.openStore().invoice(invoice)))
        }
    }

    struct ListOpen: VetPOSCommandBody {
        static let configuration = CommandConfiguration(commandName: "list-open", abstract: "List the open invoices.")
        @OptionGroup var database: DatabaseOptions

        func execute() async throws {
            for invoice in try await database.openStore().openInvoices() {
                print(
                    "\(invoice.number)\t\(invoice.client)\t\(invoice.clientName)\t\(invoice.lines.count) lines\t\(invoice.subtotal)"
                )
            }
        }
    }

    struct Pay: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Take a later payment toward a posted invoice.",
            discussion: #"Input JSON: {"id": "…", "invoice": 12, "payments": [ …as in checkout… ]}"#
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The payment JSON file, or - for standard input.") var input = "-"

        func execute() async throws {
            let (data, source) = try Output.read(input)
            let request = try RequestDecoder.decode(PaymentRequest.self, from: data, source: source)
            let operations = try await signIn.operations(try database.openStore())
            print(try Output.json(try await operations.pay(request)))
        }
    }

    struct Void: VetPOSCommandBody {
        static let configuration = CommandConfiguration(
            abstract: "Void a posted invoice on its own business day, reversing its payments.",
            discussion:
                "A manager voids directly; anyone else names an approving manager, whose PIN comes from $VETPOS_APPROVER_PIN."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var signIn: SignInOptions
        @Argument(help: "The invoice number.") var invoice: Int64
        @Option(help: "Why the invoice is voided.") var reason: String
        @Option(help: "The approving manager's employee id.") var approvedBy: String?
        @Option(help: "A client-generated id for this command (default: a new UUID).") var id = Output.newID()

        func execute() async throws {
            let approval = try Secret.approval(by: approvedBy, reason: reason)
            let operations = try await signIn.operations(try database.openStore())
            let request = VoidRequest(id: id, invoice: invoice, reason: reason, approval: approval)
            print(try Output.json(try await operations.void(request)))
        }
    }
}
