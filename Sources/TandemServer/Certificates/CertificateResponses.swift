import Foundation
import Hummingbird
import TandemCore

/// A certificate of attendance as the attendee's page and the organiser's print-out show it.
struct CertificateResponse: ResponseEncodable, Sendable {
    var registrationId: Int64
    var name: String
    var organisation: String?
    var event: CertificateEvent
    var workshops: [Workshop]
    /// The workshops' time together.
    var workshopMinutes: Int
    var workshopHours: Double
    var organisers: [String]
    var checkedInAt: String?
    var verificationCode: String
    /// The public page that confirms the certificate (the configured public URL).
    var verificationUrl: String
    /// The verification URL as a QR code (SVG).
    var qrCodeUrl: String

    struct Workshop: Encodable, Sendable {
        var sessionId: Int64
        var title: TranslatedText
        var startsAt: String
        var endsAt: String
        var minutes: Int
        var hours: Double
    }

    init(_ certificate: Certificate, code: CertificateCode, publicURL: String) {
        let zone = certificate.event.zone
        registrationId = certificate.registration.id.rawValue
        name = certificate.registration.name
        organisation = certificate.registration.organisation
        event = CertificateEvent(certificate.event)
        workshops = certificate.workshops.map { session in
            let minutes = Self.minutes(session.span.duration)
            return Workshop(sessionId: session.id.rawValue, title: session.title, startsAt: session.startsAt.wire(in: zone),
                            endsAt: session.endsAt.wire(in: zone), minutes: minutes, hours: Self.hours(minutes))
        }
        workshopMinutes = workshops.reduce(0) { $0 + $1.minutes }
        workshopHours = Self.hours(workshopMinutes)
        organisers = certificate.organisers
        checkedInAt = certificate.registration.checkedInAt?.wire(in: zone)
        verificationCode = code.description
        verificationUrl = publicURL + "/certificates/" + code.description
        qrCodeUrl = "/api/v1/certificates/" + code.description + "/qr.svg"
    }

    static func minutes(_ seconds: TimeInterval) -> Int { Int((seconds / 60).rounded()) }
    /// Hours to two decimals (90 minutes: 1.5).
    static func hours(_ minutes: Int) -> Double { (Double(minutes) / 60 * 100).rounded() / 100 }
}

/// The event as a certificate names it: title, dates in its zone, venue.
struct CertificateEvent: Encodable, Sendable {
    var slug: String
    var title: TranslatedText
    var timezone: String
    var startsAt: String
    var endsAt: String
    var venue: Venue

    init(_ event: Event) {
        slug = event.slug
        title = event.title
        timezone = event.timezone
        startsAt = event.startsAt.wire(in: event.zone)
        endsAt = event.endsAt.wire(in: event.zone)
        venue = event.venue
    }
}

/// `GET /api/v1/certificates/{code}`: what anyone holding a certificate may confirm.
struct CertificateVerificationResponse: ResponseEncodable, Sendable {
    var genuine: Bool
    var verificationCode: String
    var name: String
    var event: CertificateEvent
    var workshops: [Workshop]
    var workshopMinutes: Int
    var workshopHours: Double

    struct Workshop: Encodable, Sendable {
        var title: TranslatedText
        var startsAt: String
        var endsAt: String
        var hours: Double
    }

    init(_ certificate: CertificateResponse) {
        genuine = true
        verificationCode = certificate.verificationCode
        name = certificate.name
        event = certificate.event
        workshops = certificate.workshops.map { Workshop(title: $0.title, startsAt: $0.startsAt, endsAt: $0.endsAt, hours: $0.hours) }
        workshopMinutes = certificate.workshopMinutes
        workshopHours = certificate.workshopHours
    }
}
