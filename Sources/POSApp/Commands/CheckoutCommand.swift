import ArgumentParser
import Foundation
import POSCore
import POSReceipts
import POSServices
import POSStorage

struct CheckoutCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "checkout",
        abstract: "Check out a visit from JSON (schema in README) and print the posted invoice as JSON.",
        discussion: """
            With --jsonl, every line of the input is one checkout, stored in its own transaction; each result is \
            printed as one line as soon as it is committed, and the first bad line stops the run.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Argument(help: "The checkout JSON file, or - for standard input.") var input = "-"
    @Flag(help: "Read one checkout per line (JSON Lines).") var jsonl = false

    func execute() async throws {
        let (data, source) = try Output.read(input)
        let store = try database.openStore()
        let clerk = try await signIn.signIn(store)
        let hardware = try await TerminalHardware.at(clerk.terminal, store: store)
        guard jsonl else {
            let request = try RequestDecoder.decode(CheckoutRequest.self, from: data, source: source)
            // A replay returns the first result: the drawer must not open again.
            let replay = hardware == nil ? false : try await store.commandExists(request.id)
            let view: InvoiceView
            do {
                view = try await store.checkout(request, by: clerk)
            } catch let error as POSError {
                throw error.located(at: source)
            }
            print(try Output.json(view))
            if !replay { await hardware?.sold(view, commandID: request.id, by: clerk) }
            return
        }
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            let here = "\(source) line \(index + 1)"
            let request = try RequestDecoder.decode(CheckoutRequest.self, from: Data(line), source: here)
            // A replay returns the first result: the drawer must not open again.
            let replay = hardware == nil ? false : try await store.commandExists(request.id)
            let view: InvoiceView
            do {
                view = try await store.checkout(request, by: clerk)
            } catch let error as POSError {
                throw error.located(at: here)
            }
            // One line per committed checkout: a reader that saw the line may rely on it being stored.
            FileHandle.standardOutput.write(Data((try Output.json(view, pretty: false) + "\n").utf8))
            if !replay { await hardware?.sold(view, commandID: request.id, by: clerk) }
        }
    }
}

struct RefundCommand: VetPOSCommandBody {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Refund (part of) a payment, by default on its own tender; prints the invoice as JSON.",
        discussion: """
            Input JSON: {"id": "…", "payment": 12, "amount": "20.00", "reason": "…", optional "tender", card fields \
            (brand, last4, authCode, terminalId) for another card, and "approval": {"employee", "pin", "reason"}}.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var signIn: SignInOptions
    @Argument(help: "The refund JSON file, or - for standard input.") var input = "-"

    func execute() async throws {
        let (data, source) = try Output.read(input)
        let request = try RequestDecoder.decode(RefundRequest.self, from: data, source: source)
        let store = try database.openStore()
        let clerk = try await signIn.signIn(store)
        let replay = try await store.commandExists(request.id)
        let view = try await store.refund(request, by: clerk)
        print(try Output.json(view))
        // The refund just recorded: the newest refund on the invoice.
        if !replay, let (opening, refund) = DrawerOpening.refund(view) {
            try await TerminalHardware.at(clerk.terminal, store: store)?.committed(
                opening,
                receipt: { try $0.refund(refund, of: view) },
                kind: .refund,
                invoice: view.number,
                commandID: request.id,
                by: clerk
            )
        }
    }
}
