internal import CLibUSB
import POSCore

/// A USB device as enumerated, and what VetPOS recognises it as.
public struct USBDeviceInfo: Hashable, Sendable {
    public enum Role: String, Hashable, Sendable { case scanner, drawer, printer, other }

    public var bus: Int
    public var address: Int
    public var vendor: UInt16
    public var product: UInt16
    public var interfaceClass: [UInt8]
    public var name: String
    public var role: Role

    public var id: String {
        "\(String(vendor, radix: 16).leftPadded(4)):\(String(product, radix: 16).leftPadded(4))"
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The USB ids VetPOS drives.
public enum KnownUSB {
    /// HID boot-keyboard barcode scanner.
    public static let scanner: (vendor: UInt16, product: UInt16) = (0x05E0, 0x1200)
    /// The USB cash drawer interface (the harness's drawer protocol: KICK 0x40/0x01, GET_STATUS 0xC0/0x02).
    public static let drawer: (vendor: UInt16, product: UInt16) = (0x1209, 0x0001)
}

/// Owns every libusb call of the process: one context, and the open device handles by number. Calls run on the
/// actor's own serial queue, so a transfer waiting for the device never blocks the cooperative pool.
public actor USBContext {
    private let executor = QueueExecutor(label: "vetpos.usb")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var context: OpaquePointer?
    private var handles: [Int: OpaquePointer] = [:]
    private var nextHandle = 1

    /// The process's one owner of libusb.
    public static let shared = USBContext()

    public init() {}

    isolated deinit {
        for handle in handles.values {
            libusb_release_interface(handle, 0)
            libusb_close(handle)
        }
        if let context { libusb_exit(context) }
    }

    private func live() throws(DeviceFailure) -> OpaquePointer {
        if let context { return context }
        var created: OpaquePointer?
        let rc = libusb_init(&created)
        guard rc == 0, let created else { throw Self.failure(rc, "cannot start libusb") }
        _ = vetpos_libusb_quiet(created)
        context = created
        return created
    }

    /// The devices on the bus now. A fresh context each time: the long-lived one caches its list where no hotplug
    /// events arrive (no udev, or the emulator), and this is how an unplugged device is noticed there.
    public func devices() throws(DeviceFailure) -> [USBDeviceInfo] {
        var scan: OpaquePointer?
        let rc = libusb_init(&scan)
        guard rc == 0, let scan else { throw Self.failure(rc, "cannot start libusb") }
        _ = vetpos_libusb_quiet(scan)
        defer { libusb_exit(scan) }
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(scan, &list)
        guard count >= 0, let list else { throw Self.failure(Int32(count), "cannot list USB devices") }
        defer { libusb_free_device_list(list, 1) }
        return (0..<count).compactMap { list[$0] }.map(Self.describe)
    }

    private static func describe(_ device: OpaquePointer) -> USBDeviceInfo {
        var descriptor = libusb_device_descriptor()
        _ = libusb_get_device_descriptor(device, &descriptor)
        var interfaceClass: [UInt8] = []
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        if libusb_get_active_config_descriptor(device, &config) == 0
            || libusb_get_config_descriptor(device, 0, &config)
                == 0,
            let config, config.pointee.bNumInterfaces > 0,
            let interface = config.pointee.interface, interface.pointee.num_altsetting > 0,
            let setting = interface.pointee.altsetting
        {
            interfaceClass = [
                setting.pointee.bInterfaceClass, setting.pointee.bInterfaceSubClass, setting.pointee.bInterfaceProtocol,
            ]
        }
        if let config { libusb_free_config_descriptor(config) }
        let vendor = descriptor.idVendor
        let product = descriptor.idProduct
        let role: USBDeviceInfo.Role =
            if vendor == KnownUSB.drawer.vendor && product == KnownUSB.drawer.product {
                .drawer
            } else if interfaceClass == [3, 1, 1] {
                .scanner
            } else if interfaceClass.first == 7 {
                .printer
            } else {
                .other
            }
        let name =
            switch role {
            case .scanner: "HID barcode scanner (boot keyboard)"
            case .drawer: "USB cash drawer"
            case .printer: "USB printer (drive it through its CUPS queue)"
            case .other: "not used by VetPOS"
            }
        return USBDeviceInfo(
            bus: Int(libusb_get_bus_number(device)),
            address: Int(libusb_get_device_address(device)),
            vendor: vendor,
            product: product,
            interfaceClass: interfaceClass,
            name: name,
            role: role
        )
    }

    public func isPresent(vendor: UInt16, product: UInt16) throws(DeviceFailure) -> Bool {
        try devices().contains { $0.vendor == vendor && $0.product == product }
    }

    /// Opens the device and claims interface 0, detaching a kernel driver (usbhid, for a scanner) first.
    public func open(vendor: UInt16, product: UInt16) throws(DeviceFailure) -> Int {
        var found = libusb_open_device_with_vid_pid(try live(), vendor, product)
        if found == nil, handles.isEmpty, let stale = context {
            // Where no hotplug events arrive, the context's device list is the one it started with: a device plugged
            // back in is found by a new context.
            libusb_exit(stale)
            context = nil
            found = libusb_open_device_with_vid_pid(try live(), vendor, product)
        }
        guard let handle = found else {
            throw DeviceFailure(
                .unreachable,
                "USB device \(USBDeviceInfo.hex(vendor)):\(USBDeviceInfo.hex(product)) is not connected"
            )
        }
        if libusb_kernel_driver_active(handle, 0) == 1 {
            let rc = libusb_detach_kernel_driver(handle, 0)
            guard rc == 0 else {
                libusb_close(handle)
                throw Self.failure(rc, "cannot detach the kernel driver")
            }
        }
        let rc = libusb_claim_interface(handle, 0)
        guard rc == 0 else {
            libusb_close(handle)
            throw Self.failure(rc, "cannot claim the USB interface")
        }
        let number = nextHandle
        nextHandle += 1
        handles[number] = handle
        return number
    }

    public func close(_ number: Int) {
        guard let handle = handles.removeValue(forKey: number) else { return }
        libusb_release_interface(handle, 0)
        libusb_close(handle)
    }

    /// An interrupt IN transfer; nil when nothing arrived within the timeout.
    public func interruptIn(
        _ number: Int,
        endpoint: UInt8,
        length: Int,
        timeoutMilliseconds: UInt32
    )
        throws(DeviceFailure) -> [UInt8]?
    {
        let handle = try handle(number)
        var buffer = [UInt8](repeating: 0, count: length)
        var got: Int32 = 0
        let rc = libusb_interrupt_transfer(handle, endpoint, &buffer, Int32(length), &got, timeoutMilliseconds)
        if rc == LIBUSB_ERROR_TIMEOUT.rawValue { return nil }
        guard rc == 0 else { throw Self.failure(rc, "USB read failed") }
        return Array(buffer.prefix(Int(got)))
    }

    public func controlOut(
        _ number: Int,
        requestType: UInt8,
        request: UInt8,
        value: UInt16,
        index: UInt16
    )
        throws(DeviceFailure)
    {
        let handle = try handle(number)
        let rc = libusb_control_transfer(handle, requestType, request, value, index, nil, 0, 1000)
        guard rc >= 0 else { throw Self.failure(rc, "USB request failed") }
    }

    public func controlIn(
        _ number: Int,
        requestType: UInt8,
        request: UInt8,
        value: UInt16,
        index: UInt16,
        length: Int
    ) throws(DeviceFailure) -> [UInt8] {
        let handle = try handle(number)
        var buffer = [UInt8](repeating: 0, count: length)
        let rc = libusb_control_transfer(handle, requestType, request, value, index, &buffer, UInt16(length), 1000)
        guard rc >= 0 else { throw Self.failure(rc, "USB request failed") }
        return Array(buffer.prefix(Int(rc)))
    }

    private func handle(_ number: Int) throws(DeviceFailure) -> OpaquePointer {
        guard let handle = handles[number] else { throw DeviceFailure(.unreachable, "the USB device is closed") }
        return handle
    }

    private static func failure(_ code: Int32, _ what: String) -> DeviceFailure {
        let name = String(cString: libusb_error_name(code))
        let kind: DeviceFailure.Kind =
            code == LIBUSB_ERROR_NO_DEVICE.rawValue || code == LIBUSB_ERROR_NOT_FOUND.rawValue
                || code == LIBUSB_ERROR_IO.rawValue ? .unreachable : .failed
        return DeviceFailure(kind, "\(what): \(name)")
    }
}

extension USBDeviceInfo {
    static func hex(_ value: UInt16) -> String { String(value, radix: 16).leftPadded(4) }
}
