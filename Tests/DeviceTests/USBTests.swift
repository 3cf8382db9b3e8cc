import Foundation
import POSCore
import Testing

/// The emulated USB devices of `pos_usb_emu` (harness README): this test process runs as the emulator's child, and
/// so does every `vetpos` it starts, whose libusb then sees the scanner and the drawer.
struct Emulator: Sendable {
    let control: String
    let state: String
    let testbed: String

    init?() {
        let environment = ProcessInfo.processInfo.environment
        guard let control = environment["POS_EMU_CTL"], let state = environment["POS_EMU_STATE"],
            let testbed = environment["UMOCKDEV_DIR"]
        else { return nil }
        self.control = control
        self.state = state
        self.testbed = testbed
    }

    static var present: Bool { Emulator() != nil }

    func value(_ key: String) -> Int? {
        let line = (try? String(contentsOfFile: state, encoding: .utf8)) ?? ""
        for pair in line.split(whereSeparator: \.isWhitespace) where pair.hasPrefix(key + "=") {
            return Int(pair.dropFirst(key.count + 1))
        }
        return nil
    }

    /// Sends one command and waits until the emulator has processed it.
    func send(_ command: String) async throws {
        let before = value("cmds") ?? 0
        // The emulator holds the FIFO open, so this never blocks.
        guard let handle = FileHandle(forWritingAtPath: control) else { throw HarnessFailure("cannot open \(control)") }
        handle.write(Data((command + "\n").utf8))
        try handle.close()
        for _ in 0..<500 where (value("cmds") ?? 0) <= before { try await Task.sleep(for: .milliseconds(10)) }
        guard (value("cmds") ?? 0) > before else { throw HarnessFailure("the emulator did not take '\(command)'") }
    }

