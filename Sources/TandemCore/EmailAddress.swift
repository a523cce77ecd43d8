/// A pragmatic e-mail syntax check: one `@`, a non-empty local part, a dotted domain, no spaces.
public enum EmailAddress {
    public static func isPlausible(_ address: String) -> Bool {
        guard address.count <= 254, !address.contains(where: { $0.isWhitespace }) else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}
