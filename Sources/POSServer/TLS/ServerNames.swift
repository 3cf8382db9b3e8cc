import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names a terminal may use for this machine, as the server certificate's SubjectAlternativeNames: DNS names
/// (the host name, `HOST.local`, `localhost`) and IP addresses (127.0.0.1, ::1, every non-loopback IPv4 address).
public struct ServerNames: Sendable, Equatable, CustomStringConvertible {
    /// Lowercased, in order of first appearance.
    public private(set) var dnsNames: [String] = []
    /// Textual addresses (`inet_ntop`), in order of first appearance.
    public private(set) var ipAddresses: [String] = []

    public init(dnsNames: [String] = [], ipAddresses: [String] = []) {
        for name in dnsNames { add(name) }
        for address in ipAddresses { add(address) }
    }

    /// The names of the certificate extension (IP addresses as their 4 or 16 bytes).
    init(_ names: SubjectAlternativeNames?) {
        for name in names ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let dns): add(dns)
            case .ipAddress(let octets):
                if let text = Self.text(Array(octets.bytes)) { add(text) }
            default: break
            }
        }
    }

    /// This machine: its host name (and `NAME.local` for a single-label name), `localhost`, 127.0.0.1, ::1, the
    /// non-loopback IPv4 addresses of its interfaces, and `host` (the address listened on) unless a wildcard.
    public static func thisMachine(listeningOn host: String? = nil) -> ServerNames {
        var names = ServerNames()
        let hostName = ClinicTLS.hostName().lowercased()
        if !hostName.isEmpty, hostName != "localhost" {
            names.add(hostName)
            if !hostName.contains(".") { names.add(hostName + ".local") }
        }
        names.add("localhost")
        names.add("127.0.0.1")
        names.add("::1")
        for address in interfaceIPv4Addresses() { names.add(address) }
        if let host, !["0.0.0.0", "::", "", "*"].contains(host) { names.add(host) }
        return names
    }

    /// Adds a DNS name or an IP address (by its form), once.
    public mutating func add(_ name: String) {
        if let bytes = Self.bytes(name) {
            guard let text = Self.text(bytes), !ipAddresses.contains(text) else { return }
            ipAddresses.append(text)
        } else {
            let lowered = name.lowercased()
            guard !lowered.isEmpty, !dnsNames.contains(lowered) else { return }
            dnsNames.append(lowered)
        }
    }

    public mutating func merge(_ other: ServerNames) {
        for name in other.dnsNames { add(name) }
        for address in other.ipAddresses { add(address) }
    }

    /// The names of `self` that `names` (a certificate's) lacks.
    func missing(from names: SubjectAlternativeNames?) -> [String] {
        let present = ServerNames(names)
        return dnsNames.filter { !present.dnsNames.contains($0) }
            + ipAddresses.filter { !present.ipAddresses.contains($0) }
    }

    var generalNames: [GeneralName] {
        dnsNames.map { GeneralName.dnsName($0) }
            + ipAddresses.compactMap { address in
                Self.bytes(address).map { GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice($0))) }
            }
    }

    public var description: String { (dnsNames + ipAddresses).joined(separator: ", ") }

    // MARK: Addresses

    /// The 4 or 16 bytes of a textual IPv4 or IPv6 address; nil for anything else.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The canonical text of a 4- or 16-byte address.
    static func text(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 addresses of the interfaces that are up and not loopback (`getifaddrs`).
    public static func interfaceIPv4Addresses() -> [String] {
        var first: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&first) == 0 else { return [] }
        defer { freeifaddrs(first) }
        var addresses: [String] = []
        var cursor = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            let flags = Int32(bitPattern: UInt32(entry.pointee.ifa_flags))
            guard let address = entry.pointee.ifa_addr, Int32(address.pointee.sa_family) == AF_INET,
                flags & Int32(IFF_UP) != 0, flags & Int32(IFF_LOOPBACK) == 0
            else { continue }
            let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { inet in
                withUnsafeBytes(of: inet.pointee.sin_addr) { Array($0) }
            }
            if let text = text(bytes), !addresses.contains(text) { addresses.append(text) }
        }
        return addresses
    }
}
