import POSCore
import Testing

@Suite struct MoneyTests {
    @Test(
        arguments: [
            ("12", 1200), ("12.5", 1250), ("12.50", 1250), ("0.07", 7), ("-3.07", -307), (" 4.00 ", 400), ("0", 0),
        ] as [(String, Int64)]
    )
    func parsesExactly(text: String, cents: Int64) {
        #expect(Money(parsing: text) == Money(minorUnits: cents))
    }

    @Test(arguments: ["1,234.00", "$12.00", "12.345", "1e3", "", ".5", "12.", "--1", "12.5.0", "١٢"])
    func refusesAmountsThatAreNotExact(text: String) {
        #expect(Money(parsing: text) == nil)
    }

    @Test func formatsForPeopleAndMachines() {
        #expect(Money.cents(123_456_78).formatted == "$123,456.78")
        #expect(Money.cents(-5_00).formatted == "-$5.00")
        #expect(Money.cents(7).description == "0.07")
        #expect(Money.cents(-1_999).description == "-19.99")
    }

    @Test(
        arguments: [
            // value, numerator, denominator, halfEven, halfAwayFromZero, towardZero
            (1999, 82_500, 1_000_000, 165, 165, 164),
            (250, 1, 100, 2, 3, 2),
            (350, 1, 100, 4, 4, 3),
            (-250, 1, 100, -2, -3, -2),
            (-1999, 82_500, 1_000_000, -165, -165, -164),
            (Int64.max / 2, 3, 3, Int64.max / 2, Int64.max / 2, Int64.max / 2),
        ] as [(Int64, Int64, Int64, Int64, Int64, Int64)]
    )
    func mulDivRoundsAsNamed(value: Int64, numerator: Int64, denominator: Int64, even: Int64, away: Int64, zero: Int64)
    {
        #expect(mulDiv(value, numerator, denominator, rounding: .halfEven) == even)
        #expect(mulDiv(value, numerator, denominator, rounding: .halfAwayFromZero) == away)
        #expect(mulDiv(value, numerator, denominator, rounding: .towardZero) == zero)
    }

    @Test(arguments: [[1, 1, 1], [1, 2], [3, 1, 1, 1], [0, 5, 0], [7], [1_000_000, 1]] as [[Int64]])
    func allocationAddsUp(weights: [Int64]) {
        for amount: Int64 in [0, 1, 2, 99, 100, 1000, 12_345, -1000] {
            let parts = Money(minorUnits: amount).allocate(weights: weights)
            #expect(parts.sum() == Money(minorUnits: amount))
            for (part, weight) in zip(parts, weights) where weight == 0 { #expect(part == .zero) }
        }
    }

    @Test func allocationIsProportional() {
        #expect(Money.cents(1000).allocate(weights: [1, 1, 1]) == [.cents(334), .cents(333), .cents(333)])
        #expect(Money.cents(100).allocate(weights: [3, 1]) == [.cents(75), .cents(25)])
    }

    @Test func overflowTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = Money(minorUnits: .max) + Money(minorUnits: 1)
        }
    }

    @Test func quantitiesAndPercents() {
        #expect(Quantity(parsing: "2.5") == Quantity(thousandths: 2500))
        #expect(Quantity(parsing: "0.125")?.description == "0.125")
        #expect(Quantity(parsing: "1.2345") == nil)
        #expect(Quantity(parsing: "-1") == nil)
        #expect(Percent(parsing: "12.5") == Percent(basisPoints: 1250))
        #expect(Percent(parsing: "10%")?.description == "10%")
        #expect(Percent(basisPoints: 1250).description == "12.5%")
    }

    @Test func businessDatesAreRealDays() {
        #expect(BusinessDate("2024-02-29") != nil)
        #expect(BusinessDate("2023-02-29") == nil)
        #expect(BusinessDate("2024-13-01") == nil)
        #expect(BusinessDate("24-01-01") == nil)
    }

    @Test("dates outside 1900-2999 are refused with the field; arithmetic at the edges never traps")
    func datesAtTheEdges() throws {
        for text in ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01", "", String(repeating: "9", count: 1_000)] {
            #expect(BusinessDate(text) == nil)
            #expect(throws: POSError.self) { try BusinessDate.parse(text, field: "--date") }
        }
        let last = try BusinessDate.parse("2999-12-31", field: "--date")
        #expect(last.adding(days: 1).text == "3000-01-01")
        #expect(last.adding(days: Int.max).text.count == 10)
        #expect(try BusinessDate.parse("1900-01-01", field: "f").adding(days: Int.min).text.count == 10)
        let first = try BusinessDate.parse("1900-01-01", field: "f")
        #expect(BusinessDate.days(from: first, through: first.adding(days: 3)).map(\.text).last == "1900-01-04")
        #expect(BusinessDate.days(from: last, through: first).isEmpty)
    }

    @Test("a date range is checked by arithmetic: reversed or too long is refused with the field")
    func dateRanges() throws {
        let first = try BusinessDate.parse("1900-01-01", field: "from")
        let last = try BusinessDate.parse("2999-12-31", field: "to")
        try BusinessDate.checkRange(from: first, through: first.adding(days: 365), maximumDays: 366, field: "to")
        #expect(throws: POSError.self) {
            try BusinessDate.checkRange(from: first, through: last, maximumDays: 366, field: "to")
        }
        #expect(throws: POSError.self) {
            try BusinessDate.checkRange(from: last, through: first, maximumDays: 366, field: "to")
        }
    }

    @Test func businessDayIsCutAtLocalMidnight() throws {
        let chicago = try BusinessCalendar(timeZoneIdentifier: "America/Chicago")
        let day = BusinessDate("2026-03-08")!  // the day US clocks spring forward
        let lateEvening = chicago.millis(of: day, hour: 23, minute: 30)
        #expect(chicago.businessDate(atMillis: lateEvening) == day)
        #expect(chicago.businessDate(atMillis: lateEvening + 31 * 60_000) == BusinessDate("2026-03-09"))
        #expect(chicago.timeOfDay(atMillis: lateEvening) == "23:30")
    }
}
