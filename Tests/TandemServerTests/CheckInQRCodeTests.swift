import Foundation
import HTTPTypes
import Testing
import TandemCore
import TandemTestSupport

/// The check-in code as a QR code: `check-in.svg` for the attendee's page, and an inline PNG in the
/// confirmation and promotion e-mails, read back with zbarimg.
@Suite("Check-in QR code: the attendee's route and the e-mails", .timeLimit(.minutes(5)))
struct CheckInQRCodeTests {
    static let register = "/api/v1/events/hamburg-2017/registrations"

    @Test("check-in.svg: the code's QR code, never cached, exactly when the registration's JSON shows a code", arguments: StoreKind.available)
    func svgRoute(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: 1, mode: "verified")
            for n in 1...3 { #expect(try await anonymous.post(Self.register, Attendee.body(n)).status == .accepted) }
            let tokens = try await anonymous.confirmationTokens(count: 3)
            try #require(tokens.count == 3)

            let held = try await anonymous.get("/api/v1/registrations/\(tokens[0])/check-in.svg")
            let problem = held.expectProblem(.notFound, code: "no-check-in-code")
            #expect(problem["detail"].string == "This registration has no check-in code until it is confirmed from the e-mail.")

            #expect(try await anonymous.call(.post, "/api/v1/registrations/\(tokens[0])/confirm").json["status"].string == "confirmed")
            #expect(try await anonymous.call(.post, "/api/v1/registrations/\(tokens[1])/confirm").json["status"].string == "waitlisted")
            let code = try #require(try await anonymous.get("/api/v1/registrations/\(tokens[0])").json["checkInCode"].string)
            let reply = try await anonymous.get("/api/v1/registrations/\(tokens[0])/check-in.svg")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "image/svg+xml" && reply.headers[.cacheControl] == "no-store")
            #expect(reply.text == (try QRCode.encode(code)).svg(moduleSize: 8, title: "Check-in code \(code) / 签到码 \(code)"))

            // Confirmed, waitlisted (whose page shows the code too), pending: the image follows the JSON.
            for token in tokens {
                let shown = try await anonymous.get("/api/v1/registrations/\(token)").json["checkInCode"].string
                let image = try await anonymous.get("/api/v1/registrations/\(token)/check-in.svg")
                #expect((image.status == .ok) == (shown != nil), "\(image.status) for a code \(shown ?? "not shown")")
                if let shown { #expect(image.text.contains("<title>Check-in code \(shown) /")) }
            }

            #expect(try await anonymous.delete("/api/v1/registrations/\(tokens[0])").json["status"].string == "cancelled")
            let cancelled = try await anonymous.get("/api/v1/registrations/\(tokens[0])/check-in.svg")
            #expect(cancelled.expectProblem(.notFound, code: "no-check-in-code")["detail"].string == "This registration is cancelled, so it has no check-in code.")
            try await anonymous.get("/api/v1/registrations/\(String(repeating: "x", count: 43))/check-in.svg").expectProblem(.notFound, code: "not-found")
            try await anonymous.get("/api/v1/registrations/short/check-in.svg").expectProblem(.notFound, code: "not-found")
        }
    }

    @Test("the confirmation and the promotion carry a QR code PNG that reads back as the code in their text; waitlist and cancellation e-mails none",
          arguments: StoreKind.available)
    func mail(kind: StoreKind) async throws {
        try await withTandem(store: kind) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.openEvent(capacity: 1)
            let first = try #require(try await anonymous.post(Self.register, Attendee.body(1)).json["token"].string)
            let second = try #require(try await anonymous.post(Self.register, Attendee.body(2, language: "zh")).json["token"].string)
            let firstCode = try #require(try await anonymous.get("/api/v1/registrations/\(first)").json["checkInCode"].string)
            _ = try await anonymous.waitForMail(count: 2)
            #expect(try await anonymous.delete("/api/v1/registrations/\(first)").status == .ok)
            _ = try await anonymous.waitForMail(count: 4)
            let secondCode = try #require(try await anonymous.get("/api/v1/registrations/\(second)").json["checkInCode"].string)

            let messages = try DeliveredMessage.all(in: anonymous.mailFolder)
            #expect(messages.map(\.kind).sorted() == ["cancelled", "confirmation", "promoted", "waitlisted"])
            for message in messages {
                let image = message.parts.first { $0.contentType == "image/png" }
                switch message.kind {
                case "confirmation", "promoted":
                    let code = message.kind == "confirmation" ? firstCode : secondCode
                    let text = try #require(message.parts.first { $0.contentType == "text/plain; charset=utf-8" }?.text)
                    #expect(text.contains(code), "the text gives the code")
                    let png = try #require(image, "\(message.kind) has the QR code")
                    #expect(png.headers.contains(#"Content-Disposition: inline; filename="check-in.png""#))
                    #expect(png.headers.contains { $0.hasPrefix("Content-ID: <check-in-") })
                    #expect(try ZBar.decodeText(png: Array(png.data)) == code)
                    #expect(message.parts.contains { $0.contentType.hasPrefix("text/calendar") }, "the calendar is still there")
                default:
                    #expect(image == nil, "\(message.kind) has no QR code")
                }
            }
        }
    }
}

/// A delivered .eml, split into its MIME parts (every part base64, as `MIMEMessage` writes them).
private struct DeliveredMessage {
    struct Part {
        var headers: [String]
        var data: Data
        var contentType: String { headers.first { $0.hasPrefix("Content-Type: ") }.map { String($0.dropFirst(14)) } ?? "" }
        var text: String? { String(data: data, encoding: .utf8) }
    }

    var kind: String
    var parts: [Part]

    /// Every message in `folder`; the kind is the file name's last part (`20170601-120000-42-confirmation.eml`).
    static func all(in folder: String) throws -> [DeliveredMessage] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }.sorted().map { name in
            let message = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            let kind = String(name.dropLast(4).split(separator: "-", maxSplits: 3).last ?? "")
            guard let boundary = message.firstMatch(of: /boundary="([^"]+)"/)?.1 else {
                return DeliveredMessage(kind: kind, parts: [try part(message)])
            }
            let sections = message.components(separatedBy: "--\(boundary)").dropFirst().dropLast()
            return DeliveredMessage(kind: kind, parts: try sections.map { try part(String($0.trimmingPrefix("\r\n"))) })
        }
    }

    /// Header lines, a blank line, a base64 body.
    private static func part(_ text: String) throws -> Part {
        let split = text.components(separatedBy: "\r\n\r\n")
        let body = split.dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
        return Part(headers: split[0].components(separatedBy: "\r\n"), data: try #require(Data(base64Encoded: body)))
    }
}
