import Foundation
import TandemCore

/// Renders an `OutboundMail` as an RFC 5322 / MIME message (CRLF line endings), ready for an MTA.
///
/// Every body part is base64: attendee texts mix Chinese, accents and emoji, and base64 keeps lines
/// short and 7-bit whatever relays sit in between.
public enum MIMEMessage {
    public static func render(_ mail: OutboundMail, from: String, fromName: String, date: Date, messageIDDomain: String) -> String {
        var lines = [
            mailboxHeader("From", name: fromName, address: from),
            mailboxHeader("To", name: mail.toName, address: mail.to),
            unstructuredHeader("Subject", mail.subject),
            "Date: " + rfc5322Date(date),
            "Message-ID: <tandem-\(mail.id)@\(bareToken(messageIDDomain))>",
            "MIME-Version: 1.0",
            // Tells well-behaved auto-responders (vacation replies) not to answer.
            "Auto-Submitted: auto-generated",
        ]
        let text = textPart(mail.text)
        let qrCode = mail.checkInCode.flatMap { checkInPart($0, mailID: mail.id, domain: bareToken(messageIDDomain)) }
        if mail.calendar != nil || qrCode != nil {
            // Base64 never produces "=_", and our part headers don't either, so this cannot occur inside a part.
            let boundary = "=_tandem_\(mail.id)"
            lines += [#"Content-Type: multipart/mixed; boundary="\#(boundary)""#, ""]
            lines += ["--" + boundary] + text
            if let qrCode { lines += ["--" + boundary] + qrCode }
            if let calendar = mail.calendar { lines += ["--" + boundary] + calendarPart(calendar) }
            lines += ["--" + boundary + "--"]
        } else {
            lines += text
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func textPart(_ text: String) -> [String] {
        ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64Body(text)]
    }

    /// The check-in code as a QR code, an inline image that mail clients show below the text; the
    /// same code as the text gives, drawn 8 pixels a module (about 230 pixels square).
    private static func checkInPart(_ code: String, mailID: Int64, domain: String) -> [String]? {
        // A check-in code is at most 28 bytes, far below the encoder's 213: this cannot fail, and if
        // it ever did, the text still carries the code.
        guard let png = try? QRCode.encode(code).png(moduleSize: 8) else { return nil }
        return [
            "Content-Type: image/png",
            "Content-Transfer-Encoding: base64",
            #"Content-Disposition: inline; filename="check-in.png""#,
            "Content-ID: <check-in-\(mailID)@\(domain)>",
            "",
            base64Lines(Data(png)),
        ]
    }

    private static func calendarPart(_ calendar: String) -> [String] {
        [
            "Content-Type: text/calendar; charset=utf-8; method=PUBLISH",
            "Content-Transfer-Encoding: base64",
            #"Content-Disposition: attachment; filename="tandem.ics""#,
            "",
            base64Body(calendar),
        ]
    }

    /// Base64 of the text in canonical form, in lines of 76 characters (RFC 2045 §6.8).
    static func base64Body(_ text: String) -> String {
        base64Lines(Data(canonicalLineEndings(text).utf8))
    }

    /// Base64 in lines of 76 characters.
    static func base64Lines(_ data: Data) -> String {
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76)
            .map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
            .joined(separator: "\r\n")
    }

    /// MIME text (and iCalendar) must have CRLF line breaks *before* base64 encoding; texts built
    /// in Swift usually have bare LF, which some clients show as one long line.
    static func canonicalLineEndings(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { result.append("\r") }
                result.append("\n")
            } else {
                if previousWasCR { result.append("\n") }
                result.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        if previousWasCR { result.append("\n") }
        return String(result)
    }
}
