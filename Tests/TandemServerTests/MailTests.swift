import Foundation
import Logging
import Synchronization
import TandemCore
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("E-mail rendering and delivery", .timeLimit(.minutes(5)))
struct MailTests {
    static let sentAt = at("2017-06-15 09:30", "Europe/Berlin")

    static func mail(
        id: Int64 = 42, to: String = "ada@example.org", toName: String? = "Ada Lovelace", subject: String = "You're registered",
        text: String = "Hello Ada,\r\nsee you in Hamburg.", calendar: String? = nil, checkInCode: String? = nil, kind: String = "confirmation"
    ) -> OutboundMail {
        OutboundMail(id: id, to: to, toName: toName, subject: subject, text: text, calendar: calendar, checkInCode: checkInCode, kind: kind, language: .en)
    }

    static func render(_ mail: OutboundMail, fromName: String = "Tandem Exchange") -> String {
        MIMEMessage.render(mail, from: "noreply@tandem.example", fromName: fromName, date: sentAt, messageIDDomain: "tandem.example")
    }

    // MARK: Headers

    @Test("a Chinese subject is B-encoded into words of at most 75 characters that decode back exactly")
    func chineseSubject() throws {
        let subject = "报名确认：2017年汉堡中欧青年交流工作坊——可持续城市与公民社会（第二期）"
        let message = Parsed(Self.render(Self.mail(subject: subject)))
        let raw = try #require(message.rawHeader("Subject"))
        let words = raw.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\n" }).map(String.init)
        #expect(words.count > 1)
        for word in words {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.count <= 75)
            // Each word holds whole characters, so it is valid UTF-8 on its own.
            #expect(String(data: try #require(Parsed.decodeWord(word)), encoding: .utf8) != nil)
        }
        #expect(message.decodedHeader("Subject") == subject)
    }

    @Test("header lines are folded to at most 78 characters, continuation lines start with a space")
    func folding() {
        let long = String(repeating: "Nachhaltige Stadtentwicklung und Zivilgesellschaft ", count: 4)
        for subject in [long, String(repeating: "可持续发展", count: 30), String(repeating: "😀", count: 40)] {
            let message = Parsed(Self.render(Self.mail(toName: "欧阳 " + String(repeating: "娜", count: 40), subject: subject)))
            #expect(message.headerLines.allSatisfy { $0.utf8.count <= 78 })
            #expect(message.headerLines.filter { $0.hasPrefix(" ") }.count >= 2)
            #expect(message.decodedHeader("Subject") == subject.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test("an ASCII subject stays readable and unfolds to the original text")
    func asciiSubject() {
        let subject = "Your place at the Hamburg workshop is confirmed: schedule, venue and how to change your choices"
        let message = Parsed(Self.render(Self.mail(subject: subject)))
        #expect(message.rawHeader("Subject") == subject)
        #expect(message.headerLines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("every line ends in CRLF; no bare CR or LF anywhere")
    func crlf() {
        let rendered = Self.render(Self.mail(text: "line one\nline two\rline three", calendar: "BEGIN:VCALENDAR\nEND:VCALENDAR\n"))
        let bytes = Array(rendered.utf8)
        #expect(rendered.hasSuffix("\r\n"))
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D) }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A) }
        }
    }

    @Test("CR and LF in header values cannot start new headers")
    func headerInjection() {
        let message = Parsed(MIMEMessage.render(
            Self.mail(to: "ada@example.org\r\nBcc: eve@example.org", toName: "Ada\r\nBcc: eve@example.org",
                      subject: "Hi\r\nBcc: eve@example.org\nX-Evil: 1"),
            from: "noreply@tandem.example\nBcc: eve@example.org", fromName: "Tandem\r\nBcc: eve@example.org",
            date: Self.sentAt, messageIDDomain: "tandem.example\r\nX-Evil: 1"))
        #expect(!message.headerLines.contains { $0.hasPrefix("Bcc") || $0.hasPrefix("X-Evil") })
        #expect(message.decodedHeader("Subject") == "Hi Bcc: eve@example.org X-Evil: 1")
        #expect(message.rawHeader("To") == #""Ada Bcc: eve@example.org" <ada@example.orgBcc:eve@example.org>"#)
        #expect(message.rawHeader("Message-ID") == "<tandem-42@tandem.exampleX-Evil:1>")
    }

    @Test("display names: plain, quoted when they contain specials, encoded when not ASCII; none without a name")
    func displayNames() {
        #expect(Parsed(Self.render(Self.mail(toName: "Ada Lovelace"))).rawHeader("To") == "Ada Lovelace <ada@example.org>")
        #expect(Parsed(Self.render(Self.mail(toName: #"Lovelace, "Ada""#))).rawHeader("To") == #""Lovelace, \"Ada\"" <ada@example.org>"#)
        #expect(Parsed(Self.render(Self.mail(toName: nil))).rawHeader("To") == "ada@example.org")
        #expect(Parsed(Self.render(Self.mail(toName: "  "))).rawHeader("To") == "ada@example.org")
        let chinese = Parsed(Self.render(Self.mail(toName: "王小明"), fromName: "中欧交流 Tandem"))
        #expect(chinese.rawHeader("To")?.hasPrefix("=?UTF-8?B?") == true)
        #expect(chinese.decodedHeader("To") == "王小明 <ada@example.org>")
        #expect(chinese.decodedHeader("From") == "中欧交流 Tandem <noreply@tandem.example>")
    }

    @Test("Date is RFC 5322 in UTC; Message-ID, MIME-Version and Auto-Submitted are set")
    func fixedHeaders() {
        let message = Parsed(Self.render(Self.mail()))
        #expect(message.rawHeader("Date") == "Thu, 15 Jun 2017 07:30:00 +0000")
        #expect(MIMEMessage.rfc5322Date(at("2026-11-29 11:00", "Europe/Berlin")) == "Sun, 29 Nov 2026 10:00:00 +0000")
        #expect(MIMEMessage.rfc5322Date(at("2027-01-03 00:05", "Asia/Shanghai")) == "Sat, 02 Jan 2027 16:05:00 +0000")
        #expect(message.rawHeader("Message-ID") == "<tandem-42@tandem.example>")
        #expect(message.rawHeader("MIME-Version") == "1.0")
        #expect(message.rawHeader("Auto-Submitted") == "auto-generated")
    }

    // MARK: Bodies

    @Test("the base64 body decodes to the exact UTF-8 text", arguments: [
        "你好，王小明！\r\n您的报名已确认。",
        "Élodie, Jürgen, Łukasz, François: à bientôt à Hambourg.",
        "مرحبا بكم في ورشة العمل",
        "See you there 👋🏽👩‍👩‍👧‍👦🇪🇺🇨🇳",
        String(repeating: "长文本 long text ", count: 200),
    ])
    func body(text: String) throws {
        let message = Parsed(Self.render(Self.mail(text: text)))
        #expect(message.rawHeader("Content-Type") == "text/plain; charset=utf-8")
        #expect(message.rawHeader("Content-Transfer-Encoding") == "base64")
        #expect(message.body.split(separator: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(try Parsed.decodeBase64(message.body) == text)
    }

    @Test("bare LF in the text becomes CRLF, the canonical form of MIME text")
    func canonicalText() throws {
        let message = Parsed(Self.render(Self.mail(text: "one\ntwo\r\nthree\rfour\n")))
        #expect(try Parsed.decodeBase64(message.body) == "one\r\ntwo\r\nthree\r\nfour\r\n")
    }

    @Test("with a calendar: multipart/mixed with the text, then the .ics as an attachment")
    func multipart() throws {
        let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\nSUMMARY:工作坊\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let message = Parsed(Self.render(Self.mail(text: "你好", calendar: calendar)))
        #expect(message.rawHeader("Content-Type") == #"multipart/mixed; boundary="=_tandem_42""#)
        let sections = message.body.components(separatedBy: "--=_tandem_42")
        try #require(sections.count == 4)
        #expect(sections[3] == "--")
        let text = Parsed(String(sections[1].trimmingPrefix("\r\n")))
        #expect(text.rawHeader("Content-Type") == "text/plain; charset=utf-8")
        #expect(try Parsed.decodeBase64(text.body) == "你好")
        let ics = Parsed(String(sections[2].trimmingPrefix("\r\n")))
        #expect(ics.rawHeader("Content-Type") == "text/calendar; charset=utf-8; method=PUBLISH")
        #expect(ics.rawHeader("Content-Transfer-Encoding") == "base64")
        #expect(ics.rawHeader("Content-Disposition") == #"attachment; filename="tandem.ics""#)
        #expect(try Parsed.decodeBase64(ics.body) == calendar)
    }

    @Test("with a check-in code: the text, the code as an inline QR code PNG (with a Content-ID) that reads back as the code, then the .ics")
    func checkInImage() throws {
        let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
        let message = Parsed(Self.render(Self.mail(text: "Your check-in code: 42-K7QM-3XPT", calendar: calendar, checkInCode: "42-K7QM-3XPT")))
        #expect(message.rawHeader("Content-Type") == #"multipart/mixed; boundary="=_tandem_42""#)
        let sections = message.body.components(separatedBy: "--=_tandem_42")
        try #require(sections.count == 5)
        let parts = sections[1...3].map { Parsed(String($0.trimmingPrefix("\r\n"))) }
        #expect(parts.map { $0.rawHeader("Content-Type") } == ["text/plain; charset=utf-8", "image/png", "text/calendar; charset=utf-8; method=PUBLISH"])
        let image = parts[1]
        #expect(image.rawHeader("Content-Transfer-Encoding") == "base64")
        #expect(image.rawHeader("Content-Disposition") == #"inline; filename="check-in.png""#)
        #expect(image.rawHeader("Content-ID") == "<check-in-42@tandem.example>")
        #expect(image.body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        let png = try #require(Data(base64Encoded: image.body.replacingOccurrences(of: "\r\n", with: "")))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(Array(png) == (try QRCode.encode("42-K7QM-3XPT")).png(moduleSize: 8))
        #expect(try ZBar.decodeText(png: Array(png)) == "42-K7QM-3XPT")
        #expect(try Parsed.decodeBase64(parts[2].body) == calendar)

        // Without a calendar the image still goes along; without a code there is none.
        let noCalendar = Parsed(Self.render(Self.mail(checkInCode: "7-0000-0000"))).body.components(separatedBy: "--=_tandem_42")
        #expect(noCalendar.count == 4 && noCalendar[2].contains("Content-Type: image/png"))
        #expect(!Self.render(Self.mail(calendar: calendar)).contains("image/png"))
        #expect(!Self.render(Self.mail()).contains("multipart"))
    }

    // MARK: Transports

    @Test("DirectoryTransport writes the rendered message to a dated file, creating the folder")
    func directory() async throws {
        let folder = Self.temporaryFolder().appendingPathComponent("outbox/nested")
        let transport = DirectoryTransport(folder: folder.path, from: "noreply@tandem.example", fromName: "Tandem Exchange",
                                           messageIDDomain: "tandem.example", clock: TestClock(Self.sentAt))
        try await transport.deliver(Self.mail(calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files == ["20170615-073000-42-confirmation.eml"])
        let written = try String(contentsOf: folder.appendingPathComponent(files[0]), encoding: .utf8)
        #expect(written == Self.render(Self.mail(calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")))
        #expect(DirectoryTransport.fileName(for: Self.mail(kind: "../../etc"), at: Self.sentAt) == "20170615-073000-42-______etc.eml")
    }

    @Test("SendmailTransport pipes the rendered message to the command")
    func sendmail() async throws {
        let folder = Self.temporaryFolder()
        let captured = folder.appendingPathComponent("captured.eml")
        let script = try Self.script(in: folder, "cat > '\(captured.path)'\nprintf '%s\\n' \"$@\" > '\(captured.path).args'")
        let transport = Self.sendmail(script)
        try await transport.deliver(Self.mail(subject: "报名确认", calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"))
        #expect(try String(contentsOf: captured, encoding: .utf8)
            == Self.render(Self.mail(subject: "报名确认", calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")))
        #expect(try String(contentsOfFile: captured.path + ".args", encoding: .utf8) == "-t\n-i\n")
    }

    @Test("a failing command makes delivery throw with its exit status and error output")
    func sendmailFails() async throws {
        let script = try Self.script(in: Self.temporaryFolder(), "echo 'queue directory not writable' >&2\nexit 75")
        let transport = Self.sendmail(script)
        await #expect(throws: MailTransportError.commandFailed(path: script.path, exitStatus: 75, stderr: "queue directory not writable")) {
            try await transport.deliver(Self.mail())
        }
    }

    @Test("a command that exits without reading a large message fails cleanly (no SIGPIPE, no hang)")
    func sendmailIgnoresInput() async throws {
        let script = try Self.script(in: Self.temporaryFolder(), "exit 1")
        await #expect(throws: MailTransportError.commandFailed(path: script.path, exitStatus: 1, stderr: "")) {
            try await Self.sendmail(script).deliver(Self.mail(text: String(repeating: "x", count: 2_000_000)))
        }
    }

    @Test("a missing command throws commandNotFound")
    func sendmailMissing() async throws {
        let path = Self.temporaryFolder().appendingPathComponent("no-such-sendmail").path
        await #expect(throws: MailTransportError.commandNotFound(path: path)) {
            try await Self.sendmail(URL(fileURLWithPath: path)).deliver(Self.mail())
        }
    }

    @Test("a command that hangs is killed after the timeout")
    func sendmailTimeout() async throws {
        let script = try Self.script(in: Self.temporaryFolder(), "exec sleep 30")
        var transport = Self.sendmail(script)
        transport.timeout = .milliseconds(300)
        await #expect(throws: MailTransportError.timedOut(path: script.path, after: .milliseconds(300))) {
            try await transport.deliver(Self.mail())
        }
    }

    @Test("an address that would add recipients under sendmail -t is refused before running anything", arguments: [
        "a>,<eve@example.org", "ada@example.org, eve@example.org", "ada@example.org\r\nBcc: eve@example.org", "ada", "@example.org",
    ])
    func sendmailRefusesAddress(address: String) async throws {
        let folder = Self.temporaryFolder()
        let script = try Self.script(in: folder, "touch '\(folder.path)/ran'")
        await #expect(throws: MailTransportError.invalidRecipient(address)) {
            try await Self.sendmail(script).deliver(Self.mail(to: address))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/ran"))
        #expect(SendmailTransport.isSinglePlainAddress("王.小明+tandem@例子.中国"))
    }

    @Test("LogTransport logs subject, kind and id, never the recipient or the body")
    func log() async throws {
        let records = LogRecords()
        let logger = Logger(label: "mail-test") { _ in CapturingLogHandler(records: records) }
        try await LogTransport(logger: logger).deliver(Self.mail(text: "secret link https://tandem.example/r/abc"))
        let entries = records.entries.withLock { $0 }
        try #require(entries.count == 1)
        #expect(entries[0].level == .info)
        #expect(entries[0].metadata["mail.to"] == nil)
        #expect(!"\(entries[0])".contains("ada@example.org"))
        #expect(entries[0].metadata["mail.subject"] == "You're registered")
        #expect(entries[0].metadata["mail.kind"] == "confirmation")
        #expect(entries[0].metadata["mail.id"] == "42")
        #expect(!"\(entries[0])".contains("secret"))
    }

    // MARK: Helpers

    static func temporaryFolder() -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-mail-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// An executable shell script standing in for sendmail.
    static func script(in folder: URL, _ body: String) throws -> URL {
        let url = folder.appendingPathComponent("sendmail")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    static func sendmail(_ script: URL) -> SendmailTransport {
        SendmailTransport(path: script.path, from: "noreply@tandem.example", fromName: "Tandem Exchange",
                          messageIDDomain: "tandem.example", clock: TestClock(sentAt))
    }
}

/// A rendered message split the way a mail client would: header lines, then the body.
private struct Parsed {
    var headerLines: [String]
    var body: String

    init(_ message: String) {
        let split = message.components(separatedBy: "\r\n\r\n")
        headerLines = split[0].components(separatedBy: "\r\n")
        body = split.dropFirst().joined(separator: "\r\n\r\n")
        if body.hasSuffix("\r\n") { body.removeLast() }  // "\r\n" is one Character
    }

    /// The header's value, unfolded (RFC 5322 §2.2.3: just remove each CRLF).
    func rawHeader(_ name: String) -> String? {
        guard let start = headerLines.firstIndex(where: { $0.hasPrefix(name + ": ") }) else { return nil }
        var value = String(headerLines[start].dropFirst(name.count + 2))
        for line in headerLines[(start + 1)...] {
            guard line.hasPrefix(" ") else { break }
            value += line
        }
        return value
    }

    /// The value with encoded-words decoded; white space between adjacent encoded-words is dropped (RFC 2047 §6.2).
    func decodedHeader(_ name: String) -> String? {
        guard let raw = rawHeader(name) else { return nil }
        var bytes: [UInt8] = []
        for token in raw.split(separator: " ") {
            if let decoded = Self.decodeWord(String(token)) {
                bytes += decoded
            } else {
                if !bytes.isEmpty { bytes += Array(" ".utf8) }
                bytes += Array(token.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decodeWord(_ word: String) -> Data? {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return nil }
        return Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
    }

    static func decodeBase64(_ body: String) throws -> String {
        let data = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
        return try #require(String(data: data, encoding: .utf8))
    }
}
