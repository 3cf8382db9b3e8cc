import ArgumentParser
import Foundation
import POSApp
import POSCore

@main struct Entrypoint {
    /// Runs the command. A mistyped command line is one coded line on standard error and exit status 64 (the usage
    /// error of sysexits), like every other refusal; `--help` and `--version` print as usual.
    static func main() async {
        do {
            var command = try VetPOSCommand.parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let status = VetPOSCommand.exitCode(for: error)
            guard status == .validationFailure else { VetPOSCommand.exit(withError: error) }
            let message = POSError.shortened(
                VetPOSCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
            )
            let arguments = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)
            let help = (["vetpos"] + arguments + ["--help"]).joined(separator: " ")
            FileHandle.standardError.write(Data("vetpos: error: \(message) (see `\(help)`) [usage.invalid]\n".utf8))
            exit(status.rawValue)
        }
    }
}
