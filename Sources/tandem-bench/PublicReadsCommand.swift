import ArgumentParser
import Foundation

/// `reads --peer nginx` (issue 18): every public read of one event, from Tandem and from nginx
/// serving the very same bytes as files, each over the same `GetLoop` load client, one after the
/// other per document. Reports requests/s, p50 and p99 of each, and Tandem's rate over nginx's.
struct PublicReadsCommand {
    let connections: Int
    let duration: Int
    let slug: String?
    let nginx: String
    let json: Bool

    /// One public read, and the file nginx serves its bytes from.
    struct Document: Sendable {
        var name: String
        var path: String
        var file: String
    }

    struct Row: Encodable {
        var document: String
        var path: String
        var bytes: Int
        var tandem: ScheduleReadCommand.Report
        var nginx: ScheduleReadCommand.Report
        /// Tandem's requests/s over nginx's.
        var ratio: Double
    }

    struct Report: Encodable {
        var connections: Int
        var seconds: Int
        var slug: String
        var documents: [Row]
    }

    func run(_ server: ServerUnderTest) async throws {
        let admin = HTTPConnection(host: server.host, port: server.port)
        let prepared: (slug: String, documents: [Document], bodies: [Data])
        do {
            let (slug, documents) = try await prepare(admin, server)
            prepared = (slug, documents, try await Self.fetch(documents, from: admin))
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        let (slug, documents, bodies) = prepared
        let peer = try await NginxPeer.launch(template: "nginx-static.conf", binary: nginx) { prefix in
            let folder = prefix.appendingPathComponent("documents")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (document, body) in zip(documents, bodies) { try body.write(to: folder.appendingPathComponent(document.file)) }
        }
        var rows: [Row] = []
        do {
            // nginx must answer with the very bytes Tandem did.
            let check = HTTPConnection(host: "127.0.0.1", port: peer.port)
            let served = try await Self.fetch(documents.map { Document(name: $0.name, path: "/" + $0.file, file: $0.file) }, from: check)
            await check.close()
            guard served == bodies else { throw BenchError("nginx does not serve the bytes Tandem answered") }
            if !json { print("public reads of \(slug): \(connections) connections, \(duration) s each, Tandem then nginx serving the same bytes from files") }
            if !json { print(Self.header) }
            for (document, body) in zip(documents, bodies) {
                let tandem = try await ScheduleReadCommand.measure(host: server.host, port: server.port, path: document.path,
                                                                   connections: connections, duration: duration)
                let reference = try await ScheduleReadCommand.measure(host: "127.0.0.1", port: peer.port, path: "/" + document.file,
                                                                      connections: connections, duration: duration)
                let row = Row(document: document.name, path: document.path, bytes: body.count, tandem: tandem, nginx: reference,
                              ratio: reference.perSecond > 0 ? tandem.perSecond / reference.perSecond : 0)
                if !json { print(Self.line(row)) }
                rows.append(row)
            }
        } catch {
            peer.stop()
            throw error
        }
        peer.stop()
        if json { printJSON(Report(connections: connections, seconds: duration, slug: slug, documents: rows)) }
        if rows.contains(where: { $0.tandem.errors + $0.nginx.errors > 0 }) {
            FileHandle.standardError.write(Data("some reads were not answered 200\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The event (the given one, or a new one with a ~20 KB schedule) and its public reads.
    private func prepare(_ admin: HTTPConnection, _ server: ServerUnderTest) async throws -> (String, [Document]) {
        let slug: String
        let room: Int?
        if let given = self.slug {
            struct Detail: Decodable {
                struct Room: Decodable { var id: Int }
                var rooms: [Room]
            }
            let detail = try await admin.send(.get, "/api/v1/events/\(given)")
            try BenchEvent.expect(200, detail, "reading event \(given)")
            slug = given
            room = try detail.decode(Detail.self).rooms.first?.id
        } else {
            let event = try await BenchEvent.create(admin, token: try await login(admin, server), slugPrefix: "reads", scheduleBytes: 20_000)
            slug = event.slug
            room = event.roomIDs.first
        }
        let api = "/api/v1/events/\(slug)"
        var documents = [
            Document(name: "event", path: api, file: "event.json"),
            Document(name: "schedule", path: "\(api)/schedule", file: "schedule-api.json"),
            Document(name: "frab schedule.json", path: "\(api)/schedule.json", file: "schedule.json"),
            Document(name: "frab schedule.xml", path: "\(api)/schedule.xml", file: "schedule.xml"),
            Document(name: "iCalendar", path: "\(api)/schedule.ics", file: "schedule.ics"),
        ]
        if let room { documents.append(Document(name: "iCalendar, one room", path: "\(api)/schedule.ics?room=\(room)", file: "room-\(room).ics")) }
        // The event page is a file of Public/, served when the server found that folder.
        if try await admin.send(.get, "/events/\(slug)").status == 200 {
            documents.append(Document(name: "event page", path: "/events/\(slug)", file: "event-page.html"))
        }
        return (slug, documents)
    }

    private static func fetch(_ documents: [Document], from connection: HTTPConnection) async throws -> [Data] {
        var bodies: [Data] = []
        for document in documents {
            let reply = try await connection.send(.get, document.path)
            try BenchEvent.expect(200, reply, "reading \(document.path)")
            bodies.append(reply.body)
        }
        return bodies
    }

    static let header = "document".padding(toLength: 22, withPad: " ", startingAt: 0) + "bytes".leftPadded(8)
        + "Tandem req/s".leftPadded(14) + "p50".leftPadded(8) + "p99".leftPadded(8)
        + "nginx req/s".leftPadded(13) + "p50".leftPadded(8) + "p99".leftPadded(8) + "Tandem/nginx".leftPadded(14)

    static func line(_ row: Row) -> String {
        func ms(_ value: Double) -> String { String(format: "%.2f", value).leftPadded(8) }
        return row.document.padding(toLength: 22, withPad: " ", startingAt: 0) + String(row.bytes).leftPadded(8)
            + String(format: "%.0f", row.tandem.perSecond).leftPadded(14) + ms(row.tandem.p50ms) + ms(row.tandem.p99ms)
            + String(format: "%.0f", row.nginx.perSecond).leftPadded(13) + ms(row.nginx.p50ms) + ms(row.nginx.p99ms)
            + String(format: "%.3f×", row.ratio).leftPadded(14)
            + (row.tandem.errors + row.nginx.errors > 0 ? "  errors: Tandem \(row.tandem.errors), nginx \(row.nginx.errors)" : "")
    }
}
