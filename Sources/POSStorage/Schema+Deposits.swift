extension Schema {
    /// Bank deposits made from closed drawers, and card terminal batches. (Filled in by the deposit work.)
    static let deposits = "SELECT 1;"
}
