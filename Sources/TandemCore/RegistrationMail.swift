import Foundation

/// Why an attendee gets an e-mail.
public enum RegistrationMailKind: String, Codable, Hashable, Sendable {
    case confirmation
    /// `verified` mode: "confirm your registration" with the link, before the place is the attendee's.
    case confirmRequest = "confirm-request"
    /// `verified` mode: the address registered again; it gets its own link back (at most hourly).
    case alreadyRegistered = "already-registered"
    case waitlisted
    case promoted
    case sessionPromoted = "session-promoted"
    case cancelled
    case scheduleChanged = "schedule-changed"
    /// The organisers cancelled the whole event.
    case eventCancelled = "event-cancelled"

    /// Whether the message gives the check-in code (in the text, and as a QR code beside it): only
    /// when it tells the attendee that a seat at the event is theirs.
    public var showsCheckInCode: Bool { self == .confirmation || self == .promoted }
}

/// A session as it was before a burst of edits, for "Thu 13:00 → Thu 14:15, Room B".
public struct SessionSnapshot: Codable, Hashable, Sendable {
    public var sessionID: Session.ID
    public var title: TranslatedText
    public var startsAt: Date
    public var endsAt: Date
    public var roomName: String
    public var cancelled: Bool

    public init(sessionID: Session.ID, title: TranslatedText, startsAt: Date, endsAt: Date, roomName: String, cancelled: Bool) {
        self.sessionID = sessionID
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.roomName = roomName
        self.cancelled = cancelled
    }

    /// Whether an attendee must hear of the session as it stands now (`nil`: it was deleted),
    /// compared with this snapshot from before a burst of edits. A session moved and moved back
    /// again is no news; a retitled one is no news either (the notice is about time, room and status).
    public func isNews(comparedTo now: Session?, roomName: String?) -> Bool {
        guard let now else { return true }
        return now.startsAt != startsAt || now.endsAt != endsAt || (roomName ?? "") != self.roomName
            || (now.status == .cancelled) != cancelled
    }
}

/// The subject, text and calendar of an e-mail to an attendee, written in their language first
/// and the other language below it.
public struct RegistrationMail: Hashable, Sendable {
    public var subject: String
    public var text: String
    public var calendar: String?
    /// The check-in code the text gives, for the QR code sent with it; `nil` when the text gives none.
    public var checkInCode: String?

    /// Everything an e-mail about a registration may mention.
    public struct Context: Sendable {
        public var event: Event
        public var sessions: [Session.ID: Session]
        public var roomNames: [Room.ID: String]
        public var selfServiceURL: String
        /// Shown at the door; `nil` leaves the line out.
        public var checkInCode: String?
        public var now: Date

        public init(event: Event, sessions: [Session.ID: Session], roomNames: [Room.ID: String], selfServiceURL: String,
                    checkInCode: String? = nil, now: Date) {
            self.checkInCode = checkInCode
            self.event = event
            self.sessions = sessions
            self.roomNames = roomNames
            self.selfServiceURL = selfServiceURL
            self.now = now
        }
    }

    public static func compose(_ kind: RegistrationMailKind, for registration: Registration, context: Context,
                               changes: [SessionSnapshot] = []) -> RegistrationMail {
        let first = registration.language
        let second: Language = first == .en ? .zh : .en
        let writer = { (language: Language) in Writer(language: language, registration: registration, context: context) }
        let subject = writer(first).subject(kind)
        let text = writer(first).body(kind, changes: changes) + "\n\n——————————\n\n" + writer(second).body(kind, changes: changes)
        let calendar: String? = switch kind {
        case .confirmation, .promoted, .sessionPromoted, .scheduleChanged: writer(first).calendar()
        case .waitlisted, .cancelled, .eventCancelled, .confirmRequest, .alreadyRegistered: nil
        }
        return RegistrationMail(subject: subject, text: text, calendar: calendar, checkInCode: kind.showsCheckInCode ? context.checkInCode : nil)
    }

    /// One language's wording.
    struct Writer {
        let language: Language
        let registration: Registration
        let context: Context

        var en: Bool { language == .en }
        var eventTitle: String { context.event.title.text(in: language) }

