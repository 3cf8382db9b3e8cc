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
        let operations = try await signIn.operations(try database.openStore())
        guard jsonl else {
            let request = try RequestDecoder.decode(CheckoutRequest.self, from: data, source: source)
            print(try Output.json(try await Self.checkout(request, operations, at: source)))
            return
        }
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            let here = "\(source) line \(index + 1)"
            let request = try RequestDecoder.decode(CheckoutRequest.self, from: Data(line), source: here)
            let view = try await Self.checkout(request, operations, at: here)
            // One line per committed checkout: a reader that saw the line may rely on it being stored.
            FileHandle.standardOutput.write(Data((try Output.json(view, pretty: false) + "\n").utf8))
        }
    }

    static func checkout(
        _ request: CheckoutRequest,
        _ operations: Operations,
        at place: String
    ) async throws
        -> InvoiceView
    {
        do {
            return try await operations.checkout(request)
        } catch let error as POSError {
            throw error.located(at: place)
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
        let operations = try await signIn.operations(try database.openStore())
        print(try Output.json(try await operations.refund(request)))
    }
}
