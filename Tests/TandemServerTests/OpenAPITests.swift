import Foundation
import Testing
@testable import TandemServer
import TandemStore
import TandemTestSupport

@Suite("OpenAPI document", .timeLimit(.minutes(5)))
struct OpenAPITests {
    /// `(method, path)` pairs documented in Public/openapi.yaml, read from its `paths:` block.
    static func documentedOperations() throws -> Set<String> {
        let yaml = try String(contentsOfFile: testConfig().publicDirectory + "/openapi.yaml", encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("#") { break }
            if line.hasPrefix("  /") && line.hasSuffix(":") && !line.hasPrefix("   ") {
                currentPath = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            } else if let path = currentPath, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                let method = line.trimmingCharacters(in: .whitespaces).dropLast()
                if methods.contains(String(method)) { operations.insert("\(method.uppercased()) \(path)") }
            }
        }
        return operations
    }

    @Test("every registered route is documented, and nothing undocumented is described")
    func coversEveryRoute() async throws {
        let registered = Set(try RouteMatrix.routes())
        let documented = try Self.documentedOperations()
        #expect(registered.count > 20)
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes that do not exist")
    }
}
