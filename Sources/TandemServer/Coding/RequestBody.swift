import Foundation
import Hummingbird
import NIOCore

/// Reading whole-file request bodies (a CSV, a schedule.json) within the route's body limit.
extension Request {
    /// The body's bytes, when its `Content-Type` (if any) is one of `mediaTypes` (`text/csv`); 415
    /// otherwise, 413 past the limit, 400 when empty.
    func collectFile(_ mediaTypes: [String], describedAs what: String, context: some RequestContext) async throws -> ByteBuffer {
        if let contentType = headers[.contentType], let mediaType = MediaType(from: contentType),
           !mediaTypes.contains("\(mediaType.type.rawValue)/\(mediaType.subType)".lowercased())
        {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", title: "Unsupported media type",
                          detail: "Send the \(what) as \(mediaTypes.joined(separator: " or ")).")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw ProblemMapping.tooLarge()
        }
        guard buffer.readableBytes > 0 else { throw Problem.badRequest("The request body is empty; send the \(what).", code: "empty-body") }
        return buffer
    }
}

