/// The symbol as a small SVG document: a white square, and one path of rectangles (one per run of
/// dark modules in a row), in module units, with the quiet zone.
extension QRCode {
    /// `moduleSize`: pixels per module for the `width` and `height` (the drawing scales freely).
    /// `title`: the image's accessible name.
    public func svg(moduleSize: Int = 8, title: String = "QR code") -> String {
        precondition(moduleSize >= 1, "a module is at least one pixel wide")
        let side = size + 2 * Self.quietZone
        let pixels = side * moduleSize
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                let run = x - start
                path += "M\(start + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
            }
        }
        return #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(pixels)" height="\#(pixels)" viewBox="0 0 \#(side) \#(side)""#
            + #" shape-rendering="crispEdges" role="img"><title>\#(Self.xmlEscaped(title))</title>"#
            + ##"<rect width="\##(side)" height="\##(side)" fill="#fff"/><path fill="#000" d="\##(path)"/></svg>"##
    }

    /// Text for XML character data or an attribute value.
    static func xmlEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
