import TandemSQLite
import TandemStore

/// Which store a `--database` / `TANDEM_DATABASE` value names. A file path is SQLite, the embedded
/// default. A value with a URL scheme is refused unless this build serves that scheme: before,
/// `postgres://…` was taken for a path and quietly made a SQLite file under a folder `postgres:`.
enum StoreChoice {
    case sqlite(path: String)

    init(_ location: String) throws {
        if let schemeEnd = location.range(of: "://") {
            let scheme = location[..<schemeEnd.lowerBound].lowercased()
            let known = scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." } && !scheme.isEmpty
            guard known else { self = .sqlite(path: location); return }
            if scheme == "postgres" || scheme == "postgresql" {
                throw CommandFailure("--database / TANDEM_DATABASE names a PostgreSQL server, which this build of Tandem cannot use yet; "
                    + "give the path of a SQLite file instead (for example ./data/tandem.sqlite)")
            }
            throw CommandFailure("--database / TANDEM_DATABASE starts with '\(scheme)://', a kind of database Tandem does not serve; "
                + "give the path of a SQLite file (for example ./data/tandem.sqlite)")
        }
        self = .sqlite(path: location)
    }

    /// The database named: for SQLite, the file's path.
    var location: String {
        switch self {
        case .sqlite(let path): path
        }
    }

    /// What the server opens its store with.
    var opener: StoreOpener {
        switch self {
        case .sqlite: SQLiteStore.open
        }
    }
}
