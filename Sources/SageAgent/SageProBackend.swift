public import Connectors

/// Where an agent applies the commands it is given: the sandbox's emulated Pro company, the
/// same company reached over the sandbox's HTTP port, or a folder of import files. Each applies
/// a command at most once per external id and answers a repeat with the first outcome, since Pro
/// itself posts an import twice if asked twice.
public protocol SageProBackend: Sendable {
    func apply(_ command: SageAgentProtocol.Command) -> SageAgentProtocol.Result
}
