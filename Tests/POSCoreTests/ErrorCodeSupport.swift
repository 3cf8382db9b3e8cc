import POSCore
import Testing

/// Asserts that `body` refuses with the stable `code` (and, when given, at `field`): tests rely on codes, not wording.
func expectCode<Result>(
    _ code: String,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Result
) {
    do {
        _ = try body()
        Issue.record("expected a refusal with code \(code); nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as POSError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let field { #expect(error.field == field, "\(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected a POSError with code \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