        func subject(_ kind: RegistrationMailKind) -> String {
            switch kind {
            case .confirmation: en ? "You are registered: \(eventTitle)" : "报名成功：\(eventTitle)"
            case .confirmRequest: en ? "Please confirm your registration: \(eventTitle)" : "请确认您的报名：\(eventTitle)"
            case .alreadyRegistered: en ? "You are already registered: \(eventTitle)" : "您已报名：\(eventTitle)"
            case .waitlisted: en ? "You are on the waitlist: \(eventTitle)" : "您已进入候补名单：\(eventTitle)"
            case .promoted: en ? "A seat is yours: \(eventTitle)" : "您已获得席位：\(eventTitle)"
            case .sessionPromoted: en ? "A workshop seat is yours: \(eventTitle)" : "您已获得工作坊席位：\(eventTitle)"
            case .cancelled: en ? "Registration cancelled: \(eventTitle)" : "报名已取消：\(eventTitle)"
            case .scheduleChanged: en ? "Programme change: \(eventTitle)" : "日程变更：\(eventTitle)"
            case .eventCancelled: en ? "Event cancelled: \(eventTitle)" : "活动取消：\(eventTitle)"
            }
        }

        func body(_ kind: RegistrationMailKind, changes: [SessionSnapshot]) -> String {
            var lines = [en ? "Dear \(registration.name)," : "\(registration.name)，您好：", ""]
            switch kind {
            case .confirmation:
                lines.append(en ? "thank you for registering for \(eventTitle). Your seat is confirmed." : "感谢您报名参加“\(eventTitle)”。您的席位已确认。")
            case .confirmRequest:
                let until = registration.holdExpiresAt.map { WallTime.dayAndTime($0, in: context.event.zone, language) } ?? "?"
                let place = registration.status == .waitlisted
                    ? (en ? "your place on the waitlist (position \(registration.waitlistPosition ?? 0))" : "您在候补名单上的位置（第\(registration.waitlistPosition ?? 0)位）")
                    : (en ? "a seat" : "一个席位")
                lines.append(en ? "please confirm that you want to come to \(eventTitle). We hold \(place) for you until \(until) (\(context.event.timezone)); after that it goes to the next person."
                                : "请确认您将参加“\(eventTitle)”。我们为您保留\(place)至\(until)（\(context.event.timezone)），逾期将让给下一位。")
                lines.append("")
                lines.append(en ? "Confirm: \(context.selfServiceURL)/confirm" : "确认报名：\(context.selfServiceURL)/confirm")
                lines.append(en ? "If you did not register, ignore this e-mail: nothing happens without the link."
                                : "如果您没有报名，请忽略此邮件：不点击链接，什么也不会发生。")
            case .alreadyRegistered:
                lines.append(registration.isPending
                    ? (en ? "someone (probably you) tried to register this address for \(eventTitle) again. Your registration is waiting for confirmation: \(context.selfServiceURL)/confirm"
                          : "有人（可能是您）再次用此地址报名“\(eventTitle)”。您的报名正等待确认：\(context.selfServiceURL)/confirm")
                    : (en ? "someone (probably you) tried to register this address for \(eventTitle) again. You are already registered; nothing has changed."
                          : "有人（可能是您）再次用此地址报名“\(eventTitle)”。您已报名，一切未变。"))
            case .waitlisted:
                let position = registration.waitlistPosition.map(String.init) ?? "?"
                lines.append(en ? "\(eventTitle) is full, so you are on the waitlist (position \(position)). We will write as soon as a seat frees up."
                                : "“\(eventTitle)”已满，您在候补名单上（第\(position)位）。一旦有空位，我们会立即通知您。")
            case .promoted:
                lines.append(en ? "good news: a seat at \(eventTitle) has freed up and is now yours." : "好消息：“\(eventTitle)”有空位了，现在席位属于您。")
            case .sessionPromoted:
                lines.append(en ? "good news: a seat in a workshop you waited for is now yours." : "好消息：您候补的工作坊有空位了，现在席位属于您。")
            case .cancelled:
                lines.append(en ? "your registration for \(eventTitle) is cancelled. Your seat goes to the next person waiting."
                                : "您对“\(eventTitle)”的报名已取消。您的席位将让给下一位候补者。")
            case .eventCancelled:
                lines.append(en ? "we are sorry: \(eventTitle) has been cancelled by the organisers. You do not need to do anything."
                                : "很抱歉：主办方已取消“\(eventTitle)”。您无需进行任何操作。")
            case .scheduleChanged:
                lines.append(en ? "the programme changed for sessions you chose:" : "您所选场次的日程有变：")
                lines.append("")
                lines += changes.map { "• " + changeLine($0) }
            }
            lines.append("")
            lines.append(eventLine())
            let chosen = sessionLines()
            if !chosen.isEmpty && kind != .cancelled && kind != .eventCancelled {
                lines.append("")
                lines.append(en ? "Your workshops:" : "您选择的工作坊：")
                lines += chosen
            }
            if let code = context.checkInCode, kind.showsCheckInCode {
                lines.append("")
                lines.append(en ? "Your check-in code (show it at the door): \(code)" : "您的签到码（入场时出示）：\(code)")
            }
            lines.append("")
            lines.append(en ? "See, change or cancel your registration: \(context.selfServiceURL)"
                            : "查看、修改或取消报名：\(context.selfServiceURL)")
            lines.append(en ? "Keep this link private: it is your key to your registration." : "请勿转发此链接：它是您报名的钥匙。")
            return lines.joined(separator: "\n")
        }

