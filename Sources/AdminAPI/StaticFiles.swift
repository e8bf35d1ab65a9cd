import Foundation
import Domain
import Crypto
import HTTPServer

/// The admin pages under `Public/`, read once at start, served with a strong ETag, revalidated
/// on every load (`no-cache`), and a Content-Security-Policy that allows only our own scripts.
struct StaticFiles: Sendable {
    struct File: Sendable {
        let body: [UInt8]
        let contentType: String
        let etag: String
    }

    static let securityHeaders: [(name: String, value: String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ]

    private let files: [String: File]

    init(directory: String) {
        var files: [String: File] = [:]
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let data = FileManager.default.contents(atPath: url.path)
            else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count))
            let body = Array(data)
            files[relative] = File(
                body: body, contentType: Self.contentType(url.pathExtension),
                etag: "\"" + Encoding.hex(Array(Digest.sha256(body).prefix(16))) + "\"")
        }
        if let index = files["/index.html"] { files["/"] = index }
        self.files = files
    }

    var isEmpty: Bool { files.isEmpty }

    /// PayTrace Protect's hosts, whose library and card fields the card page (`card.html`) loads.
    static let protectOrigins = ["https://protect.paytrace.com", "https://protect.sandbox.paytrace.com"]

    /// The card page's policy: our own scripts and PayTrace Protect's (its library, and its card
    /// fields in a frame), plus the addresses the administrator allowed (the sandbox's Protect).
    static func cardPageHeaders() -> [(name: String, value: String)] {
        let protect = (protectOrigins + OutboundPolicy.exceptionOrigins).joined(separator: " ")
        return securityHeaders.map { header in
            guard header.name == "Content-Security-Policy" else { return header }
            return (
                header.name,
                "default-src 'self'; script-src 'self' \(protect); frame-src \(protect); style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            )
        }
    }

    func response(for request: Request) -> Response? {
        guard request.method == "GET" || request.method == "HEAD", let file = files[request.path] else { return nil }
        var headers = request.path == "/card.html" ? Self.cardPageHeaders() : Self.securityHeaders
        headers.append(("ETag", file.etag))
        headers.append(("Cache-Control", "no-cache"))
        if let sent = request.header("if-none-match"), sent.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag }) {
            return Response(status: 304, headers: headers)
        }
        headers.append(("Content-Type", file.contentType))
        return Response(status: 200, headers: headers, body: file.body)
    }

    static func contentType(_ fileExtension: String) -> String {
        switch fileExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        case "yaml", "yml": "application/yaml"
        default: "application/octet-stream"
        }
    }
}
