import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Fires requests at a live server over `connections` parallel HTTP connections.
enum Burst {
    struct Outcome: Sendable {
        var index: Int
        var reply: Reply?
        var error: String?
    }

    static func post(host: String = "127.0.0.1", port: Int, path: String, bodies: [String], connections: Int) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: [Outcome].self) { group in
            for lane in 0..<connections {
                group.addTask {
                    let client = TestClient(host: host, port: port, configuration: .init(timeout: .seconds(60)))
                    client.connect()
                    var outcomes: [Outcome] = []
                    for index in stride(from: lane, to: bodies.count, by: connections) {
                        do {
                            // With a Host header, as HTTP/1.1 requires (nginx refuses a request without one).
                            let response = try await client.execute(TestClient.Request(
                                path, method: .post, authority: "localhost", headers: [.contentType: "application/json"],
                                body: ByteBuffer(string: bodies[index])))
                            outcomes.append(Outcome(index: index, reply: Reply(status: response.status, headers: response.headers,
                                                                              body: Data(buffer: response.body ?? ByteBuffer()))))
                        } catch {
                            outcomes.append(Outcome(index: index, reply: nil, error: "\(error)"))
                            break // the connection is gone
                        }
                    }
                    try? await client.shutdown()
                    return outcomes
                }
            }
            var all: [Outcome] = []
            for try await outcomes in group { all += outcomes }
            return all.sorted { $0.index < $1.index }
        }
    }
}
