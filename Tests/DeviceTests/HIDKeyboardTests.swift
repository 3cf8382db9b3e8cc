import POSDevices
import Testing

/// The boot-keyboard decoding, with the reports the harness README documents; no hardware needed.
@Suite struct HIDKeyboardTests {
    /// Key-down then key-up reports for `keys` (usage, shifted), then Enter.
    func reports(_ keys: [(UInt8, Bool)]) -> [[UInt8]] {
        (keys + [(0x28, false)]).flatMap { key, shifted in
            [[shifted ? 0x02 : 0, 0, key, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]
        }
    }

    @Test func digitsLettersAndShiftedPunctuation() {
        var decoder = HIDKeyboardDecoder()
        // "Rx-2/7!" : R (shift r), x, -, 2, /, 7, ! (shift 1)
        let keys: [(UInt8, Bool)] = [
            (0x15, true), (0x1B, false), (0x2D, false), (0x1F, false), (0x38, false),
            (0x24, false), (0x1E, true),
        ]
        let decoded = reports(keys).compactMap { decoder.feed($0) }
        #expect(decoded == ["Rx-2/7!"])
    }

    @Test func aBarcodeEndsAtEnterAndTheNextStartsEmpty() {
        var decoder = HIDKeyboardDecoder()
        let first = reports([(0x27, false), (0x1F, false)])  // "02"
        let second = reports([(0x1E, false)])  // "1"
        #expect((first + second).compactMap { decoder.feed($0) } == ["02", "1"])
        #expect(decoder.feed([0, 0]) == nil, "a short report is ignored")
    }
}
