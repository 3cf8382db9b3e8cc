import POSCore

/// The USB HID barcode scanner, read through libusb. It survives being unplugged: a failed transfer, or the device
/// missing from a fresh enumeration while idle (where no hotplug events arrive), reports `.disconnected`; it is then
/// reopened as soon as it is back, reporting `.reconnected`.
public actor USBBarcodeScanner: BarcodeScanner {
    private let usb: USBContext
    private let vendor: UInt16
    private let product: UInt16
    private var handle: Int?
    private var decoder = HIDKeyboardDecoder()
    /// nil until the first attempt; false once the scanner was reported gone.
    private var connected: Bool?
    private var idleSince = ContinuousClock.now

    public init(usb: USBContext, vendor: UInt16 = KnownUSB.scanner.vendor, product: UInt16 = KnownUSB.scanner.product) {
        self.usb = usb
        self.vendor = vendor
        self.product = product
    }

    public func next(timeoutMilliseconds milliseconds: Int) async throws(DeviceFailure) -> ScannerEvent? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(milliseconds))
        while clock.now < deadline {
            guard let handle else {
                do throws(DeviceFailure) {
                    handle = try await usb.open(vendor: vendor, product: product)
                    decoder = HIDKeyboardDecoder()
                    idleSince = clock.now
                    let wasGone = connected == false
                    connected = true
                    if wasGone { return .reconnected }
                } catch  where error.kind == .unreachable {
                    if connected != false {
                        connected = false
                        return .disconnected
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                continue
            }
            // Short reads: waiting on an emulated interrupt endpoint spins, and the deadline must be kept.
            let slice = max(1, min(200, Int((deadline - clock.now) / .milliseconds(1))))
            let report: [UInt8]?
            do throws(DeviceFailure) {
                report = try await usb.interruptIn(
                    handle,
                    endpoint: 0x81,
                    length: 8,
                    timeoutMilliseconds: UInt32(slice)
                )
            } catch {
                return await lost()
            }
            guard let report else {
                if clock.now - idleSince > .seconds(1) {
                    idleSince = clock.now
                    if try await !usb.isPresent(vendor: vendor, product: product) { return await lost() }
                }
                continue
            }
            idleSince = clock.now
            if let barcode = decoder.feed(report), !barcode.isEmpty { return .scanned(barcode) }
        }
        return nil
    }

    private func lost() async -> ScannerEvent {
        if let handle { await usb.close(handle) }
        handle = nil
        connected = false
        return .disconnected
    }
}

/// A cash drawer behind a USB interface (the harness's protocol: KICK is control OUT 0x40/0x01 with the pulse
/// length in wValue; GET_STATUS is control IN 0xC0/0x02 returning 1 open, 0 closed).
public struct USBCashDrawer: CashDrawer {
    public let usb: USBContext
    public let pulseMilliseconds: UInt16

    public init(usb: USBContext, pulseMilliseconds: UInt16 = 100) {
        self.usb = usb
        self.pulseMilliseconds = pulseMilliseconds
    }

    public func kick() async throws(DeviceFailure) {
        let handle = try await usb.open(vendor: KnownUSB.drawer.vendor, product: KnownUSB.drawer.product)
        do throws(DeviceFailure) {
            try await usb.controlOut(handle, requestType: 0x40, request: 0x01, value: pulseMilliseconds, index: 0)
        } catch {
            await usb.close(handle)
            throw error
        }
        await usb.close(handle)
    }

    public func state() async throws(DeviceFailure) -> DrawerPosition? {
        let handle = try await usb.open(vendor: KnownUSB.drawer.vendor, product: KnownUSB.drawer.product)
        let status: [UInt8]
        do throws(DeviceFailure) {
            status = try await usb.controlIn(handle, requestType: 0xC0, request: 0x02, value: 0, index: 0, length: 1)
        } catch {
            await usb.close(handle)
            throw error
        }
        await usb.close(handle)
        guard let byte = status.first else { throw DeviceFailure(.failed, "the drawer sent no status") }
        return byte == 0 ? .closed : .open
    }
}
