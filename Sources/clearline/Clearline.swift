import ArgumentParser

@main
struct Clearline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearline",
        abstract: "Clearline: PayTrace, Zoho and Sage Pro integration for many merchants.",
        version: ClearlineVersion.current,
        subcommands: [
            Serve.self, Work.self, Jobs.self, Migrate.self, Admin.self, Keys.self, SandboxCommand.self, Demo.self, AgentCommand.self, CronCommand.self,
            CallHelperCommand.self,
        ])
}

/// What `clearline --version` prints. Raised with each release; no build step writes it.
enum ClearlineVersion {
    static let current = "0.15.0"
}
