import Foundation

/// Why an organiser account gets an e-mail (the outbox's `kind`), beside `RegistrationMailKind`.
public enum AccountMailKind: String, Codable, Hashable, Sendable {
    /// An admin invited the account: the link sets its first password.
    case invite = "account-invite"
}

/// The e-mail that invites someone to the organiser team: a one-time link that sets their password,
/// in English with Chinese below (an account has no language of its own), in `RegistrationMail`'s style.
public struct AccountInviteMail: Hashable, Sendable {
    public var subject: String
    public var text: String

    /// `link` carries the token; `expiresAt` is said in UTC, since an account belongs to no venue.
    public static func compose(name: String, email: String, role: Account.Role, link: String, expiresAt: Date,
                               invitedBy: String) -> AccountInviteMail {
        let until = "\(WallTime.dayAndTime(expiresAt, in: ZoneCache.utc, .en)) UTC"
        let untilZh = "\(WallTime.dayAndTime(expiresAt, in: ZoneCache.utc, .zh))（UTC）"
        let english = [
            "Dear \(name),",
            "",
            "\(invitedBy) has invited you to the Tandem organiser team as \(roleName(role, .en)). Your login is \(email).",
            "",
            "Choose your password here: \(link)",
            "",
            "The link works once, until \(until). If it has expired, ask an admin to invite you again.",
            "If you did not expect this e-mail, ignore it: without the link nothing happens.",
        ]
        let chinese = [
            "\(name)，您好：",
            "",
            "\(invitedBy) 邀请您以\(roleName(role, .zh))身份加入 Tandem 组织团队。您的登录账号是 \(email)。",
            "",
            "请在此设置您的密码：\(link)",
            "",
            "此链接只能使用一次，有效期至\(untilZh)。如已过期，请联系管理员重新邀请。",
            "如果您没有预期收到此邮件，请忽略：不点击链接，什么也不会发生。",
        ]
        return AccountInviteMail(subject: "Your Tandem organiser account / 您的 Tandem 组织者账号",
                                 text: english.joined(separator: "\n") + "\n\n——————————\n\n" + chinese.joined(separator: "\n"))
    }

    static func roleName(_ role: Account.Role, _ language: Language) -> String {
        switch (role, language) {
        case (.admin, .en): "an admin"
        case (.organiser, .en): "an organiser"
        case (.checkin, .en): "a check-in volunteer"
        case (.member, .en): "a team member"
        case (.admin, .zh): "管理员"
        case (.organiser, .zh): "组织者"
        case (.checkin, .zh): "签到志愿者"
        case (.member, .zh): "团队成员"
        }
    }
}
