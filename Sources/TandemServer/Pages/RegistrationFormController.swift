import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import TandemCore
import TandemStore

/// The registration form as a plain HTML form post, for browsers without JavaScript:
/// `GET /events/{slug}/register` shows it, `POST` registers (303 to the self-service page; on a `verified` event to the
/// "check your e-mail" page, whatever the address) or shows
/// the form again with each error next to its field and the entered values kept. The event page's
/// scripted form posts JSON to the API instead; both go through the same store rules.
struct RegistrationFormController {
    let store: any RegistrationStore & ScheduleStore
    let tokens: any SelfServiceTokens
    let limits: Limits
    let activity: RegistrationActivity
    /// Which announcements are active when the form page is drawn.
    let clock: any WallClock

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/events/{slug}/register") { request, context in
            let slug = try context.parameters.require("slug")
            let language = Language(rawValue: request.uri.queryParameters.get("lang") ?? "") ?? .en
            return try await page(slug: slug, form: Form(language: language), errors: [], message: nil, status: .ok)
        }
        router.post("/events/{slug}/register", use: submit)
    }

    /// The values a form post carried.
    struct Form {
        var name = ""
        var email = ""
        var organisation = ""
        var country = ""
        var language: Language = .en
        var sessionIDs: Set<Int64> = []
        var consent = false

        init(language: Language = .en) { self.language = language }

        /// Parses `application/x-www-form-urlencoded` (checkboxes repeat `sessionIds`).
        init(urlEncoded body: String) {
            let parameters = URI("/?" + body.replacingOccurrences(of: "+", with: "%20")).queryParameters
            name = parameters.get("name") ?? ""
            email = parameters.get("email") ?? ""
            organisation = parameters.get("organisation") ?? ""
            country = parameters.get("country") ?? ""
            language = Language(rawValue: parameters.get("language") ?? "") ?? .en
            sessionIDs = Set(parameters.getAll("sessionIds").compactMap { Int64($0) })
            consent = parameters.get("consent") == "yes"
        }

        /// The same request the JSON API builds, with the same normalisation.
        var request: RegistrationRequest {
            RegisterRequest(name: name, email: email, organisation: organisation, country: country.trimmingWhitespace, language: language,
                            sessionIds: sessionIDs.sorted().map { Session.ID($0) }, consent: consent).request
        }
    }

    @Sendable func submit(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Unsupported media type",
                          detail: "Send the form as application/x-www-form-urlencoded, or use POST /api/v1/events/{slug}/registrations with JSON.")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let form = Form(urlEncoded: String(buffer: body))
        do {
            try await limits.admitRegistration(address: context.clientIP, eventSlug: slug, store: store)
            let receipt = try await store.registerCounted(eventSlug: slug, form.request, activity: activity)
            if receipt.checkEmail {
                return Response(status: .seeOther, headers: [.location: "/events/\(slug)/register/sent?lang=\(form.language.rawValue)", .cacheControl: "no-store"])
            }
            return Response(status: .seeOther, headers: [.location: "/registrations/\(receipt.token)", .cacheControl: "no-store"])
        } catch {
            let problem = ProblemMapping.problem(for: error)
            guard problem.status.code < 500, problem.status != .notFound else { throw error }
            return try await page(slug: slug, form: form, errors: problem.errors ?? [], message: problem.errors == nil ? problem.detail ?? problem.title : nil,
                                  status: problem.status)
        }
    }

    func page(slug: String, form: Form, errors: [FieldError], message: String?, status: HTTPResponse.Status) async throws -> Response {
        let schedule = try await store.schedule(slug: slug, announcementsActiveAt: clock.now())
        guard schedule.event.status != .draft else { throw StoreError.notFound(entity: "event", key: slug) }
        let html = RegistrationFormPage(schedule: schedule, form: form, errors: errors, message: message).render()
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The HTML of the form page. Every piece of stored or submitted text goes through `HTML.escape`.
struct RegistrationFormPage {
    let schedule: EventSchedule
    let form: RegistrationFormController.Form
    let errors: [FieldError]
    let message: String?

    var language: Language { form.language }

    func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }

    func render() -> String {
        let event = schedule.event
        let title = HTML.escape(event.title.text(in: language))
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .zh ? "zh_CN" : "en_GB")
        formatter.timeZone = event.zone
        formatter.dateFormat = language == .zh ? "M月d日 HH:mm" : "EEE d MMM, HH:mm"
        let workshops = schedule.sessions.filter { $0.session.capacity != nil && $0.session.status == .scheduled }
        var html = """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(t("Register", "报名")) — \(title)</title>
            <link rel="stylesheet" href="/assets/css/site.css">
            </head>
            <body>
            <main class="register-page">
            <p><a href="/events/\(HTML.escape(event.slug))">← \(title)</a></p>
            <h1>\(t("Register", "报名")): \(title)</h1>

            """
        if let message { html += "<p class=\"form-error\" role=\"alert\">\(HTML.escape(message))</p>\n" }
        if !errors.isEmpty {
            html += "<div class=\"form-error\" role=\"alert\"><p>\(t("Please correct the fields marked below.", "请更正下面标出的内容。"))</p></div>\n"
        }
        html += "<form method=\"post\" action=\"/events/\(HTML.escape(event.slug))/register\">\n"
        html += field("name", t("Name", "姓名"), value: form.name, type: "text", required: true, autocomplete: "name")
        html += field("email", t("E-mail", "电子邮件"), value: form.email, type: "email", required: true, autocomplete: "email")
        html += field("organisation", t("Organisation", "机构"), value: form.organisation, type: "text", required: false, autocomplete: "organization")
        html += field("country", t("Country (two letters, e.g. DE, CN)", "国家（两个字母，如 DE、CN）"), value: form.country, type: "text",
                      required: false, autocomplete: "country")
        html += """
            <p><label for="language">\(t("Language for e-mails", "邮件语言"))</label>
            <select id="language" name="language">
            <option value="en"\(form.language == .en ? " selected" : "")>English</option>
            <option value="zh"\(form.language == .zh ? " selected" : "")>中文</option>
            </select>\(errorText("language"))</p>

            """
        if !workshops.isEmpty {
            html += "<fieldset><legend>\(t("Workshops (limited seats)", "工作坊（名额有限）"))</legend>\n"
            for detail in workshops {
                let session = detail.session
                let left = max(0, (session.capacity ?? 0) - session.seats.confirmed)
                let seats = left > 0 ? t("\(left) seats left", "剩余 \(left) 个名额") : t("full — waitlist", "已满，可候补")
                let checked = form.sessionIDs.contains(session.id.rawValue) ? " checked" : ""
                html += """
                    <p><input type="checkbox" id="session-\(session.id)" name="sessionIds" value="\(session.id)"\(checked)>
                    <label for="session-\(session.id)">\(HTML.escape(session.title.text(in: language))) — \
                    \(HTML.escape(formatter.string(from: session.startsAt))) (\(HTML.escape(event.timezone))) · \(HTML.escape(seats))</label></p>

                    """
            }
            html += "\(errorText("sessionIds"))</fieldset>\n"
        }
        html += """
            <p><input type="checkbox" id="consent" name="consent" value="yes"\(form.consent ? " checked" : "") required>
            <label for="consent">\(t("I agree that my data is processed to organise this event.", "我同意为组织本活动而处理我的数据。"))</label>\(errorText("consent"))</p>
            <p><button type="submit">\(t("Register", "报名"))</button></p>
            </form>
            </main>
            </body>
            </html>

            """
        return html
    }

    func field(_ name: String, _ label: String, value: String, type: String, required: Bool, autocomplete: String) -> String {
        let invalid = errors.contains { $0.field == name }
        return """
            <p><label for="\(name)">\(HTML.escape(label))</label>
            <input id="\(name)" name="\(name)" type="\(type)" value="\(HTML.escape(value))" autocomplete="\(autocomplete)"\
            \(required ? " required" : "")\(invalid ? " aria-invalid=\"true\" aria-describedby=\"\(name)-error\"" : "")>\(errorText(name))</p>

            """
    }

    func errorText(_ field: String) -> String {
        let messages = errors.filter { $0.field == field || $0.field.hasPrefix(field + "[") }.map(\.message)
        guard !messages.isEmpty else { return "" }
        return " <span class=\"field-error\" id=\"\(field)-error\">\(HTML.escape(messages.joined(separator: "; ")))</span>"
    }
}

/// Escaping for text and attribute values in HTML.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
