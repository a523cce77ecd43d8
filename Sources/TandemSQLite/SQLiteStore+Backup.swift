import TandemStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Copies the database to `destination` with SQLite's online backup API: a consistent snapshot
    /// even while a server writes to it. The copy is written beside the destination under a temporary
    /// name, checked with `PRAGMA integrity_check`, and only then renamed into place, so a half-written
    /// backup never carries the final name. Returns the migrations the backup contains.
    @discardableResult
    public static func backup(databasePath: String, to destination: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw StoreError.notFound(entity: "database", key: databasePath)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let source = try DatabasePool(path: databasePath, configuration: configuration)
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try source.backup(to: copy)
            let (check, migrations) = try copy.read { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer",
                 try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"))
            }
            try copy.close()
            guard check == "ok" else { throw BackupFailed(reason: "integrity check of the copy: \(check)") }
            if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
            return migrations
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}

/// A backup that could not be made or did not check out.
public struct BackupFailed: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "backup failed: \(reason)" }
}