    func waitFor(_ key: String, _ expected: Int) async throws -> Bool {
        for _ in 0..<300 {
            if value(key) == expected { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Unplugs (or plugs back) the scanner: its sysfs entry and device node leave (or rejoin) the testbed, which is
    /// what a fresh enumeration finds after a real unplug. The emulator has no unplug command of its own.
    func setScannerPlugged(_ plugged: Bool) throws {
        let devices = testbed + "/sys/bus/usb/devices"
        let away = testbed + "/unplugged"
        try FileManager.default.createDirectory(atPath: away, withIntermediateDirectories: true)
        let pairs = [(devices, "scanner-sysfs"), (testbed + "/dev/bus/usb/001", "scanner-node")]
        if plugged {
            try FileManager.default.moveItem(atPath: away + "/scanner-sysfs", toPath: devices + "/" + (try link(away)))
            try FileManager.default.moveItem(atPath: away + "/scanner-node", toPath: pairs[1].0 + "/002")
        } else {
            let entry = try FileManager.default.contentsOfDirectory(atPath: devices).first {
                (try? String(contentsOfFile: "\(devices)/\($0)/idProduct", encoding: .utf8))?.hasPrefix("1200") == true
            }
            guard let entry else { throw HarnessFailure("the scanner is not in the testbed") }
            try Data(entry.utf8).write(to: URL(fileURLWithPath: away + "/scanner-name"))
            try FileManager.default.moveItem(atPath: devices + "/" + entry, toPath: away + "/scanner-sysfs")
            try FileManager.default.moveItem(atPath: pairs[1].0 + "/002", toPath: away + "/scanner-node")
        }
    }

    private func link(_ away: String) throws -> String {
        try String(contentsOfFile: away + "/scanner-name", encoding: .utf8)
    }
}

@Suite(
    .serialized,
    .enabled(if: Emulator.present || Harness.required, "needs pos_usb_emu (./dev test runs the device tests under it)")
)
struct USBTests {
    func desk(_ label: String) async throws -> (Desk, Emulator) {
        let emulator = try #require(Emulator(), "not running under pos_usb_emu")
        let desk = try await Desk.make(label)
        try await desk.ok(
            ["settings", "devices", "--printer", "none", "--drawer", "usb", "--scanner"],
            as: Desk.manager
        )
        return (desk, emulator)
    }

    @Test func scannedBarcodesLandOnTheOpenInvoiceAndAnUnplugIsSurvived() async throws {
        let (desk, emulator) = try await desk("scan")
        defer { desk.remove() }
        let opened = try await desk.ok(
            ["invoice", "open", "--client", "OWNER", "--line", "REX:EXAM:CSR"],
            as: Desk.csr
        )
        let invoice = try JSONDecoder().decode(InvoiceView.self, from: Data(opened.stdout.utf8))

        let scan = try LiveRun(desk, ["scan", "--count", "3", "--seconds", "60"], as: Desk.csr)
        _ = try await scan.line(containing: "Scanning at terminal FRONT-1")
        try await emulator.send("scan 052742462103")
        let added = try await scan.line(containing: "added FOOD")
        #expect(added == "added FOOD Prescription diet k/d 8.5 lb to invoice \(invoice.number) (subtotal $133.99)")
        try await emulator.send("scan 4006381333931")
        #expect(
            try await scan.line(containing: "unknown barcode")
                == "unknown barcode 4006381333931: not in the catalog, nothing added"
        )

        try emulator.setScannerPlugged(false)
        _ = try await scan.line(containing: "scanner disconnected")
        try emulator.setScannerPlugged(true)
        _ = try await scan.line(containing: "scanner reconnected")
        let seen = scan.output.count
        try await emulator.send("scan 052742462103")
        #expect(
            try await scan.line(containing: "added FOOD", after: seen)
                == "added FOOD Prescription diet k/d 8.5 lb to invoice \(invoice.number) (subtotal $205.98)"
        )
        #expect(try await scan.waitForExit() == 0, "\(scan.output)")
        #expect(scan.output.filter { $0.hasPrefix("scanner ") } == ["scanner disconnected", "scanner reconnected"])

        let shown = try await desk.ok(["invoice", "show", String(invoice.number)])
        let lines = try JSONDecoder().decode(InvoiceView.self, from: Data(shown.stdout.utf8)).lines
        #expect(lines.map(\.item) == ["EXAM", "FOOD", "FOOD"])
        #expect(lines.map(\.patient) == ["REX", "REX", "REX"])
    }

    @Test func cashOpensTheUSBDrawerAndCardsDoNot() async throws {
        let (desk, emulator) = try await desk("drawer")
        defer { desk.remove() }
        let kicks = emulator.value("kicks") ?? 0

        let card = try await desk.checkout([("REX", "EXAM")], tender: "credit", amount: "62.00")
        #expect(card.stderr.isEmpty)
        #expect(emulator.value("kicks") == kicks, "a card sale leaves the drawer shut")

        let cash = try await desk.checkout([("REX", "EXAM")], tender: "cash", amount: "70.00")
        #expect(try await emulator.waitFor("kicks", kicks + 1))
        #expect(emulator.value("open") == 1)
        #expect(cash.stderr == "vetpos: drawer FRONT-1 is open\n", "the drawer's own status, read back over USB")
        try await emulator.send("close-drawer")

        let noSale = ["drawer", "no-sale", "--reason", "change for the parking meter", "--id", "no-sale-0001"]
        #expect(
            try await desk.ok(noSale, as: Desk.csr).stdout.hasPrefix("No-sale recorded: change for the parking meter")
        )
        #expect(try await emulator.waitFor("kicks", kicks + 2))
        try await emulator.send("close-drawer")
        // Sent again (a retry after a lost answer): the same answer, and the drawer stays shut.
        #expect(
            try await desk.ok(noSale, as: Desk.csr).stdout.hasPrefix("No-sale recorded: change for the parking meter")
        )
        #expect(emulator.value("kicks") == kicks + 2)

        // Someone without the permission gets a refusal, and the drawer stays shut.
        try await desk.ok(
            ["employees", "add", "--id", "BOOK", "--name", "Billie Books", "--role", "bookkeeper"],
            as: Desk.manager,
            environment: ["VETPOS_NEW_PIN": "5678"]
        )
        let refused = try await desk.run(["drawer", "no-sale", "--reason", "curious"], as: ("BOOK", "5678"))
        #expect(refused.status == 3)
        #expect(refused.stderr.hasPrefix("vetpos: error: "))
        #expect(emulator.value("kicks") == kicks + 2)
    }
}
