import ArgumentParser
import Foundation
import Domain
import Logging
import Crypto
import Persistence

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The master keys of the credential vault.", subcommands: [Rotate.self])

    /// Adds a new master-key version to the key file, then re-wraps every tenant's data key with
    /// it while servers keep running: they read the file again when they meet the new version.
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a new master key version and re-wrap every data key with it.")

        func run() throws {
            let settings = try Settings.fromEnvironment()
            guard let file = settings.masterKeyFile else {
                throw ValidationError("keys rotate needs CLEARLINE_MASTER_KEY_FILE: a key given in CLEARLINE_MASTER_KEY cannot gain a version")
            }
            let current = try settings.masterKeys()
            let database = try CLI.database()
            // Every data key must open before anything is changed.
            try Vault(masterKeys: current).verifyDataKeys(database)
            let rotated = try Keyring.parse(file: String(contentsOfFile: file, encoding: .utf8)).addingNewKey()
            try Self.write(rotated.fileText, to: file)
            print("master key version \(rotated.currentVersion) added to \(file)")
            let vault = Vault(masterKeys: MasterKeys(keyring: rotated, file: file))
            let count = try vault.rewrapAll(database) { done in
                FileHandle.standardError.write(Data("re-wrapped \(done) data keys so far\n".utf8))
            }
            print("re-wrapped \(count) data keys; every data key is now under master key version \(rotated.currentVersion)")
        }

        /// Replaces the file atomically (a crash leaves the old or the new file, never half of one), mode 0600.
        static func write(_ text: String, to path: String) throws {
            let temporary = path + ".new"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(temporary)")
            }
            guard rename(temporary, path) == 0 else { throw ValidationError("cannot replace \(path)") }
        }
    }
}
