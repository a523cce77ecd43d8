import Foundation
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// Certificates of attendance: the attendee's own (by the private token), anyone's check of a
/// verification code, and the organiser's print-outs (one, or every one of an event).
struct CertificatesController {
    let store: any RegistrationStore & ScheduleStore & AccountStore
    let signer: CertificateSigner
    let limits: Limits
    let clock: any WallClock
    /// Base of the verification URL printed on each certificate (`AppConfig.resolvedPublicURL`).
    let publicURL: String

    /// Public routes (no auth).
    func addRoutes(public group: RouterGroup<TandemRequestContext>) {
        group.get("/registrations/{token}/certificate", use: own)
        group.get("/certificates/{code}", use: verify)
        group.get("/certificates/{code}/qr.svg", use: qrCode)
    }

    /// Organiser routes: `group` already refuses anonymous callers; each handler asks for
    /// `manageRegistrations` on the event in the path.
    func addRoutes(organiser group: RouterGroup<TandemRequestContext>) {
        group.get("/events/{slug}/certificates", use: all)
        group.get("/events/{slug}/registrations/{id}/certificate", use: one)
    }

    /// The attendee's certificate; 409 with a reason while there is none (not yet, not checked in, cancelled).
    @Sendable func own(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<CertificateResponse> {
        let token = try context.parameters.require("token")
        guard (20...128).contains(token.utf8.count) else { throw StoreError.notFound(entity: "registration", key: "for this link") }
        let (registration, event) = try await store.registration(token: token)
        if let refusal = CertificateRules.refusal(registration, event: event, at: clock.now()) { throw Problem.noCertificate(refusal) }
        let certificate = try await certificates(for: [registration], event: event)[0]
        return EditedResponse(headers: [.cacheControl: "no-store"], response: certificate)
    }

    /// Confirms a certificate by its code: 404 `not-a-certificate` for a code Tandem did not sign,
    /// or whose certificate no longer stands (registration cancelled or erased since). Codes that
    /// do not verify are counted per address and held back like failed logins.
    @Sendable func verify(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<CertificateVerificationResponse> {
        let certificate = try await verifiedCertificate(context)
        return EditedResponse(headers: [.cacheControl: "no-store"], response: CertificateVerificationResponse(certificate))
    }

    /// The verification URL as a QR code, for the printed certificate.
    @Sendable func qrCode(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let certificate = try await verifiedCertificate(context)
        let svg = try QRCode.encode(certificate.verificationUrl)
            .svg(moduleSize: 4, title: "Verify this certificate: \(certificate.verificationUrl) / 验证本证书")
        return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: svg)))
    }

    /// Every certificate of the event (its checked-in attendees), in registration order.
    @Sendable func all(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<Page<CertificateResponse>> {
        _ = try context.require(.manageRegistrations)
        let slug = try context.parameters.require("slug")
        let event = try await store.event(slug: slug)
        if event.status == .cancelled { throw Problem.noCertificate(.eventCancelled) }
        if clock.now() < event.endsAt { throw Problem.noCertificate(.notYet) }
        var attended: [Registration] = []
        var after: Registration.ID?
        while true {
            let page = try await store.registrations(eventSlug: slug, query: RegistrationQuery(status: .confirmed, after: after, limit: 1000))
            attended += page.filter { CertificateRules.refusal($0, event: event, at: clock.now()) == nil }
            guard page.count == 1000, let last = page.last else { break }
            after = last.id
        }
        return EditedResponse(headers: [.cacheControl: "no-store"],
                              response: Page(items: try await certificates(for: attended, event: event), next: nil))
    }

    /// One attendee's certificate, for the organiser; 409 with the reason when there is none.
    @Sendable func one(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<CertificateResponse> {
        _ = try context.require(.manageRegistrations)
        let slug = try context.parameters.require("slug")
        let id = Registration.ID(try context.parameters.require("id", as: Int64.self))
        let event = try await store.event(slug: slug)
        let registration = try await store.registration(eventSlug: slug, id: id)
        if let refusal = CertificateRules.refusal(registration, event: event, at: clock.now()) { throw Problem.noCertificate(refusal) }
        return EditedResponse(headers: [.cacheControl: "no-store"], response: try await certificates(for: [registration], event: event)[0])
    }

    /// The certificate of a code from the path, or 404 `not-a-certificate` (counted against the caller's address).
    private func verifiedCertificate(_ context: TandemRequestContext) async throws -> CertificateResponse {
        try await limits.admitGuess(.certificate, address: context.clientIP)
        let text = try context.parameters.require("code")
        guard let code = CertificateCode(text.removingPercentEncoding ?? text), signer.isSigned(code) else {
            try await limits.guessFailed(.certificate, address: context.clientIP)
            throw Problem.notACertificate()
        }
        // Signed by this server: the registration was issued a certificate (or will be); it stands
        // only while the registration still earns one.
        let registration: Registration, event: Event
        do {
            (registration, event) = try await store.registration(id: Registration.ID(code.registrationID))
        } catch StoreError.notFound {
            throw Problem.notACertificate()
        }
        guard CertificateRules.refusal(registration, event: event, at: clock.now()) == nil else { throw Problem.notACertificate() }
        return try await certificates(for: [registration], event: event)[0]
    }

    /// The certificates of `registrations` (all of `event`, each earning one), with the event's
    /// sessions and organisers read once.
    private func certificates(for registrations: [Registration], event: Event) async throws -> [CertificateResponse] {
        let sessions = try await store.schedule(slug: event.slug, announcementsActiveAt: clock.now()).sessions.map(\.session)
        let organisers = CertificateRules.organisers(of: event, accounts: try await store.accounts())
        return registrations.map { registration in
            let certificate = Certificate(registration: registration, event: event,
                                          workshops: CertificateRules.attendedWorkshops(registration, sessions: sessions), organisers: organisers)
            return CertificateResponse(certificate, code: signer.code(for: registration.id), publicURL: publicURL)
        }
    }
}

extension Problem {
    /// 409: why this attendee has no certificate (yet), in a sentence.
    static func noCertificate(_ refusal: CertificateRefusal) -> Problem {
        let detail = switch refusal {
        case .notYet: "Certificates of attendance are issued once the event is over. Come back to this page after it ends."
        case .notCheckedIn: "There is no certificate of attendance: this attendee was not checked in at the event."
        case .cancelled: "There is no certificate of attendance: this registration was cancelled."
        case .eventCancelled: "There is no certificate of attendance: this event was cancelled."
        case .erased: "There is no certificate of attendance: this registration's personal data was erased on request."
        }
        return Problem(.conflict, code: "certificate-" + refusal.rawValue, title: "No certificate of attendance", detail: detail)
    }

    /// 404: the code is not one of a Tandem certificate that stands.
    static func notACertificate() -> Problem {
        Problem(.notFound, code: "not-a-certificate", title: "Not a Tandem certificate",
                detail: "No certificate of attendance has this verification code. Check it against the printed certificate "
                    + "(O reads as 0, I and L as 1); a certificate whose registration was cancelled no longer verifies.")
    }
}
