import Foundation
import TandemCore
@testable import TandemServer
import Testing

@Suite("Side events: a parent must be visible to the caller and must not make a cycle", .timeLimit(.minutes(5)))
struct SideEventTests {
    @Test("an event's organiser cannot hang it under a draft they cannot see; the answer is the same as for no such event")
    func draftParent() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            #expect(try await admin.post("/api/v1/events", Body.event(slug: "secret-summit-2030", status: "draft")).status == .created)
            #expect(try await admin.post("/api/v1/events", Body.event(slug: "open-summit-2030")).status == .created)
            let organiser = try await api.eventAccount("local@example.org", role: "organiser", event: "hamburg-2017")
            let hidden = try await organiser.patch("/api/v1/events/hamburg-2017", #"{"kind":"side-event","parentSlug":"secret-summit-2030"}"#)
                .expectProblem(.unprocessableContent)
            let missing = try await organiser.patch("/api/v1/events/hamburg-2017", #"{"kind":"side-event","parentSlug":"no-such-summit"}"#)
                .expectProblem(.unprocessableContent)
            #expect(hidden["detail"].string?.replacingOccurrences(of: "secret-summit-2030", with: "X")
                == missing["detail"].string?.replacingOccurrences(of: "no-such-summit", with: "X"))
            // A published parent is fine, and so is a draft for whoever may edit it.
            #expect(try await organiser.patch("/api/v1/events/hamburg-2017", #"{"kind":"side-event","parentSlug":"open-summit-2030"}"#).status == .ok)
            #expect(try await admin.patch("/api/v1/events/hamburg-2017", #"{"parentSlug":"secret-summit-2030"}"#).status == .ok)
        }
    }

    @Test("parents cannot form a cycle, however long")
    func cycles() async throws {
        try await withTandem { api in
            let admin = try await api.login()
            for slug in ["summit-a-2030", "summit-b-2030", "summit-c-2030"] {
                #expect(try await admin.post("/api/v1/events", Body.event(slug: slug)).status == .created)
                #expect(try await admin.patch("/api/v1/events/\(slug)", #"{"kind":"side-event"}"#).status == .ok)
            }
            #expect(try await admin.patch("/api/v1/events/summit-b-2030", #"{"parentSlug":"summit-a-2030"}"#).status == .ok)
            #expect(try await admin.patch("/api/v1/events/summit-c-2030", #"{"parentSlug":"summit-b-2030"}"#).status == .ok)
            let cycle = try await admin.patch("/api/v1/events/summit-a-2030", #"{"parentSlug":"summit-c-2030"}"#).expectProblem(.unprocessableContent)
            #expect(cycle["errors"][0]["field"].string == "parentSlug")
            try await admin.patch("/api/v1/events/summit-a-2030", #"{"parentSlug":"summit-a-2030"}"#).expectProblem(.unprocessableContent)
            #expect(try await api.get("/api/v1/events/summit-a-2030").json["parentSlug"].isNull)
        }
    }
}
