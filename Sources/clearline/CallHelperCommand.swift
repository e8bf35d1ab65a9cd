import ArgumentParser
import Foundation
import Domain
import Connectors

/// `clearline call-helper`: the process `serve` sends the vendor calls a person waits on
/// through (`CallRelay`). Started by `serve` itself, never by hand.
struct CallHelperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: CallRelayHelper.command, abstract: "Sends serve's request-time vendor calls (started by serve).", shouldDisplay: false)

    func run() throws {
        // The same exceptions to the outbound policy as the serve that started it.
        try OutboundPolicy.allow(ProcessInfo.processInfo.environment["CLEARLINE_OUTBOUND_ALLOW"] ?? "")
        try CallRelayHelper.run { reason in
            FileHandle.standardError.write(Data("call-helper: outbound connection refused: \(reason)\n".utf8))
        }
    }
}
