import ArgumentParser
import Foundation
import TandemCore
import TandemServer
import TandemStore

/// Why a `tandem` subcommand stopped, in a sentence that says what to do: the one place where
/// errors from the store, the importer and the system become what the command line prints
/// (ArgumentParser prints it as `Error: …` and exits with status 1), never a Swift value dump.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// `error` as ArgumentParser should show it: its own errors (usage, help, exit codes) as they
    /// are, everything else as a `CommandFailure`.
    static func wrapping(_ error: any Error) -> any Error {
        switch error {
        case is CommandFailure, is ArgumentParser.ValidationError, is CleanExit, is ExitCode: error
        default: CommandFailure(sentence(for: error))
        }
    }

    static func sentence(for error: any Error) -> String {
        switch error {
        case let failure as CommandFailure:
            return failure.description
        case let error as ImportError:
            return error.description
        case let error as ScheduleImportConflictError:
            return "\(error.description)\nNothing was imported. Move these sessions apart in pretalx (or frab) and export again, "
                + "or run the same command with --allow-conflicts to import the programme as it is and resolve the conflicts in the organiser editor."
        case let error as TandemCore.ValidationError:
            return "these values are not valid: \(error.description). Correct them and run the command again; nothing was written"
        case let error as ScheduleConflictError:
            return conflict(error)
        case let error as StoreError:
            return store(error)
        case let error as CocoaError:
            return error.localizedDescription
        case let error as any CustomStringConvertible:
            // The system's own errors (SQLite, sockets) describe themselves in words.
            return error.description
        default:
            return "tandem stopped on an internal error it did not expect; run the command again, and if it happens again report it with the command you ran"
        }
    }

    private static func store(_ error: StoreError) -> String {
        switch error {
        case .notFound("database", let path):
            return "there is no database at \(path); check --database or TANDEM_DATABASE"
        case .notFound("event", let slug):
            return "there is no event \"\(slug)\"; check the slug (--slug; GET /api/v1/events lists the events)"
        case .notFound(let entity, let key):
            return "there is no \(entity) \"\(key)\""
        case .conflict(_, let message):
            return "\(message); nothing was written"
        case .stale(let entity, let version):
            return "the \(entity) was changed by someone else meanwhile (now version \(version)); run the command again"
        case .busy(let message):
            return "\(message) Nothing was written; run the command again in a moment"
        }
    }

    private static func conflict(_ error: ScheduleConflictError) -> String {
        let zone = TimeZone(identifier: error.timezone) ?? TimeZone(secondsFromGMT: 0)!
        let clashes = error.conflicts.map { conflict in
            let other = conflict.conflictingSession
            let when = "\(RFC3339.string(from: other.startsAt, in: zone)) – \(RFC3339.string(from: other.endsAt, in: zone))"
            return switch conflict.reason {
            case .roomOccupied: "\"\(conflict.session.title.en)\" would share its room with \"\(other.title.en)\" (\(when))"
            case .speakerDoubleBooked(let speaker): "speaker \(speaker) of \"\(conflict.session.title.en)\" is already in \"\(other.title.en)\" (\(when))"
            }
        }
        return "schedule conflict: " + clashes.joined(separator: "; ") + ". Nothing was written; move one of the sessions first"
    }
}
