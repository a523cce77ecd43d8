import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// The pages of double opt-in (`verified` events), plain HTML without JavaScript:
/// - `GET /registrations/{token}/confirm`, the e-mailed link: a page with one "Confirm" button. It does
///   not confirm by itself, so a mail scanner that opens links cannot confirm for the attendee.
/// - `POST /registrations/{token}/confirm` confirms (as `POST /api/v1/registrations/{token}/confirm`)
///   and sends the browser to the self-service page; after the hold expired, a page that says so (410).
/// - `GET /events/{slug}/register/sent`: "check your e-mail", where the no-JS form lands.
/// Every page says everything in both languages, the chosen one first.
struct RegistrationConfirmController {
    let store: any RegistrationStore & ScheduleStore
    let clock: any WallClock

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/registrations/{token}/confirm", use: show)
        router.post("/registrations/{token}/confirm", use: confirm)
        router.get("/events/{slug}/register/sent") { request, context in
            let slug = try context.parameters.require("slug")
            let event = try await store.schedule(slug: slug, announcementsActiveAt: clock.now()).event
            guard event.status != .draft else { throw StoreError.notFound(entity: "event", key: slug) }
            let language = Language(rawValue: request.uri.queryParameters.get("lang") ?? "") ?? .en
            return BilingualPage.checkEmail(event: event, language: language).response(status: .ok)
        }
    }

    @Sendable func show(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        let (registration, event) = try await store.registration(token: token)
        if registration.isPending, let expiresAt = registration.holdExpiresAt, !RegistrationHolds.hasExpired(expiresAt, at: clock.now()) {
            return BilingualPage.confirm(event: event, registration: registration, token: token).response(status: .ok)
        }
        if registration.isPending || (registration.status == .cancelled
            && RegistrationHolds.wasReleasedUnconfirmed(holdExpiresAt: registration.holdExpiresAt, cancelledAt: registration.cancelledAt)) {
            return BilingualPage.expired(event: event, language: registration.language).response(status: .gone)
        }
        return Response(status: .seeOther, headers: [.location: "/registrations/\(token)", .cacheControl: "no-store"])
    }

    @Sendable func confirm(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        do {
            _ = try await store.confirmRegistration(token: token)
            return Response(status: .seeOther, headers: [.location: "/registrations/\(token)", .cacheControl: "no-store"])
        } catch RegistrationError.holdExpired {
            let (registration, event) = try await store.registration(token: token)
            return BilingualPage.expired(event: event, language: registration.language).response(status: .gone)
        }
    }
}

/// A short page that says the same thing in English and Chinese, `language` first.
struct BilingualPage {
    var title: (en: String, zh: String)
    var paragraphs: [(en: String, zh: String)]
    /// Raw HTML (already escaped) after the paragraphs: a button or a link.
    var action: (en: String, zh: String)?
    var language: Language
    var pageClass: String

    func render() -> String {
        let order: [Language] = language == .en ? [.en, .zh] : [.zh, .en]
        var html = """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(language == .en ? title.en : title.zh))</title>
            <link rel="stylesheet" href="/assets/css/site.css">
            </head>
            <body>
            <main class="register-page \(pageClass)">

            """
        for lang in order {
            let en = lang == .en
            html += "<section lang=\"\(lang.rawValue)\">\n<h1>\(HTML.escape(en ? title.en : title.zh))</h1>\n"
            for paragraph in paragraphs { html += "<p>\(HTML.escape(en ? paragraph.en : paragraph.zh))</p>\n" }
            if let action { html += (en ? action.en : action.zh) + "\n" }
            html += "</section>\n"
        }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    func response(status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: render())))
    }

    static func checkEmail(event: Event, language: Language) -> BilingualPage {
        let slug = HTML.escape(event.slug)
        return BilingualPage(
            title: ("Check your e-mail", "请查收电子邮件"),
            paragraphs: [
                ("We have sent an e-mail to the address you gave, for \(event.title.en). Open the link in it to confirm your registration.",
                 "我们已向您填写的地址发送了关于“\(event.title.text(in: .zh))”的邮件。请打开邮件中的链接确认报名。"),
                ("Your place is held for \(event.registration.holdMinutes) minutes; if it is not confirmed by then, it goes to the next person.",
                 "您的名额将保留 \(event.registration.holdMinutes) 分钟；逾期未确认，将让给下一位。"),
            ],
            action: ("<p><a href=\"/events/\(slug)\">← \(HTML.escape(event.title.en))</a></p>",
                     "<p><a href=\"/events/\(slug)?lang=zh\">← \(HTML.escape(event.title.text(in: .zh)))</a></p>"),
            language: language, pageClass: "check-email-page")
    }

    static func confirm(event: Event, registration: Registration, token: String) -> BilingualPage {
        let until = registration.holdExpiresAt ?? event.startsAt
        let place = registration.status == .waitlisted
            ? ("your place on the waitlist (position \(registration.waitlistPosition ?? 0))", "您在候补名单上的位置（第\(registration.waitlistPosition ?? 0)位）")
            : ("a seat", "一个席位")
        let form = { (label: String) in
            "<form method=\"post\" action=\"/registrations/\(HTML.escape(token))/confirm\"><p><button type=\"submit\">\(HTML.escape(label))</button></p></form>"
        }
        return BilingualPage(
            title: ("Confirm your registration", "确认报名"),
            paragraphs: [
                ("\(registration.name), we hold \(place.0) at \(event.title.en) for you until \(WallTime.dayAndTime(until, in: event.zone, .en)) (\(event.timezone)).",
                 "\(registration.name)，我们为您保留“\(event.title.text(in: .zh))”的\(place.1)至\(WallTime.dayAndTime(until, in: event.zone, .zh))（\(event.timezone)）。"),
            ],
            action: (form("Confirm my registration"), form("确认报名")),
            language: registration.language, pageClass: "confirm-page")
    }

    static func expired(event: Event, language: Language) -> BilingualPage {
        let slug = HTML.escape(event.slug)
        return BilingualPage(
            title: ("This hold expired", "保留已过期"),
            paragraphs: [
                ("The place at \(event.title.en) was held for you for \(event.registration.holdMinutes) minutes and, unconfirmed, has gone to the next person. Please register again.",
                 "“\(event.title.text(in: .zh))”的名额为您保留了 \(event.registration.holdMinutes) 分钟，因未确认已让给下一位。请重新报名。"),
            ],
            action: ("<p><a href=\"/events/\(slug)/register?lang=en\">Register again</a></p>",
                     "<p><a href=\"/events/\(slug)/register?lang=zh\">重新报名</a></p>"),
            language: language, pageClass: "hold-expired-page")
    }
}
