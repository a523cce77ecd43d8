import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Whole-file imports over HTTP, each with a preview (`?dryRun=true`): speakers from CSV and a
/// frab/pretalx `schedule.json`, with the code of `tandem import-speakers` and `tandem import`.
/// Both need the programme-wide `organiser` or `admin` role (they create speakers and events).
struct ImportController {
    let store: any ScheduleStore & ImportStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/speakers/import", use: importSpeakers)
        group.post("/import/schedule", use: importSchedule)
    }

    /// A dry run answers with the rows it cannot read among the rest; applying a file with any such
    /// row is refused (422) and writes nothing.
    @Sendable func importSpeakers(_ request: Request, context: TandemRequestContext) async throws -> SpeakerImportResponse {
        _ = try context.require(.editSchedule)
        let dryRun = try Self.flag("dryRun", in: request)
        let buffer = try await request.collectFile(["text/csv"], describedAs: "CSV file (text/csv, UTF-8)", context: context)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw ImportError("the file is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\"")
        }
        let csv = try SpeakerCSV(text: text)
        if !dryRun, !csv.errors.isEmpty {
            throw ValidationError(csv.errors.map { FieldError(field: "row \($0.row)", message: $0.message) })
        }
        let result = try await store.importSpeakers(csv.speakers, dryRun: dryRun, by: context.actor)
        return SpeakerImportResponse(dryRun: dryRun, result: result, errors: csv.errors)
    }

    /// Imports into the event `slug` (default: the file's acronym), creating it from the query's
    /// venue if it does not exist. A dry run runs the whole import and rolls it back.
    @Sendable func importSchedule(_ request: Request, context: TandemRequestContext) async throws -> ScheduleImportResponse {
        _ = try context.require(.editSchedule)
        let options = try Self.scheduleOptions(request)
        let buffer = try await request.collectFile(["application/json"], describedAs: "schedule.json (application/json)", context: context)
        let report = try await ScheduleImporter(store: store, actor: context.actor).importSchedule(json: Data(buffer.readableBytesView), options: options)
        return ScheduleImportResponse(dryRun: options.dryRun, slug: report.event, result: report.result, allowConflicts: options.allowConflicts)
    }

    /// The query of a schedule import, checked before the body is read.
    static func scheduleOptions(_ request: Request) throws -> ScheduleImporter.NewEvent {
        let query = request.uri.queryParameters
        var options = ScheduleImporter.NewEvent(venueHint: "the query parameters venueName, venueCity and venueCountry (and venueAddress if you like)")
        var errors: [FieldError] = []
        func flag(_ name: String) -> Bool {
            do { return try Self.flag(name, in: request) } catch let error as ValidationError {
                errors += error.errors
            } catch {}
            return false
        }
        options.dryRun = flag("dryRun")
        options.publish = flag("publish")
        options.allowConflicts = flag("allowConflicts")
        if let slug = query.get("slug") {
            if slug.isEmpty || slug.count > 100 { errors.append(FieldError(field: "slug", message: "must be 1 to 100 characters")) }
            options.slug = slug
        }
        if let kind = query.get("kind") {
            if let value = Event.Kind(rawValue: kind) {
                options.kind = value
            } else {
                errors.append(FieldError(field: "kind", message: "must be one of: " + Event.Kind.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        let venue = ["venueName", "venueCity", "venueCountry"].map { query.get($0).map { $0.trimmingWhitespace } }
        if venue.contains(where: { $0 != nil }) {
            for (field, value) in zip(["venueName", "venueCity", "venueCountry"], venue) where value?.isEmpty ?? true {
                errors.append(FieldError(field: field, message: "is required with the other venue parameters"))
            }
            if let code = venue[2]?.asciiUppercased, !code.isEmpty, code.utf8.count != 2 || !code.utf8.allSatisfy({ (65...90).contains($0) }) {
                errors.append(FieldError(field: "venueCountry", message: "must be an ISO 3166-1 alpha-2 code such as DE or CN"))
            }
            if let name = venue[0], let city = venue[1], let country = venue[2] {
                options.venue = Venue(name: name, address: query.get("venueAddress").map { $0.trimmingWhitespace }, city: city,
                                      country: country.asciiUppercased)
            }
        }
        try ValidationError.check(errors)
        return options
    }

    /// A boolean query parameter: `true`/`1` or `false`/`0`; absent is `false`.
    static func flag(_ name: String, in request: Request) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return false }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw ValidationError(field: name, message: "must be true or false")
        }
    }
}