        func eventLine() -> String {
            let event = context.event
            let place = [event.venue.name, event.venue.city].joined(separator: ", ")
            return "\(eventTitle) — \(WallTime.day(event.startsAt, in: event.zone, language)) – \(WallTime.day(event.endsAt, in: event.zone, language)), \(place) (\(event.timezone))"
        }

        func sessionLines() -> [String] {
            registration.choices.compactMap { choice in
                guard let session = context.sessions[choice.sessionID] else { return nil }
                let state: String = switch choice.status {
                case .confirmed: en ? "seat confirmed" : "席位已确认"
                case .waitlisted: en ? "waitlist position \(choice.waitlistPosition ?? 0)" : "候补第\(choice.waitlistPosition ?? 0)位"
                case .pending: en ? "after a seat at the event" : "待获得活动席位后"
                }
                return "• \(slot(session.startsAt, session.endsAt, room: context.roomNames[session.roomID])) \(session.title.text(in: language)) (\(state))"
            }
        }

        func changeLine(_ before: SessionSnapshot) -> String {
            let title = before.title.text(in: language)
            let old = slot(before.startsAt, before.endsAt, room: before.roomName)
            guard let now = context.sessions[before.sessionID], now.status == .scheduled else {
                return en ? "\(title): \(old) — cancelled" : "\(title)：\(old) — 已取消"
            }
            return "\(title): \(old) → \(slot(now.startsAt, now.endsAt, room: context.roomNames[now.roomID]))"
        }

        func slot(_ start: Date, _ end: Date, room: String?) -> String {
            let zone = context.event.zone
            let time = "\(WallTime.dayAndTime(start, in: zone, language))–\(WallTime.time(end, in: zone))"
            return room.map { "\(time), \($0)" } ?? time
        }

        func calendar() -> String {
            let event = context.event
            let place = [event.venue.name, event.venue.address, event.venue.city].compactMap { $0 }.joined(separator: ", ")
            let confirmed = registration.choices.filter { $0.status == .confirmed }.compactMap { context.sessions[$0.sessionID] }
            var entries = [ICalendar.Entry(uid: "event-\(event.id)@tandem", start: event.startsAt, end: event.endsAt,
                                           summary: eventTitle, location: place, sequence: event.scheduleVersion)]
            entries += confirmed.map { session in
                ICalendar.Entry(uid: "\(session.guid.uuidString.lowercased())@tandem", start: session.startsAt, end: session.endsAt,
                                summary: session.title.text(in: language),
                                location: [context.roomNames[session.roomID], place].compactMap { $0 }.joined(separator: ", "),
                                cancelled: session.status == .cancelled, sequence: session.version)
            }
            return ICalendar(name: eventTitle, entries: entries, stamp: context.now).render()
        }
    }
}

/// Wall-clock times in an event's zone, worded per language: "Thu 15 Jun 13:00" / "6月15日（周四）13:00".
public enum WallTime {
    private static let weekdaysEn = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let weekdaysZh = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]
    private static let monthsEn = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Wall-clock parts in `zone`: the instant shifted by the zone's offset, read in UTC,
    /// which avoids building an ICU calendar per zone and call.
    private static func parts(_ date: Date, _ zone: TimeZone) -> DateComponents {
        let local = date.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: date)))
        return utc.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: local)
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    public static func time(_ date: Date, in zone: TimeZone) -> String {
        let c = parts(date, zone)
        return String(format: "%02d:%02d", c.hour!, c.minute!)
    }

    public static func day(_ date: Date, in zone: TimeZone, _ language: Language) -> String {
        let c = parts(date, zone)
        return language == .en
            ? "\(weekdaysEn[c.weekday! - 1]) \(c.day!) \(monthsEn[c.month! - 1]) \(c.year!)"
            : "\(c.year!)年\(c.month!)月\(c.day!)日（\(weekdaysZh[c.weekday! - 1])）"
    }

    public static func dayAndTime(_ date: Date, in zone: TimeZone, _ language: Language) -> String {
        let c = parts(date, zone)
        return language == .en
            ? "\(weekdaysEn[c.weekday! - 1]) \(c.day!) \(monthsEn[c.month! - 1]) \(time(date, in: zone))"
            : "\(c.month!)月\(c.day!)日（\(weekdaysZh[c.weekday! - 1])）\(time(date, in: zone))"
    }
}
