import Foundation
import Hummingbird
import NIOCore

/// Reading whole request bodies (a JSON object, a CSV, a schedule.json) within the route's body limit.
extension Request {
    /// The body's bytes, when its `Content-Type` (if any) is one of `mediaTypes` (`text/csv`); 415
    /// otherwise, 413 past the limit, 400 when empty.
    func collectFile(_ mediaTypes: [String], describedAs what: String, context: some RequestContext) async throws -> ByteBuffer {
        try await collectBody(
            accepting: { mediaTypes.contains("\($0.type.rawValue)/\($0.subType)".lowercased()) },
            unsupported: "Send the \(what) as \(mediaTypes.joined(separator: " or ")).",
            empty: Problem.badRequest("The request body is empty; send the \(what).", code: "empty-body"), context: context)
    }

    /// The body's bytes, when its `Content-Type` (if any) is accepted (415 with `unsupported` otherwise);
    /// 413 past the route's limit; `empty` when there are none.
    func collectBody(accepting accepts: (MediaType) -> Bool, unsupported: String, empty: Problem,
                     context: some RequestContext) async throws -> ByteBuffer {
        if let contentType = headers[.contentType], let mediaType = MediaType(from: contentType), !accepts(mediaType) {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Unsupported media type", detail: unsupported)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw ProblemMapping.tooLarge()
        }
        guard buffer.readableBytes > 0 else { throw empty }
        return buffer
    }
}
