import Foundation
import HTTPTypes
import NIOCore
import Testing
import TandemTestSupport

extension API {
    /// Posts a whole file with its media type.
    func upload(_ uri: String, _ body: String, type: String) async throws -> Reply {
        try await call(.post, uri, json: body, headers: [.contentType: type])
    }
}

@Suite("Organiser console: schedule.json and speaker CSV imported over HTTP, with a preview", .timeLimit(.minutes(5)))
struct ImportAPITests {
    static let venue = "venueName=Kongresshalle&venueCity=Hamburg&venueCountry=de"
    static var fixture: String { get throws { String(decoding: try Data(contentsOf: ImportTests.fixture), as: UTF8.self) } }

    @Test("a dry run of a new programme lists the event, rooms, speakers and sessions it would create, and writes nothing; then it is applied",
          arguments: StoreKind.available)
    func previewThenApply(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let json = try Self.fixture
            let preview = try await admin.upload("/api/v1/import/schedule?dryRun=true&\(Self.venue)", json, type: "application/json")
            #expect(preview.status == .ok, "\(preview.text)")
            let plan = preview.json
            #expect(plan["dryRun"].bool == true && plan["blockedByConflicts"].bool == false && plan["conflicts"].array.isEmpty)
            #expect(plan["event"] == .object(["slug": .string("c20-forum-2027"), "created": .bool(true), "timezone": .string("Europe/Berlin")]))
            #expect(plan["rooms"]["new"] == .array([.string("Saal 1"), .string("Room B")]))
            #expect(plan["speakers"]["new"].array.count == 3 && plan["speakers"]["new"][0].string == "Li Wei")
            let new = plan["sessions"]["new"].array
            #expect(new.count == 4 && plan["sessions"]["unchanged"].int == 0 && plan["sessions"]["moved"].array.isEmpty)
            let opening = try #require(new.first { $0["guid"].string == "6a1f8f4e-2c55-5a0e-8f3e-1b1d3b1e9c01" })
            #expect(opening["room"].string == "Saal 1" && opening["title"]["zh"].string == "开幕：二十国集团中的公民社会")
            #expect(opening["startsAt"].string == "2027-07-06T09:30:00+02:00" && opening["endsAt"].string == "2027-07-06T10:15:00+02:00")
            #expect(opening["changes"].array.isEmpty && opening["before"].isNull)
            #expect(try await admin.get("/api/v1/events").json["items"].array.isEmpty, "a dry run writes nothing")
            #expect(try await admin.get("/api/v1/speakers").json["items"].array.isEmpty)

            let applied = try await admin.upload("/api/v1/import/schedule?\(Self.venue)&kind=open-event", json, type: "application/json")
            #expect(applied.status == .ok, "\(applied.text)")
            #expect(applied.json["dryRun"].bool == false && applied.json["sessions"]["new"].array.count == 4)
            let event = try await admin.get("/api/v1/events/c20-forum-2027").json
            #expect(event["status"].string == "draft" && event["kind"].string == "open-event" && event["sessions"].array.count == 4)
            #expect(event["venue"]["country"].string == "DE")
            let audit = try await admin.get("/api/v1/audit?event=c20-forum-2027&action=session.created").json["items"].array
            #expect(audit.count == 4 && audit.allSatisfy { $0["actor"].string == adminEmail })
        }
    }

    @Test("an updated file: the preview says which sessions move (before and after) and which are renamed; applying it matches",
          arguments: StoreKind.available)
    func previewOfChanges(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let json = try Self.fixture
            #expect(try await admin.upload("/api/v1/import/schedule?\(Self.venue)", json, type: "application/json").status == .ok)
            let version = try await admin.get("/api/v1/events/c20-forum-2027").json["scheduleVersion"].int
            let updated = json
                .replacingOccurrences(of: #""date": "2027-07-07T16:00:00+02:00""#, with: #""date": "2027-07-07T17:00:00+02:00""#)
                .replacingOccurrences(of: #""title": "Closing""#, with: #""title": "Closing words""#)
                .replacingOccurrences(of: #""title": "Opening: civil society in the G20""#, with: #""title": "Opening: civil society and the G20""#)
            let preview = try await admin.upload("/api/v1/import/schedule?dryRun=1", updated, type: "application/json").json
            #expect(preview["event"]["created"].bool == false && preview["sessions"]["unchanged"].int == 2)
            #expect(preview["sessions"]["new"].array.isEmpty && preview["rooms"]["new"].array.isEmpty && preview["speakers"]["new"].array.isEmpty)
            let moved = preview["sessions"]["moved"].array
            #expect(moved.count == 1 && moved[0]["title"]["en"].string == "Closing words")
            #expect(moved[0]["changes"] == .array(["title", "startsAt", "endsAt"].map(JSON.string)))
            #expect(moved[0]["startsAt"].string == "2027-07-07T17:00:00+02:00" && moved[0]["before"]["startsAt"].string == "2027-07-07T16:00:00+02:00")
            #expect(moved[0]["before"]["title"]["en"].string == "Closing" && moved[0]["before"]["room"].isNull, "the room did not change")
            let renamed = preview["sessions"]["renamed"].array
            #expect(renamed.count == 1 && renamed[0]["before"]["title"]["en"].string == "Opening: civil society in the G20")
            #expect(renamed[0]["changes"] == .array([.string("title")]) && renamed[0]["before"]["startsAt"].isNull)
            #expect(try await admin.get("/api/v1/events/c20-forum-2027").json["scheduleVersion"].int == version, "a dry run writes nothing")

            let applied = try await admin.upload("/api/v1/import/schedule", updated, type: "application/json").json
            #expect(applied["sessions"]["moved"].array.count == 1 && applied["sessions"]["renamed"].array.count == 1)
            let titles = try await admin.get("/api/v1/events/c20-forum-2027").json["sessions"].array.compactMap { $0["title"]["en"].string }
            #expect(titles.contains("Closing words") && titles.contains("Opening: civil society and the G20"))
        }
    }

    @Test("clashes: the preview lists them and says the import would be refused; applying is 409 and writes nothing; allowConflicts writes it",
          arguments: StoreKind.available)
    func conflicts(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let json = String(decoding: PretalxExport.json, as: UTF8.self)
            #expect(json.utf8.count > 64 * 1024, "bigger than the other routes' limit")
            let preview = try await admin.upload("/api/v1/import/schedule?dryRun=true&\(Self.venue)", json, type: "application/json").json
            #expect(preview["blockedByConflicts"].bool == true && preview["sessions"]["new"].array.count == 62)
            let conflicts = preview["conflicts"].array
            #expect(conflicts.map { $0["message"].string } == [PretalxExport.speakerClash, PretalxExport.roomClash])
            #expect(conflicts[0]["reason"].string == "speaker" && conflicts[0]["name"].string == "Mei Chen")
            #expect(conflicts[0]["first"]["title"].string == "Talk 1-1-2" && conflicts[0]["first"]["startsAt"].string == "2026-09-17T10:00:00+02:00")
            #expect(conflicts[1]["reason"].string == "room" && conflicts[1]["name"].string == "Room 4")

            let refused = try await admin.upload("/api/v1/import/schedule?\(Self.venue)", json, type: "application/json")
                .expectProblem(.conflict, code: "import-conflict")
            #expect(refused["importConflicts"].array.count == 2)
            #expect(refused["detail"].string?.contains("allowConflicts=true") == true)
            #expect(try await admin.get("/api/v1/events").json["items"].array.isEmpty)

            let allowed = try await admin.upload("/api/v1/import/schedule?allowConflicts=true&\(Self.venue)", json, type: "application/json")
            #expect(allowed.status == .ok && allowed.json["conflicts"].array.count == 2 && allowed.json["blockedByConflicts"].bool == false)
            #expect(try await admin.get("/api/v1/events/civic-tech-2026").json["sessions"].array.count == 62)
        }
    }

    @Test("what a schedule import refuses: a missing venue, bad query values, not JSON, the wrong media type, too large; programme roles only",
          arguments: StoreKind.available)
    func scheduleRefusals(kind: StoreKind) async throws {
        var config = testConfig()
        config.maxScheduleImportBytes = 200 * 1024
        try await withTandem(store: kind, config: config) { api in
            let admin = try await api.login()
            let json = try Self.fixture
            let missing = try await admin.upload("/api/v1/import/schedule?dryRun=true", json, type: "application/json")
                .expectProblem(.unprocessableContent, code: "import-invalid")
            #expect(missing["detail"].string?.contains("venueName, venueCity and venueCountry") == true, "\(missing)")
            #expect(try await admin.upload("/api/v1/import/schedule?kind=party&dryRun=maybe&venueName=X", json, type: "application/json")
                .expectProblem(.unprocessableContent).fieldErrors == ["dryRun", "kind", "venueCity", "venueCountry"])
            #expect(try await admin.upload("/api/v1/import/schedule?venueName=Kongresshalle&venueCity=Hamburg&venueCountry=Germany", json,
                                           type: "application/json").expectProblem(.unprocessableContent).fieldErrors == ["venueCountry"])
            try await admin.upload("/api/v1/import/schedule?\(Self.venue)", "{}", type: "application/json").expectProblem(.unprocessableContent, code: "import-invalid")
            try await admin.upload("/api/v1/import/schedule?\(Self.venue)", json, type: "text/csv").expectProblem(.unsupportedMediaType)
            try await admin.upload("/api/v1/import/schedule?\(Self.venue)", json + String(repeating: " ", count: 200 * 1024), type: "application/json")
                .expectProblem(.contentTooLarge, code: "body-too-large")
            try await admin.upload("/api/v1/events/x/rooms", String(repeating: " ", count: 65 * 1024), type: "application/json")
                .expectProblem(.contentTooLarge, code: "body-too-large")
            _ = try await admin.seedEvent()
            let local = try await api.eventAccount("local@example.org", role: "organiser", event: "hamburg-2017")
            try await local.upload("/api/v1/import/schedule?slug=hamburg-2017", json, type: "application/json").expectProblem(.forbidden)
            #expect(try await admin.get("/api/v1/events").json["items"].array.count == 1)
        }
    }

    @Test("speakers CSV: the preview names who is created, who changes and how, which rows it cannot read; applying a bad file is 422",
          arguments: StoreKind.available)
    func speakers(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            let csv = "\u{FEFF}name,name_zh,organisation,country,cohort,partner_organisation,topics,bio_en,bio_zh\r\n"
                + "Li Wei,李伟,Green Hands,cn,2017,Naturfreunde Hamburg,\"waste; rivers\",Runs river clean-ups.,在昆明组织河流清理。\r\n"
                + "Guest Speaker,,Offene Stadt,de,,,,,\r\n"
                + "Broken Cohort,,,,soon,,,,\r\n"
            let preview = try await admin.upload("/api/v1/speakers/import?dryRun=true", csv, type: "text/csv; charset=utf-8")
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(preview.json["created"] == .array([.string("Li Wei"), .string("Guest Speaker")]))
            #expect(preview.json["errors"] == .array([.object(["row": .number(4), "message": .string("cohort 'soon' is not a year")])]))
            #expect(preview.json["dryRun"].bool == true && preview.json["unchanged"].int == 0)
            #expect(try await api.get("/api/v1/speakers").json["items"].array.isEmpty, "a dry run writes nothing")

            let refused = try await admin.upload("/api/v1/speakers/import", csv, type: "text/csv").expectProblem(.unprocessableContent)
            #expect(refused["errors"][0]["field"].string == "row 4")
            #expect(try await api.get("/api/v1/speakers").json["items"].array.isEmpty, "a refused import writes nothing")

            let good = String(csv.dropLast("Broken Cohort,,,,soon,,,,\r\n".count))
            let applied = try await admin.upload("/api/v1/speakers/import", good, type: "text/csv").json
            #expect(applied["created"].array.count == 2 && applied["dryRun"].bool == false && applied["errors"].array.isEmpty)
            let changed = good.replacingOccurrences(of: "Green Hands", with: "Green Hands Kunming").replacingOccurrences(of: "waste; rivers", with: "rivers")
            let again = try await admin.upload("/api/v1/speakers/import?dryRun=true", changed, type: "text/csv").json
            #expect(again["created"].array.isEmpty && again["unchanged"].int == 1)
            #expect(again["updated"] == .array([.object(["name": .string("Li Wei"), "changes": .array([.string("organisation"), .string("topics")])])]))
            #expect(try await admin.upload("/api/v1/speakers/import", changed, type: "text/csv").json["updated"].array.count == 1)
            let li = try #require(try await api.get("/api/v1/speakers").json["items"].array.first { $0["name"].string == "Li Wei" })
            #expect(li["organisation"].string == "Green Hands Kunming")
        }
    }

    @Test("what a speaker import refuses: not CSV, no name column, not UTF-8, JSON, over 1 MiB; up to 1 MiB is read", arguments: StoreKind.available)
    func speakerRefusals(kind: StoreKind) async throws {
        try await withTandem(store: kind) { api in
            let admin = try await api.login()
            try await admin.upload("/api/v1/speakers/import", "name,bio_en\n\"Li\" Wei,x\n", type: "text/csv").expectProblem(.unprocessableContent, code: "import-invalid")
            try await admin.upload("/api/v1/speakers/import", "nom,pays\nLi,CN\n", type: "text/csv").expectProblem(.unprocessableContent, code: "import-invalid")
            let latin1 = try await admin.send(.post, "/api/v1/speakers/import", [.contentType: "text/csv", .authorization: "Bearer \(admin.token ?? "")"],
                                              .init(bytes: Array("name\nJos".utf8) + [0xE9] + Array("\n".utf8)))
            latin1.expectProblem(.unprocessableContent, code: "import-invalid")
            try await admin.upload("/api/v1/speakers/import", #"{"name":"Li"}"#, type: "application/json").expectProblem(.unsupportedMediaType)
            try await admin.upload("/api/v1/speakers/import", "", type: "text/csv").expectProblem(.badRequest)
            let rows = (1...900).map { "Speaker \($0),,Organisation number \($0) of the big programme,de,,,,A short biography of speaker \($0).,\r\n" }
            let big = "name,name_zh,organisation,country,cohort,partner_organisation,topics,bio_en,bio_zh\r\n" + rows.joined()
            #expect(big.utf8.count > 64 * 1024)
            let preview = try await admin.upload("/api/v1/speakers/import?dryRun=true", big, type: "text/csv")
            #expect(preview.status == .ok && preview.json["created"].array.count == 900, "\(preview.status)")
            try await admin.upload("/api/v1/speakers/import?dryRun=true", big + String(repeating: "x", count: 1024 * 1024), type: "text/csv")
                .expectProblem(.contentTooLarge)
            let volunteer = try await api.account(.checkin)
            try await volunteer.upload("/api/v1/speakers/import?dryRun=true", "name\nLi\n", type: "text/csv").expectProblem(.forbidden)
        }
    }
}
