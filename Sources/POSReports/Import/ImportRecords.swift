import POSCore

public enum SettlementFormat: String, Codable, CaseIterable, Sendable {
    case stripe, square, csv
}

public enum BankFormat: String, Codable, CaseIterable, Sendable {
    case bai2, ofx, csv
}

/// A whole settlement file, read: every line, or an error.
public struct SettlementFile: Sendable, Equatable {
    public var format: SettlementFormat
    public var lines: [SettlementLine]
    /// Things that do not stop the import but the bookkeeper should know (said in the import report).
    public var warnings: [String]

    public init(format: SettlementFormat, lines: [SettlementLine], warnings: [String] = []) {
        self.format = format
        self.lines = lines
        self.warnings = warnings
    }
}

/// A whole bank statement file, read: every line, or an error.
public struct BankStatement: Sendable, Equatable {
    public var format: BankFormat
    public var lines: [BankLine]
    /// Things that do not stop the import but the bookkeeper should know (said in the import report).
    public var warnings: [String]

    public init(format: BankFormat, lines: [BankLine], warnings: [String] = []) {
        self.format = format
        self.lines = lines
        self.warnings = warnings
    }
}

/// Called while a file is read with the physical lines done so far and the file's total; at most about a hundred
/// times per file, and once at the end with `done == total`.
public typealias ImportProgress = @Sendable (_ done: Int, _ total: Int) -> Void
