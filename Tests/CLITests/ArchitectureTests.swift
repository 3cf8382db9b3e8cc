import Foundation
import Testing

/// Rules of the code's shape that a reviewer would otherwise check by hand: every mutating operation is written once
/// (in the application layer, `Sources/POSServices`) and the CLI's commands and the server's routes only call it; no
/// force unwrap may reach input unless a comment says why it cannot fail.
@Suite("The shape of the code")
struct ArchitectureTests {
    static let sources = ImportInput.packageRoot.appendingPathComponent("Sources")

    /// The Swift files under `folder` of Sources, with their paths relative to Sources.
    static func swiftFiles(under folder: String) throws -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [(String, String)] = []
        for case let name as String in walker where name.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
            files.append(("\(folder)/\(name)", text))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    /// The Store's mutating functions: those that take a command id, or a request and the clerk. With the label of
    /// their first argument when it has one (`openInvoice(client:` mutates, `openInvoice(atTerminal:` reads).
    static func mutatingStoreFunctions() throws -> [(name: String, label: String?)] {
        var found: [(String, String?)] = []
        let declaration = /public func (\w+)\s*\(([^{]*?)\)\s*(?:async)?\s*(?:throws)?\s*(?:->[^{]*)?\{/
            .dotMatchesNewlines()
        for file in try swiftFiles(under: "POSStorage") {
            for match in file.text.matches(of: declaration) {
                let parameters = String(match.2)
                guard parameters.contains("commandID:") || parameters.contains(/_ request: \w+Request,\s*by clerk/)
                else { continue }
                let first = parameters.split(separator: ":").first?.split(separator: " ").first.map(String.init)
                found.append((String(match.1), first == "_" ? nil : first))
            }
        }
        return found
    }

    @Test("the CLI's commands and the server's routes change data only through the application layer")
    func adaptersCallTheApplicationLayer() throws {
        let mutating = try Self.mutatingStoreFunctions()
        #expect(mutating.count >= 20, "the Store's mutating functions were not found: \(mutating)")
        #expect(mutating.contains { $0.name == "checkout" } && mutating.contains { $0.name == "closeDrawer" })
        let adapters = try Self.swiftFiles(under: "POSApp/Commands") + Self.swiftFiles(under: "POSServer")
        var offenders: [String] = []
        for file in adapters {
            for (number, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for function in mutating {
                    let call = "store.\(function.name)(" + (function.label.map { "\($0):" } ?? "")
                    if line.contains(call) { offenders.append("\(file.path):\(number + 1): \(call)…") }
                }
            }
        }
        #expect(
            offenders.isEmpty,
            "call the operation in Sources/POSServices/Operations instead:\n\(offenders.joined(separator: "\n"))"
        )
    }

    @Test("every operation of the application layer is used by a front end")
    func everyOperationIsUsed() throws {
        let operations = try Self.swiftFiles(under: "POSServices/Operations")
        let names = operations.flatMap { file in
            file.text.matches(of: /\n    public func (\w+)/).map { String($0.1) }
        }
        #expect(names.count >= 25, "\(names)")
        let frontEnds = try (Self.swiftFiles(under: "POSApp") + Self.swiftFiles(under: "POSServer")).map(\.text)
            .joined()
        let unused = names.filter { !frontEnds.contains(".\($0)(") }
        #expect(unused.isEmpty, "operations no front end calls: \(unused)")
    }

    @Test("no force unwrap, try! or as! in Sources without a comment saying why it cannot fail")
    func forceUnwrapsAreExplained() throws {
        var unexplained: [String] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).sorted()
        where folder != "POSTestSupport" {
            for file in try Self.swiftFiles(under: folder) {
                let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
                for line in ForceUnwraps.lines(in: file.text) {
                    let here = lines[line - 1]
                    let above = line >= 2 ? lines[line - 2].trimmingCharacters(in: .whitespaces) : ""
                    if here.contains("// safe:") || above.hasPrefix("// safe:") { continue }
                    unexplained.append("\(file.path):\(line): \(here.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(
            unexplained.isEmpty,
            "remove these or say why they cannot fail (`// safe: …`):\n\(unexplained.joined(separator: "\n"))"
        )
    }

    @Test("the force unwrap finder sees through strings, comments and interpolations")
    func theFinderReadsSwift() {
        let text = ##"""
            let a = b!
            let c = d != e && !f
            // g!
            /* h! */
            let i = "j! \(k!) l"
            let m = #"n! \#(o!)"#
            let p = try! q()
            let r = s as! T
            let w = x.first { $0 }!
            let u = """
                v!
                """
            """##
        #expect(ForceUnwraps.lines(in: text) == [1, 5, 6, 7, 8, 9])
    }
}

/// Finds postfix `!` (force unwrap, `try!`, `as!`) in Swift source, outside comments and string literals but inside
/// their interpolations.
enum ForceUnwraps {
    private enum Frame {
        case code(parentheses: Int)
        case string(multiline: Bool, hashes: Int)
    }

    static func lines(in text: String) -> [Int] {
        let bytes = Array(text.utf8)
        var found: [Int] = []
        var stack: [Frame] = [.code(parentheses: 0)]
        var line = 1
        var index = 0
        func at(_ offset: Int) -> UInt8 { index + offset < bytes.count ? bytes[index + offset] : 0 }
        func hashes(from start: Int) -> Int {
            var count = 0
            while start + count < bytes.count, bytes[start + count] == UInt8(ascii: "#") { count += 1 }
            return count
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { line += 1 }
            switch stack.last {
            case .string(let multiline, let count):
                if byte == UInt8(ascii: "\\"), hashes(from: index + 1) == count {
                    if at(count + 1) == UInt8(ascii: "(") {
                        stack.append(.code(parentheses: 0))
                        index += count + 2
                        continue
                    }
                    if count == 0 {
                        if at(1) == UInt8(ascii: "\n") { line += 1 }
                        index += 2
                        continue
                    }
                }
                if byte == UInt8(ascii: "\"") {
                    let quotes = multiline ? 3 : 1
                    let closes =
                        (0..<quotes).allSatisfy { at($0) == UInt8(ascii: "\"") }
                        && hashes(from: index + quotes) >= count
                    if closes {
                        stack.removeLast()
                        index += quotes + count
                        continue
                    }
                }
                index += 1
            case .none:
                return found
            case .code(let parentheses):
                if byte == UInt8(ascii: "/"), at(1) == UInt8(ascii: "/") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                    continue
                }
                if byte == UInt8(ascii: "/"), at(1) == UInt8(ascii: "*") {
                    index += 2
                    while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && at(1) == UInt8(ascii: "/")) {
                        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                        index += 1
                    }
                    index += 2
                    continue
                }
                let count = byte == UInt8(ascii: "#") ? hashes(from: index) : 0
                if bytes.indices.contains(index + count), bytes[index + count] == UInt8(ascii: "\"") {
                    let start = index + count
                    let multiline =
                        start + 2 < bytes.count && bytes[start + 1] == UInt8(ascii: "\"")
                        && bytes[start + 2] == UInt8(ascii: "\"")
                    stack.append(.string(multiline: multiline, hashes: count))
                    index = start + (multiline ? 3 : 1)
                    continue
                }
                if byte == UInt8(ascii: "("), stack.count > 1 {
                    stack[stack.count - 1] = .code(parentheses: parentheses + 1)
                } else if byte == UInt8(ascii: ")"), stack.count > 1 {
                    if parentheses == 0 {
                        stack.removeLast()
                    } else {
                        stack[stack.count - 1] = .code(parentheses: parentheses - 1)
                    }
                } else if byte == UInt8(ascii: "!"), index > 0, at(1) != UInt8(ascii: "=") {
                    let before = bytes[index - 1]
                    let postfix =
                        (before >= UInt8(ascii: "a") && before <= UInt8(ascii: "z"))
                        || (before >= UInt8(ascii: "A") && before <= UInt8(ascii: "Z"))
                        || (before >= UInt8(ascii: "0") && before <= UInt8(ascii: "9"))
                        || before == UInt8(ascii: "_") || before == UInt8(ascii: ")") || before == UInt8(ascii: "]")
                        || before == UInt8(ascii: "}")
                    if postfix, found.last != line { found.append(line) }
                }
                index += 1
            }
        }
        return found
    }
}
