import ArgumentParser

@main
struct Clearline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearline",
        abstract: "Clearline: PayTrace, Zoho and Sage Pro integration for many merchants.",
        subcommands: [Serve.self, Work.self, Jobs.self, Migrate.self, Admin.self, Keys.self, SandboxCommand.self, Demo.self, AgentCommand.self])
}
