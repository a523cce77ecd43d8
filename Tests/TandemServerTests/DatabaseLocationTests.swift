import Foundation
import Testing

@Suite("--database: a file path is SQLite; a URL Tandem does not serve is refused in words", .timeLimit(.minutes(1)))
struct DatabaseLocationTests {
    @Test("postgres:// and other schemes are refused by every subcommand, and no folder named after the scheme appears",
          arguments: [["migrate"], ["serve", "--port", "0", "--no-demo"], ["backup", "/tmp/never-written.sqlite"]])
    func refused(command: [String]) throws {
        let folder = FileManager.default.currentDirectoryPath
        for url in ["postgres://tandem@127.0.0.1:5432/tandem?sslmode=disable", "mysql://root@db/tandem"] {
            let outcome = try TandemCommandLine.run(command + ["--database", url])
            #expect(outcome.status != 0, "\(command) \(url): \(outcome.stdout)")
            #expect(outcome.stderr.contains("--database / TANDEM_DATABASE"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("give the path of a SQLite file"), "\(outcome.stderr)")
            let scheme = String(url.prefix { $0 != ":" }) + ":"
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + scheme), "no SQLite file under a folder '\(scheme)'")
        }
    }
}
