import Foundation
import TandemCore

/// An outbox message written without its text, with everything its text is made of, as the
/// registration stands now. The stores only read and persist these; `MailComposer` writes the text.
public struct MailDraft: Sendable {
    public var id: Int64
    /// `nil`: a kind this build does not know.
    public var kind: RegistrationMailKind?
    /// When the message was queued: its "now" (what is upcoming, what has passed).
    public var createdAt: Date
    /// `nil`: the registration was erased (or is gone) before the text was written: nothing to send.
    public var registration: Registration?
    public var tokenNonce: String?
    public var event: Event?
    /// The attendee's sessions and the changed ones.
    public var sessions: [Session.ID: Session]
    public var roomNames: [Room.ID: String]
    /// For a programme-change notice: the sessions as they were before the burst of edits.
    public var changes: [SessionSnapshot]

    public init(id: Int64, kind: RegistrationMailKind?, createdAt: Date, registration: Registration? = nil, tokenNonce: String? = nil,
                event: Event? = nil, sessions: [Session.ID: Session] = [:], roomNames: [Room.ID: String] = [:], changes: [SessionSnapshot] = []) {
        self.id = id
        self.kind = kind
        self.createdAt = createdAt
        self.registration = registration
        self.tokenNonce = tokenNonce
        self.event = event
        self.sessions = sessions
        self.roomNames = roomNames
        self.changes = changes
    }
}

/// A draft's text, or `nil` when there is nothing to send (the attendee was erased).
public struct ComposedMail: Sendable {
    public var id: Int64
    public var mail: RegistrationMail?

    public init(id: Int64, mail: RegistrationMail?) {
        self.id = id
        self.mail = mail
    }
}

/// Writes the text of queued e-mails, outside every store's write path: the stores queue a row in
/// the transaction that decides (so nothing confirmed ever lacks its e-mail), and the outbox worker
/// composes it here, once, for every store.
public struct MailComposer: Sendable {
    public let tokens: any SelfServiceTokens

    public init(tokens: any SelfServiceTokens) {
        self.tokens = tokens
    }

    public func compose(_ draft: MailDraft) -> RegistrationMail? {
        guard let kind = draft.kind, let registration = draft.registration, registration.erasedAt == nil,
              let nonce = draft.tokenNonce, let event = draft.event else { return nil }
        let token = tokens.token(nonce: nonce)
        let context = RegistrationMail.Context(
            event: event, sessions: draft.sessions, roomNames: draft.roomNames, selfServiceURL: tokens.url(token: token),
            checkInCode: tokens.checkInCode(registrationID: registration.id.rawValue, token: token).description, now: draft.createdAt)
        return RegistrationMail.compose(kind, for: registration, context: context, changes: draft.changes)
    }

    /// Composes up to `limit` queued messages of `store`. Returns how many were looked at.
    @discardableResult
    public func composePending(in store: any RegistrationStore, limit: Int = 200) async throws -> Int {
        let drafts = try await store.mailDrafts(limit: limit)
        guard !drafts.isEmpty else { return 0 }
        try await store.storeComposedMail(drafts.map { ComposedMail(id: $0.id, mail: compose($0)) })
        return drafts.count
    }

    /// Composes everything queued.
    public func composeAllPending(in store: any RegistrationStore) async throws {
        while try await composePending(in: store, limit: 200) == 200 {}
    }
}
