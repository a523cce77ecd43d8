import Foundation
import Testing
@testable import TandemServer
import TandemCore
import TandemStore
import TandemTestSupport

@Suite("Import: pretalx/frab schedule.json and speaker CSV")
struct ImportTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pretalx-schedule.json")
    static let venue = Venue(name: "Kongresshalle", city: "Hamburg", country: "DE")

    func makeStore() throws -> SQLiteStore {
        let store = try SQLiteStore(path: temporaryDatabasePath(), clock: TestClock())
        try store.migrate()
        return store
    }

    @Test("a pretalx export creates the event, rooms, speakers and sessions; the same file again changes nothing")
    func pretalx() async throws {
        let store = try makeStore()
        let importer = ScheduleImporter(store: store)
        let json = try Data(contentsOf: Self.fixture)
        let first = try await importer.importSchedule(json: json, options: .init(venue: Self.venue))
        #expect(first == ScheduleImporter.Report(event: "c20-forum-2027", eventCreated: true, roomsCreated: 2, speakersCreated: 3,
                                                 sessionsCreated: 4, sessionsUpdated: 0, sessionsUnchanged: 0))
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

    @Test("import → export → import is idempotent: Tandem's own schedule.json reads back unchanged")
    func roundTrip() async throws {
        let store = try makeStore()
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

    @Test("bad files write nothing: not JSON, a bad guid, a new event without its venue")
    func badInput() async throws {
        let store = try makeStore()
        let importer = ScheduleImporter(store: store)
        await #expect(throws: ImportError.self) { try await importer.importSchedule(json: Data("{}".utf8)) }
        let broken = String(decoding: try Data(contentsOf: Self.fixture), as: UTF8.self)
            .replacingOccurrences(of: "6a1f8f4e-2c55-5a0e-8f3e-1b1d3b1e9c04", with: "not-a-guid")
        await #expect(throws: ImportError.self) { try await importer.importSchedule(json: Data(broken.utf8), options: .init(venue: Self.venue)) }
        await #expect(throws: ImportError.self) { try await importer.importSchedule(json: try Data(contentsOf: Self.fixture)) }
        #expect(try await store.isEmpty())
    }

    @Test("speakers and fellows from CSV (BOM, quoted fields, Chinese names), matched by name on re-import")
    func speakersCSV() async throws {
        let store = try makeStore()
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
    }
}
