import POSCore
import Testing

@Suite("Card numbers are found in free text")
struct CardNumberDetectorTests {
    /// A Luhn-valid number of `length` digits from a seeded generator.
    static func cardNumber(length: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var digits = [UInt8.random(in: CardNumberDetector.networkDigits, using: &generator)]
        digits += (0..<(length - 2)).map { _ in UInt8.random(in: 0...9, using: &generator) }
        for check in UInt8(0)...9 where CardNumberDetector.passesLuhn((digits + [check])[...]) {
            digits.append(check)
            break
        }
        return digits
    }

    static func written(_ digits: [UInt8], separator: String, every group: Int) -> String {
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && index % group == 0 { text += separator }
            text += String(digit)
        }
        return text
    }

    @Test("every Luhn-valid number of 13 to 19 digits is found, plain or grouped by spaces or dashes, inside text")
    func validNumbersOfEveryLengthAreFound() {
        var generator = SystemRandomNumberGenerator()
        for length in CardNumberDetector.lengths {
            for _ in 0..<50 {
                let digits = Self.cardNumber(length: length, using: &generator)
                #expect(CardNumberDetector.passesLuhn(digits[...]))
                for (separator, group) in [("", 4), (" ", 4), ("-", 4), (" ", 5), ("-", 3)] {
                    let number =
                        separator.isEmpty
                        ? Self.written(digits, separator: "", every: 99)
                        : Self.written(digits, separator: separator, every: group)
                    #expect(CardNumberDetector.containsCardNumber(number), "\(number)")
                    #expect(CardNumberDetector.containsCardNumber("client paid with \(number), exp 12/27"))
                    #expect(CardNumberDetector.containsCardNumber("card:\(number) 12 27"))
                }
            }
        }
    }

    @Test("ordinary numbers pass: phones, check numbers, amounts, dates, invoice numbers, short and failing runs")
    func ordinaryNumbersPass() {
        let ordinary = [
            "555-123-4567", "+1 (312) 555-0199", "check 1042", "paid 124.00 in cash", "2025-03-14", "invoice 10427",
            "microchip 985112003456789 checked", "chip 840-098-100-123-457", "last4 1111, auth 123456", "D-20250314-01",
            "PAX-1-20250305-01",
            "4111 1111 1111 1112", "411111111111",
        ]
        for text in ordinary {
            #expect(!CardNumberDetector.containsCardNumber(text), "\(text)")
        }
    }

    @Test("a refusal names the field and never repeats the number")
    func refusalNamesTheField() {
        #expect {
            try CardNumberDetector.refuse("card 4111 1111 1111 1111", field: "reason")
        } throws: { error in
            let text = "\(error)"
            return text.contains("reason") && text.contains("card number") && !text.contains("4111")
        }
    }

    @Test("kept text (a bank's description) has its card numbers masked to the last 4 digits, nothing else changed")
    func maskingKeepsTheLastFour() {
        #expect(
            CardNumberDetector.masked("REFUND CARD 4111 1111 1111 1111 REF 77")
                == "REFUND CARD **** **** **** 1111 REF 77"
        )
        #expect(CardNumberDetector.masked("pan=4111111111111111;") == "pan=************1111;")
        #expect(
            CardNumberDetector.masked("DEPOSIT D-20250314-01 phone 555-123-4567")
                == "DEPOSIT D-20250314-01 phone 555-123-4567"
        )
        #expect(CardNumberDetector.masked("") == "")
        #expect(!CardNumberDetector.containsCardNumber(CardNumberDetector.masked("x 5500-0000-0000-0004 y")))
    }
}
