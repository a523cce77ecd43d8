import Foundation
import Testing
@testable import TandemServer
import TandemCore
import TandemStore
import TandemSQLite
import TandemTestSupport

@Suite("Import: pretalx/frab schedule.json and speaker CSV", .timeLimit(.minutes(5)))
struct ImportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pretalx-schedule.json")
    static let venue = Venue(name: "Kongresshalle", city: "Hamburg", country: "DE")

    @Test("a pretalx export creates the event, rooms, speakers and sessions; the same file again changes nothing", arguments: StoreKind.available)
    func pretalx(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let json = try Data(contentsOf: Self.fixture)
            let first = try await importer.importSchedule(json: json, options: .init(venue: Self.venue))
            #expect(first.event == "c20-forum-2027")
            #expect(first.eventCreated && first.roomsCreated == 2 && first.speakersCreated == 3 && first.sessionsCreated == 4)
            #expect(first.sessionsUpdated == 0 && first.sessionsUnchanged == 0 && first.conflicts.isEmpty && !first.dryRun)
            #expect(first.newRooms == ["Saal 1", "Room B"] && first.newSpeakers.count == 3)
            #expect(first.sessionChanges.count == 4 && first.sessionChanges.allSatisfy { $0.kind == .new })
            let schedule = try await store.schedule(slug: "c20-forum-2027", announcementsActiveAt: Date())
            #expect(schedule.event.status == .draft && schedule.event.timezone == "Europe/Berlin")
            #expect(schedule.rooms.map(\.name) == ["Saal 1", "Room B"])
            let opening = try #require(schedule.sessions.first { $0.session.guid == UUID(uuidString: "6a1f8f4e-2c55-5a0e-8f3e-1b1d3b1e9c01") })
            #expect(opening.session.title == TranslatedText(en: "Opening: civil society in the G20", zh: "开幕：二十国集团中的公民社会"))
            #expect(opening.session.abstract?.zh == "欢迎致辞、论坛议程，以及C20对峰会的诉求。")
            #expect(opening.session.kind == .plenary && opening.speakers.map(\.name) == ["Li Wei", "Anna Kowalska"])
            #expect(RFC3339.string(from: opening.session.startsAt, in: schedule.event.zone) == "2027-07-06T09:30:00+02:00")
            #expect(RFC3339.string(from: opening.session.endsAt, in: schedule.event.zone) == "2027-07-06T10:15:00+02:00")
            let panel = try #require(schedule.sessions.first { $0.session.title.en.hasPrefix("Panel") })
            #expect(panel.session.title.zh == nil && panel.session.kind == .panel)
            let closing = try #require(schedule.sessions.first { $0.session.title.en == "Closing" })
            #expect(closing.session.abstract == nil && closing.session.kind == .talk)
            let version = schedule.event.scheduleVersion

            let again = try await importer.importSchedule(json: json)
            #expect(again.sessionsUnchanged == 4 && again.sessionsCreated == 0 && again.sessionsUpdated == 0 && !again.eventCreated)
            #expect(again.roomsCreated == 0 && again.speakersCreated == 0)
            #expect(try await store.scheduleVersion(slug: "c20-forum-2027") == version)

            // An updated export: one session moved to another room and later; it is updated in place.
            let moved = String(decoding: json, as: UTF8.self)
                .replacingOccurrences(of: #""date": "2027-07-07T16:00:00+02:00""#, with: #""date": "2027-07-07T17:00:00+02:00""#)
            let update = try await importer.importSchedule(json: Data(moved.utf8))
            #expect(update.sessionsUpdated == 1 && update.sessionsUnchanged == 3)
            let after = try await store.schedule(slug: "c20-forum-2027", announcementsActiveAt: Date())
            #expect(after.sessions.count == 4)
            #expect(RFC3339.string(from: try #require(after.sessions.first { $0.session.id == closing.session.id }).session.startsAt,
                                   in: after.event.zone) == "2027-07-07T17:00:00+02:00")
        }
    }

    @Test("import → export → import is idempotent: Tandem's own schedule.json reads back unchanged", arguments: StoreKind.available)
    func roundTrip(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            _ = try await importer.importSchedule(json: try Data(contentsOf: Self.fixture), options: .init(venue: Self.venue))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let exported = try encoder.encode(FrabSchedule(try await store.schedule(slug: "c20-forum-2027", announcementsActiveAt: Date()),
                                                                 baseURL: "https://tandem.test"))
            let version = try await store.scheduleVersion(slug: "c20-forum-2027")
            let report = try await importer.importSchedule(json: exported, options: .init(slug: "c20-forum-2027"))
            #expect(report.sessionsUnchanged == 4 && report.sessionsUpdated == 0 && report.sessionsCreated == 0, "\(report)")
            #expect(try await store.scheduleVersion(slug: "c20-forum-2027") == version)
            let reexported = try encoder.encode(FrabSchedule(try await store.schedule(slug: "c20-forum-2027", announcementsActiveAt: Date()),
                                                                   baseURL: "https://tandem.test"))
            #expect(reexported == exported)
        }
    }

    @Test("bad files write nothing: not JSON, a bad guid, a new event without its venue", arguments: StoreKind.available)
    func badInput(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            await #expect(throws: ImportError.self) { try await importer.importSchedule(json: Data("{}".utf8)) }
            let broken = String(decoding: try Data(contentsOf: Self.fixture), as: UTF8.self)
                .replacingOccurrences(of: "6a1f8f4e-2c55-5a0e-8f3e-1b1d3b1e9c04", with: "not-a-guid")
            await #expect(throws: ImportError.self) { try await importer.importSchedule(json: Data(broken.utf8), options: .init(venue: Self.venue)) }
            await #expect(throws: ImportError.self) { try await importer.importSchedule(json: try Data(contentsOf: Self.fixture)) }
            #expect(try await store.isEmpty())
        }
    }

    @Test("a pretalx export with clashing sessions writes nothing and names both sessions, their times and the speaker or room",
          arguments: StoreKind.available)
    func conflictsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let error = try await #require(throws: ScheduleImportConflictError.self) {
                try await importer.importSchedule(json: PretalxExport.json, options: .init(venue: Self.venue))
            }
            #expect(error.conflicts.map(\.description) == [PretalxExport.speakerClash, PretalxExport.roomClash])
            #expect(error.description.hasPrefix("the schedule has 2 conflicts (times in Europe/Berlin):"))
            #expect(try await store.isEmpty())
            #expect(try await store.events(includeDrafts: true).isEmpty)
            #expect(try await store.speakerDirectory(fellowsOnly: false, cohort: nil).isEmpty)
        }
    }

    @Test("--allow-conflicts imports all 62 sessions as they are and lists the clashes; a second run changes nothing",
          arguments: StoreKind.available)
    func conflictsAllowed(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let options = ScheduleImporter.NewEvent(venue: Self.venue, allowConflicts: true)
            let first = try await importer.importSchedule(json: PretalxExport.json, options: options)
            #expect(first.sessionsCreated == 62 && first.roomsCreated == 4 && first.eventCreated)
            #expect(first.conflicts.map(\.description) == [PretalxExport.speakerClash, PretalxExport.roomClash])
            #expect(first.description.contains("Imported with 2 conflicts (times in Europe/Berlin)"))
            let schedule = try await store.schedule(slug: "civic-tech-2026", announcementsActiveAt: Date())
            #expect(schedule.sessions.count == 62)
            let version = schedule.event.scheduleVersion

            let again = try await importer.importSchedule(json: PretalxExport.json, options: options)
            #expect(again.sessionsUnchanged == 62 && again.sessionsCreated == 0 && again.sessionsUpdated == 0, "\(again)")
            #expect(again.roomsCreated == 0 && again.speakersCreated == 0 && !again.eventCreated && again.conflicts.count == 2)
            #expect(try await store.scheduleVersion(slug: "civic-tech-2026") == version)
            // Without the flag the clashes are still there: refused, and still nothing changes.
            await #expect(throws: ScheduleImportConflictError.self) { try await importer.importSchedule(json: PretalxExport.json) }
            #expect(try await store.scheduleVersion(slug: "civic-tech-2026") == version)
        }
    }

    @Test("after an import with clashes the organiser can still edit a clashing session, but no edit may add a clash",
          arguments: StoreKind.available)
    func editingImportedClashes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await ScheduleImporter(store: store).importSchedule(json: PretalxExport.json,
                                                                        options: .init(venue: Self.venue, allowConflicts: true))
            let schedule = try await store.schedule(slug: "civic-tech-2026", announcementsActiveAt: Date())
            func session(_ title: String) throws -> Session { try #require(schedule.sessions.first { $0.session.title.en == title }).session }
            var rename = SessionPatch()
            rename.title = .set(TranslatedText(en: "Talk 1-1-2, renamed"))
            let renamed = try await store.updateSession(eventSlug: "civic-tech-2026", id: try session("Talk 1-1-2").id, patch: rename,
                                                        ifVersion: nil, by: "test")
            #expect(renamed.session.title.en == "Talk 1-1-2, renamed")
            var move = SessionPatch()
            move.roomID = .set(try session("Talk 1-1-3").roomID) // Room 3's 10:00 session (Mei Chen) into the Main Hall at 10:00
            let error = try await #require(throws: ScheduleConflictError.self) {
                try await store.updateSession(eventSlug: "civic-tech-2026", id: try session("Talk 1-3-2").id, patch: move, ifVersion: nil, by: "test")
            }
            #expect(error.conflicts.map(\.reason) == [.roomOccupied(try session("Talk 1-1-2").roomID)])
        }
    }

    @Test("two talks swapping slots in an updated file import: clashes are checked on the end state", arguments: StoreKind.available)
    func swappedSlots(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let json = String(decoding: try Data(contentsOf: Self.fixture), as: UTF8.self)
            _ = try await importer.importSchedule(json: Data(json.utf8), options: .init(venue: Self.venue))
            // Opening (09:30, 45 min) and the panel (11:00, 90 min) in Saal 1 change places.
            let swapped = json
                .replacingOccurrences(of: #""date": "2027-07-06T09:30:00+02:00""#, with: "OPENING")
                .replacingOccurrences(of: #""date": "2027-07-06T11:00:00+02:00""#, with: #""date": "2027-07-06T09:30:00+02:00""#)
                .replacingOccurrences(of: "OPENING", with: #""date": "2027-07-06T11:00:00+02:00""#)
            let report = try await importer.importSchedule(json: Data(swapped.utf8))
            #expect(report.sessionsUpdated == 2 && report.sessionsUnchanged == 2 && report.conflicts.isEmpty, "\(report)")
            let after = try await store.schedule(slug: "c20-forum-2027", announcementsActiveAt: Date())
            let opening = try #require(after.sessions.first { $0.session.title.en.hasPrefix("Opening") })
            #expect(RFC3339.string(from: opening.session.startsAt, in: after.event.zone) == "2027-07-06T11:00:00+02:00")
        }
    }

    @Test("a bad session late in the file writes nothing, not even the sessions before it, and names the session",
          arguments: StoreKind.available)
    func oneTransaction(kind: StoreKind) async throws {
        try await kind.withStore { store in
            // The last session of the file (day 2) moved to a day after the conference.
            let late = String(decoding: try Data(contentsOf: Self.fixture), as: UTF8.self)
                .replacingOccurrences(of: #""date": "2027-07-07T16:00:00+02:00""#, with: #""date": "2027-07-09T16:00:00+02:00""#)
            let error = try await #require(throws: ValidationError.self) {
                try await ScheduleImporter(store: store).importSchedule(json: Data(late.utf8), options: .init(venue: Self.venue))
            }
            #expect(error.description.hasPrefix(#"session "Closing" (2027-07-09 16:00–16:30) endsAt: must lie within the event"#), "\(error)")
            #expect(try await store.isEmpty())
            #expect(try await store.speakerDirectory(fellowsOnly: false, cohort: nil).isEmpty)
        }
    }

    // SQLite only: the real binary on a database file (the same import on PostgreSQL is checked
    // through ScheduleImporter above).
    @Test("the real `tandem import`: clashes are sentences on stderr and nothing is written; --allow-conflicts writes all; again: unchanged")
    func commandLine() async throws {
        let database = temporaryDatabasePath()
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("schedule.json").path
        try PretalxExport.json.write(to: URL(fileURLWithPath: file))
        let arguments = ["import", file, "--database", database, "--venue", "Kongresshalle", "--city", "Hamburg", "--country", "DE"]
        func expectNoDump(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for dump in ["TandemCore.", "TandemStore.", "TandemServer.", "(conflicts:", "Swift.", "Context("] {
                #expect(!text.contains(dump), "\(text)", sourceLocation: sourceLocation)
            }
        }

        let refused = try TandemCommandLine.run(arguments)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Error: the schedule has 2 conflicts (times in Europe/Berlin):"), "\(refused.stderr)")
        #expect(refused.stderr.contains(PretalxExport.speakerClash) && refused.stderr.contains(PretalxExport.roomClash), "\(refused.stderr)")
        #expect(refused.stderr.contains("Nothing was imported.") && refused.stderr.contains("--allow-conflicts"), "\(refused.stderr)")
        expectNoDump(refused.stderr)
        let store = try SQLiteStore(path: database, clock: TestClock())
        #expect(try await store.isEmpty())

        let allowed = try TandemCommandLine.run(arguments + ["--allow-conflicts"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("sessions 62 created, 0 updated, 0 unchanged"), "\(allowed.stdout)")
        #expect(allowed.stdout.contains(PretalxExport.speakerClash) && allowed.stdout.contains(PretalxExport.roomClash), "\(allowed.stdout)")
        #expect(try await store.schedule(slug: "civic-tech-2026", announcementsActiveAt: Date()).sessions.count == 62)

        let again = try TandemCommandLine.run(["import", file, "--database", database, "--allow-conflicts"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("event kept, 0 rooms and 0 speakers created, sessions 0 created, 0 updated, 62 unchanged"), "\(again.stdout)")

        // A file that is not there, and one that is not a schedule: sentences with what to do.
        let missing = try TandemCommandLine.run(["import", file + ".missing", "--database", database])
        #expect(missing.status != 0 && missing.stderr.contains("Error: there is no file \(file).missing; give the path of the schedule.json"),
                "\(missing.stderr)")
        try Data(#"{"schedule": {"conference": {"title": "x"}}}"#.utf8).write(to: URL(fileURLWithPath: file))
        let wrong = try TandemCommandLine.run(["import", file, "--database", database])
        #expect(wrong.status != 0 && wrong.stderr.contains("Error: this is not a frab/pretalx schedule.json ('schedule.conference.acronym' is missing)"),
                "\(wrong.stderr)")
        try Data("not json".utf8).write(to: URL(fileURLWithPath: file))
        let garbage = try TandemCommandLine.run(["import", file, "--database", database])
        #expect(garbage.status != 0 && garbage.stderr.contains("(it is not valid JSON)"), "\(garbage.stderr)")
        for outcome in [missing, wrong, garbage] { expectNoDump(outcome.stderr) }
        #expect(try await store.scheduleVersion(slug: "civic-tech-2026") > 0)
    }

    // SQLite only, as above: the real binary on database files.
    @Test("the other subcommands' errors are sentences too: backup of a missing database, a CSV that is not CSV, a bad e-mail")
    func commandLineErrors() async throws {
        let database = temporaryDatabasePath()
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let backup = try TandemCommandLine.run(["backup", folder.appendingPathComponent("copy.sqlite").path, "--database", database])
        #expect(backup.status != 0 && backup.stderr.contains("Error: there is no database at \(database); check --database"), "\(backup.stderr)")
        let csv = folder.appendingPathComponent("fellows.csv").path
        try Data("name,bio_en\n\"Li\" Wei,x\n".utf8).write(to: URL(fileURLWithPath: csv))
        let speakers = try TandemCommandLine.run(["import-speakers", csv, "--database", database])
        #expect(speakers.status != 0 && speakers.stderr.contains("Error: this is not a CSV file Tandem can read"), "\(speakers.stderr)")
        let admin = try TandemCommandLine.run(["create-admin", "--email", "nobody", "--database", database])
        #expect(admin.status != 0 && admin.stderr.contains("email: must be an e-mail address"), "\(admin.stderr)")
        // Help is still ArgumentParser's, with a zero status.
        let help = try TandemCommandLine.run(["import", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--allow-conflicts") && help.stderr.isEmpty, "\(help.stderr)")
        for outcome in [backup, speakers, admin] {
            #expect(!outcome.stderr.contains("TandemStore.") && !outcome.stderr.contains("CSVParseError") && !outcome.stderr.contains("notFound("),
                    "\(outcome.stderr)")
        }
    }

    @Test("a session whose guid belongs to another event is refused in words, and nothing is written", arguments: StoreKind.available)
    func guidOfAnotherEvent(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let json = try Data(contentsOf: Self.fixture)
            _ = try await importer.importSchedule(json: json, options: .init(venue: Self.venue))
            let error = try await #require(throws: StoreError.self) {
                try await importer.importSchedule(json: json, options: .init(slug: "c20-copy", venue: Self.venue))
            }
            guard case .conflict(let field, let message) = error else { Issue.record("\(error)"); return }
            #expect(field == "guid" && message.contains(#"which belongs to a session of event "c20-forum-2027""#), "\(message)")
            #expect(try await store.events(includeDrafts: true).map(\.slug) == ["c20-forum-2027"])
        }
    }

    @Test("speakers and fellows from CSV (BOM, quoted fields, Chinese names), matched by name on re-import", arguments: StoreKind.available)
    func speakersCSV(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let importer = ScheduleImporter(store: store)
            let csv = "\u{FEFF}name,name_zh,organisation,country,cohort,partner_organisation,topics,bio_en,bio_zh\r\n"
                + "Li Wei,李伟,Green Hands,cn,2017,Naturfreunde Hamburg,\"waste; rivers\",\"Runs river clean-ups, with schools.\",在昆明组织河流清理。\r\n"
                + "Guest Speaker,,\"Stiftung \"\"Offene Stadt\"\"\",de,,,,,\r\n"
            #expect(try await importer.importSpeakers(csv: csv) == (2, 0))
            let speakers = try await store.speakerDirectory(fellowsOnly: false, cohort: nil).map(\.speaker)
            let li = try #require(speakers.first { $0.name == "Li Wei" })
            #expect(li.nameZh == "李伟" && li.country == "CN" && li.topics == ["waste", "rivers"])
            #expect(li.fellowship == Fellowship(cohort: 2017, partnerOrganisation: "Naturfreunde Hamburg"))
            #expect(li.bio == TranslatedText(en: "Runs river clean-ups, with schools.", zh: "在昆明组织河流清理。"))
            #expect(speakers.first { $0.name == "Guest Speaker" }?.organisation == #"Stiftung "Offene Stadt""#)
            #expect(try await importer.importSpeakers(csv: csv) == (0, 0))
            #expect(try await importer.importSpeakers(csv: csv.replacingOccurrences(of: "Green Hands", with: "Green Hands Kunming")) == (0, 1))
            await #expect(throws: ImportError.self) { try await importer.importSpeakers(csv: "name,cohort\nX,soon\n") }
            // A name twice is refused, before anything is written.
            let twice = try await #require(throws: ImportError.self) {
                try await importer.importSpeakers(csv: "name,organisation\nNew Person,A\nNew Person,B\n")
            }
            #expect(twice.description == "row 3: New Person is already in row 2; give each speaker one row")
            #expect(try await store.speakerDirectory(fellowsOnly: false, cohort: nil).count == 2)
        }
    }
}
