import Foundation
import HTTPServer

/// Which emulated API a path belongs to, and how that vendor words a failure that no handler
/// wrote: an unknown path, a method the path does not take, and the faults the sandbox injects.
/// Clients parse these bodies (Zoho's `code`, PayTrace's `response_code`), so a fault must look
/// like the vendor's own to test what the connectors do with it.
enum VendorEnvelope {
    case payTrace, zohoBooks, zohoCRM, zohoAccounts, other

    init(path: String) {
        if path.hasPrefix("/paytrace/") {
            self = .payTrace
        } else if path.hasPrefix("/zoho/api/books/") || path.hasPrefix("/zoho/api/inventory/") {
            self = .zohoBooks
        } else if path.hasPrefix("/zoho/api/crm/") {
            self = .zohoCRM
        } else if path.hasPrefix("/zoho/accounts/") {
            self = .zohoAccounts
        } else {
            self = .other
        }
    }

    /// Zoho Books: `{"code":5,"message":"Invalid URL Passed"}`; CRM: INVALID_URL_PATTERN. PayTrace
    /// does not document its answer to an unknown path: its error envelope, with HTTP 404.
    func notFound(_ path: String) -> Response {
        switch self {
        case .zohoBooks: SandboxResponses.json(404, ["code": 5, "message": "Invalid URL Passed"])
        case .zohoCRM:
            SandboxResponses.json(
                404,
                [
                    "code": "INVALID_URL_PATTERN", "details": [String: Any](), "message": "Please check if the URL trying to access is a correct one",
                    "status": "error",
                ])
        case .payTrace: Self.payTraceError(404, "The requested URL was not found.")
        case .zohoAccounts: SandboxResponses.json(404, ["error": "invalid_request", "error_description": "Invalid URL"])
        case .other: SandboxResponses.json(404, ["error": "not_found", "path": path])
        }
    }

    func methodNotAllowed(_ allowed: [String]) -> Response {
        let allow = [("Allow", allowed.joined(separator: ", "))]
        return switch self {
        case .zohoBooks: SandboxResponses.json(405, ["code": 37, "message": "The HTTP method is not allowed for the requested resource"], headers: allow)
        case .zohoCRM:
            SandboxResponses.json(
                405,
                [
                    "code": "INVALID_REQUEST_METHOD", "details": [String: Any](), "message": "The http request method type is not a valid one",
                    "status": "error",
                ],
                headers: allow)
        case .payTrace: Self.payTraceError(405, "The requested method is not allowed.", headers: allow)
        case .zohoAccounts, .other: SandboxResponses.json(405, ["error": "method_not_allowed"], headers: allow)
        }
    }

    /// An injected HTTP failure as the vendor would send it. 429 and 503 always say when to come
    /// back (`Retry-After`, and Zoho's `X-Rate-Limit-*` on a 429); `retryAfter` sets it, else 1 s.
    func fault(status: Int, retryAfter: Int?) -> Response {
        var headers: [(name: String, value: String)] = []
        if status == 429 || status == 503 { headers.append(("Retry-After", String(retryAfter ?? 1))) }
        switch self {
        case .zohoBooks:
            if status == 429 {
                headers += [("X-Rate-Limit-Limit", "100"), ("X-Rate-Limit-Remaining", "0"), ("X-Rate-Limit-Reset", String(retryAfter ?? 1))]
                return SandboxResponses.json(
                    429, ["code": 44, "message": "You have exceeded the maximum number of API calls allowed per minute. Please try again later."],
                    headers: headers)
            }
            return SandboxResponses.json(
                status, ["code": status >= 500 ? 1000 : 2, "message": status >= 500 ? "Internal error" : "Bad request"], headers: headers)
        case .zohoCRM:
            let (code, message) =
                switch status {
                case 429: ("TOO_MANY_REQUESTS", "You have exceeded the maximum number of concurrent API requests.")
                case 500...: ("INTERNAL_ERROR", "Internal Server Error")
                default: ("INVALID_REQUEST", "unable to process your request")
                }
            var details: [String: Any] = [:]
            if status == 429 { details["retry_after"] = (retryAfter ?? 1) * 1000 }
            return SandboxResponses.json(status, ["code": code, "details": details, "message": message, "status": "error"], headers: headers)
        case .payTrace:
            return Self.payTraceError(
                status,
                status == 429 ? "Too many requests; try again later." : status >= 500 ? "An unexpected error has occurred." : "The request was rejected.",
                headers: headers)
        case .zohoAccounts:
            // Zoho Accounts throttles with HTTP 200 and its own body; other faults keep the status.
            if status == 429 {
                return SandboxResponses.json(
                    200,
                    [
                        "error_description": "You have made too many requests continuously. Please try again after some time.", "error": "Access Denied",
                        "status": "failure",
                    ])
            }
            return SandboxResponses.json(status, ["error": "server_error", "error_description": "An internal error occurred."], headers: headers)
        case .other:
            return SandboxResponses.json(status, ["error": "injected fault"], headers: headers)
        }
    }

    /// A lost answer: the gateway in front of the vendor gives up (502/504) with no vendor body.
    func gatewayFailure(status: Int) -> Response {
        Response(
            status: status, contentType: "text/html", body: "<html><body><h1>\(status) \(status == 504 ? "Gateway Timeout" : "Bad Gateway")</h1></body></html>")
    }

    /// PayTrace's envelope: `success:false`, `response_code` 1 and the `errors` map.
    static func payTraceError(_ status: Int, _ message: String, headers: [(name: String, value: String)] = []) -> Response {
        SandboxResponses.json(
            status, ["success": false, "response_code": 1, "status_message": "One or more errors has occurred.", "errors": ["1": [message]]], headers: headers)
    }
}
