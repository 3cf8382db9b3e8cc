import Foundation
import POSCore
import POSDevices

/// What the appliance sees of the front desk's devices: the print server's queues, the recognised USB devices and
/// each terminal's configured devices. Read-only; a print server or USB bus that cannot be reached is reported as
/// such, with what is known otherwise (`vetpos devices` and `GET /api/devices`).
public struct DeviceInventory: Hashable, Sendable, Encodable {
    public struct PrintServer: Hashable, Sendable, Encodable {
        /// Where requests go: `host:port` or a socket path.
        public var server: String
        public var reachable: Bool
        /// Why the queues could not be listed.
        public var problem: String?
        public var queues: [Queue]
    }

    public struct Queue: Hashable, Sendable, Encodable {
        public var name: String
        public var state: PrinterQueueStatus.State
        public var accepting: Bool
        public var message: String
        public var deviceURI: String
        /// Why a job sent now would wait, in words for the desk; nil when the queue is ready.
        public var blockedReason: String?
    }

    public struct USBBus: Hashable, Sendable, Encodable {
        public var reachable: Bool
        public var problem: String?
        public var devices: [USBDevice]
    }

    public struct USBDevice: Hashable, Sendable, Encodable {
        /// `vendor:product` in hex.
        public var id: String
        public var bus: Int
        public var address: Int
        /// scanner, drawer or printer.
        public var role: String
        public var name: String
    }

    public var cups: PrintServer
    public var usb: USBBus
    /// Each terminal's configured devices, by terminal id.
    public var terminals: [String: TerminalDevices]

    /// Asks the print server and the USB bus; never throws.
    public static func gather(
        policy: ClinicPolicy,
        cups: CUPSClient = .shared,
        usb: USBContext = .shared
    ) async -> DeviceInventory {
        await gather(terminals: policy.terminals, cups: cups, usb: usb)
    }

    /// Asks the print server and the USB bus, with the terminals' configured devices; never throws.
    public static func gather(
        terminals: [String: TerminalDevices],
        cups: CUPSClient = .shared,
        usb: USBContext = .shared
    ) async -> DeviceInventory {
        var printServer = PrintServer(server: await cups.server, reachable: true, problem: nil, queues: [])
        do throws(DeviceFailure) {
            printServer.queues = try await cups.queues().map {
                Queue(
                    name: $0.name,
                    state: $0.state,
                    accepting: $0.accepting,
                    message: $0.message,
                    deviceURI: $0.deviceURI,
                    blockedReason: $0.blockedReason
                )
            }
        } catch {
            printServer.reachable = false
            printServer.problem = error.message
        }
        var bus = USBBus(reachable: true, problem: nil, devices: [])
        do throws(DeviceFailure) {
            bus.devices = try await usb.devices().filter { $0.role != .other }.map {
                USBDevice(id: $0.id, bus: $0.bus, address: $0.address, role: $0.role.rawValue, name: $0.name)
            }
        } catch {
            bus.reachable = false
            bus.problem = error.message
        }
        return DeviceInventory(cups: printServer, usb: bus, terminals: terminals)
    }

    /// The inventory as `vetpos devices` prints it.
    public var text: String {
        var lines: [String] = []
        if let problem = cups.problem {
            lines.append("CUPS: \(problem)")
        } else {
            lines.append("CUPS queues on \(cups.server): \(cups.queues.count)")
            for queue in cups.queues {
                let state = queue.blockedReason ?? "\(queue.state.rawValue), accepting jobs"
                lines.append("  \(queue.name)\t\(state)\t\(queue.deviceURI)")
            }
        }
        if let problem = usb.problem {
            lines.append("USB: \(problem)")
        } else {
            lines.append("USB devices: \(usb.devices.count)")
            for device in usb.devices {
                lines.append(
                    "  \(device.id)\tbus \(device.bus) device \(device.address)\t\(device.role): \(device.name)"
                )
            }
        }
        for (terminal, devices) in terminals.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "Terminal \(terminal): printer \(devices.printerQueue ?? "none"), drawer \(devices.drawer.rawValue), "
                    + "scanner \(devices.scanner ? "on" : "off")"
            )
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
