extension Schema {
    /// Imported processor settlements/payouts and bank statement lines. (Filled in by the import work.)
    static let settlements = "SELECT 1;"
}
