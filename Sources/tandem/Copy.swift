import ArgumentParser
import TandemCopy

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a whole programme from a SQLite database into an empty PostgreSQL database (stop the server first).",
        discussion: """
            Both databases are migrated to this build's schema first. Every table is copied in one transaction, \
            ids, the change log and the audit log included; a target that holds any row is refused and nothing is written.
            Example: tandem copy --from ./data/tandem.sqlite --to 'postgres://tandem@db.example.org/tandem?sslmode=require'
            """)

    @Option(help: "The SQLite database file to copy from.") var from: String
    @Option(help: "The PostgreSQL database to copy into: postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=… (empty, or new).")
    var to: String

    func run() async throws {
        guard case .sqlite(let source) = try StoreChoice(from) else {
            throw ValidationError("--from names the SQLite file to copy from (for example ./data/tandem.sqlite), not a URL")
        }
        guard case .postgres(let url) = try StoreChoice(to) else {
            throw ValidationError("--to names the PostgreSQL database to copy into: postgres://USER@HOST:PORT/DATABASE")
        }
        print(try await StoreCopy.copy(fromSQLite: source, toPostgres: url, logger: StoreChoice.commandLogger))
    }
}
