import Foundation
import POSTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One client address cannot hold the appliance's connections: beyond the cap each new connection is closed at once,
/// and everyone else (and that client, once it lets go) is still served.
@Suite(.serialized) struct ConnectionLimitTests {
    /// A TCP connection to 127.0.0.1:`port`, or -1.
    static func connect(port: Int) -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if connected != 0 {
            close(socket)
            return -1
        }
        return socket
    }

    /// Whether the server closed `socket` within `seconds` (a read returns end of file or an error).
    static func closedByServer(_ socket: Int32, within seconds: Int32) -> Bool {
        var poll = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, seconds * 1000) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, 0) <= 0
    }

    @Test(.timeLimit(.minutes(2))) func oneAddressCannotHoldEveryConnection() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vetpos-connections-\(UUID().uuidString).sqlite"
        )
        .path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await ServeProcessTests.seed(path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ServeProcessTests.binary())
        process.arguments = ["serve", "--db", path, "--host", "127.0.0.1", "--port", "0", "--insecure-http"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try ProcessSpawning.run(process)
        defer { if process.isRunning { process.interrupt() } }
        let printed = ServeProcessTests.startupLines(output)
        let address = try #require(ServeProcessTests.address(in: printed), "\(printed)")
        let base = try #require(URL(string: address))
        let port = try #require(base.port)

        // 130 idle connections that never send a request: 100 are held, the rest closed at once.
        var sockets: [Int32] = []
        defer { for socket in sockets { close(socket) } }
        for _ in 0..<130 {
            let socket = Self.connect(port: port)
            #expect(socket >= 0)
            sockets.append(socket)
        }
        // Which ones are closed depends on the order the server's event loops take them; how many does not.
        try await Task.sleep(for: .seconds(3))
        let closed = sockets.filter { Self.closedByServer($0, within: 0) }.count
        #expect(closed == 30, "connections closed by the server: \(closed) of 130 (the cap is 100)")

        // Once the client lets go, it is served again.
        for socket in sockets { close(socket) }
        sockets = []
        try await Task.sleep(for: .milliseconds(300))
        let document = try await ServeProcessTests.request("GET", base.appendingPathComponent("api/openapi.json"))
        #expect(document.status == 200)
    }
}
