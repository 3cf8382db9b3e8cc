import Foundation
import POSCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A journal head recorded outside the database: the last entry's sequence and hash after a committed command.
public struct JournalAnchor: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var hash: String
    /// When it was recorded (milliseconds since 1970).
    public var atMillis: Int64
    /// Where it was recorded, for findings: `the anchor file`, `backup vetpos-….sqlite`.
    public var source: String

    public init(sequence: Int64, hash: String, atMillis: Int64, source: String = "the anchor file") {
        self.sequence = sequence
        self.hash = hash
        self.atMillis = atMillis
        self.source = source
    }
}

/// The append-only anchor file beside the database (`DB.anchors`): one line per committed command that appended to
/// the journal, `SEQUENCE HASH MILLIS`, written after the commit with `O_APPEND` and `fsync`, mode 0640.
///
/// SQLite alone can rewrite or cut the journal and recompute its chain; it cannot reach this file's past lines, so
/// `journal verify` finds both. A crash between the commit and the write leaves the file one head behind, which is
/// still a prefix of the chain and verifies.
public enum JournalAnchors {
    public static let suffix = ".anchors"

    public static func path(forDatabase database: String) -> String { database + suffix }

    /// Appends heads, one line each, and syncs the file; creates it 0640.
    static func append(_ heads: [JournalAnchor], to path: String) throws {
        guard !heads.isEmpty else { return }
        let text = heads.map { "\($0.sequence) \($0.hash) \($0.atMillis)\n" }.joined()
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw POSError.conflict(
                "cannot open the journal anchor file \(path) (errno \(errno))",
                code: "journal.anchorWriteFailed"
            )
        }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                write(fd, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            guard count > 0 else {
                throw POSError.conflict(
                    "cannot write the journal anchor file \(path) (errno \(errno))",
                    code: "journal.anchorWriteFailed"
                )
            }
            written += count
        }
        bytes.removeAll()
        guard fsync(fd) == 0 else {
            throw POSError.conflict(
                "cannot sync the journal anchor file \(path) (errno \(errno))",
                code: "journal.anchorWriteFailed"
            )
        }
    }

    /// The file's heads in order, or nil when there is no file. A line that does not parse is a finding.
    static func read(_ path: String) -> (anchors: [JournalAnchor], problems: [String])? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        var anchors: [JournalAnchor] = []
        var problems: [String] = []
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if line.isEmpty { continue }
            let fields = line.split(separator: " ")
            guard fields.count == 3, let sequence = Int64(fields[0]), let millis = Int64(fields[2]),
                fields[1].count == 64, fields[1].allSatisfy(\.isHexDigit)
            else {
                // A torn last line (a crash in the middle of the write) is the one a crash can leave.
                if index == lines.count - 1 { continue }
                problems.append("\(path) line \(index + 1): not an anchor (SEQUENCE HASH MILLIS)")
                continue
            }
            anchors.append(JournalAnchor(sequence: sequence, hash: String(fields[1]), atMillis: millis))
        }
        return (anchors, problems)
    }

    /// Starts a fresh file holding one head (after a restore); an existing file must have been moved aside.
    static func start(_ path: String, head: JournalAnchor?) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw POSError.conflict("cannot create the journal anchor file \(path)", code: "journal.anchorWriteFailed")
        }
        close(fd)
        if let head { try append([head], to: path) }
    }

    /// `2026-11-20 14:03:07 UTC`, for findings.
    static func date(_ millis: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
