import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// Organiser writes on speaker profiles (programme-wide, not per event).
struct SpeakersController {
    let store: any ScheduleStore

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.post("/speakers", use: create)
        group.patch("/speakers/{id}", use: update)
    }

    @Sendable func create(_ request: Request, context: TandemRequestContext) async throws -> EditedResponse<SpeakerResponse> {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: CreateSpeakerRequest.self, context: context)
        let speaker = try await store.createSpeaker(body.speaker, by: context.actor)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/speakers/\(speaker.id)"], response: SpeakerResponse(speaker))
    }

    @Sendable func update(_ request: Request, context: TandemRequestContext) async throws -> SpeakerResponse {
        _ = try context.require(.editSchedule)
        let body = try await request.decodeJSON(as: UpdateSpeakerRequest.self, context: context)
        return SpeakerResponse(try await store.updateSpeaker(
            id: Speaker.ID(try context.parameters.require("id", as: Int64.self)), patch: body.patch, by: context.actor))
    }
}

// The request bodies of SpeakersController's routes.
extension SpeakersController {
    /// `POST /api/v1/speakers`.
    struct CreateSpeakerRequest: Decodable {
        var name: String
        var nameZh: String?
        var organisation: String?
        var country: String?
        var bio: TranslatedText?
        var topics: [String]?
        var fellowship: Fellowship?

        var speaker: Speaker {
            Speaker(id: .init(0), name: name.trimmingWhitespace, nameZh: nameZh?.trimmingWhitespace,
                    organisation: organisation?.trimmingWhitespace, country: country?.asciiUppercased,
                    bio: bio?.normalised, topics: topics ?? [], fellowship: fellowship)
        }
    }

    /// `PATCH /api/v1/speakers/{id}`.
    struct UpdateSpeakerRequest: Decodable {
        var patch = SpeakerPatch()

        enum CodingKeys: String, CodingKey { case name, nameZh, organisation, country, bio, topics, fellowship }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            patch.name = try c.decodeUpdate(String.self, forKey: .name)
            patch.nameZh = try c.decodeNullableUpdate(String.self, forKey: .nameZh)
            patch.organisation = try c.decodeNullableUpdate(String.self, forKey: .organisation)
            patch.country = try c.decodeNullableUpdate(String.self, forKey: .country)
            patch.bio = try c.decodeNullableUpdate(TranslatedText.self, forKey: .bio)
            patch.topics = try c.decodeUpdate([String].self, forKey: .topics)
            patch.fellowship = try c.decodeNullableUpdate(Fellowship.self, forKey: .fellowship)
            if case .set(let country?) = patch.country { patch.country = .set(country.asciiUppercased) }
            if case .set(let name) = patch.name { patch.name = .set(name.trimmingWhitespace) }
            if case .set(let nameZh?) = patch.nameZh { patch.nameZh = .set(nameZh.trimmingWhitespace) }
            if case .set(let organisation?) = patch.organisation { patch.organisation = .set(organisation.trimmingWhitespace) }
            if case .set(let bio?) = patch.bio { patch.bio = .set(bio.normalised) }
        }
    }
}
