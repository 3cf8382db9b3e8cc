import POSStorage

/// A change the database itself refused (an immutability trigger or a constraint), shown as one line.
struct DatabaseRefusal: Error, CustomStringConvertible {
    let description: String

    static func wrap(_ error: any Error) -> any Error {
        if let full = StoreErrors.diskFull(error) { return DatabaseRefusal(description: full) }
        guard let message = StoreErrors.refusal(error) else { return error }
        return DatabaseRefusal(description: "the database refused the change: \(message)")
    }
}
