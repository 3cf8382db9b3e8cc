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

/// Codes derived from a field keep only the field's own names: never an index, a line number, a file name or a key
/// the input chose.
@Suite struct DerivedErrorCodeTests {
    @Test(arguments: [
        ("payments[1].idNumber", "payments.idNumber.invalid"),
        ("catalog.csv line 14, price", "price.invalid"),
        ("--date", "date.invalid"),
        ("query from", "query.from.invalid"),
        ("test.csv line 3", "file.invalid"),
        ("body, cardSlips.PAX-1", "cardSlips.invalid"),
        ("body, cardSlips.iË;ºUÆ.ó4", "cardSlips.invalid"),
        ("count.è", "count.invalid"),
        ("", "input.invalid"),
        ("Ωμέγα", "input.invalid"),
    ])
    func codeOf(_ field: String, _ code: String) {
        let error = POSError.invalid(field: field, reason: "x")
        #expect(error.code == code)
        #expect(error.code.wholeMatch(of: /[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+/) != nil)
    }
}
