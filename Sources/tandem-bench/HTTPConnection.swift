import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// One keep-alive HTTP/1.1 connection to the server under test (HummingbirdTesting's NIO client).
struct HTTPConnection: Sendable {
    let client: TestClient

    init(host: String, port: Int) {
        client = TestClient(host: host, port: port, configuration: .init(timeout: .seconds(120)))
        client.connect()
    }

    struct Reply: Sendable {
        var status: Int
        var body: Data

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }
    }

    func send(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, token: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [.connection: "keep-alive"]
        if json != nil { headers[.contentType] = "application/json" }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(TestClient.Request(path, method: method, authority: "localhost", headers: headers,
                                                                   body: json.map { ByteBuffer(string: $0) }))
        var body = response.body ?? ByteBuffer()
        return Reply(status: Int(response.status.code), body: body.readData(length: body.readableBytes) ?? Data())
    }

    func close() async { try? await client.shutdown() }
}
