/// libmicrohttpd's response for the last constant answer given on a connection
/// (`Response.isConstant`), kept for the connection's next request, and what it was made from.
/// The server holds one reference to it, given back when another answer takes its place or the
/// connection closes (libmicrohttpd frees it once its own reference is gone too). Only the
/// connection's polling thread touches it: libmicrohttpd runs a connection's handler and its
/// close notice there, one request after another.
final class KeptAnswer: @unchecked Sendable {
    /// What makes two constant answers the same: their status, the same constant body and
    /// headers (by address: constants are never freed, so an address is never another's), and
    /// the same added headers but the request id.
    struct Key: Equatable {
        let status: Int
        let body: UnsafeRawPointer?
        let bodyCount: Int
        let headers: UnsafeRawPointer?
        let headerCount: Int
        let noStore: Bool
        let dataOnly: Bool

        init(_ response: Response) {
            status = response.status
            (body, bodyCount) = response.body.withUnsafeBytes { ($0.baseAddress, $0.count) }
            (headers, headerCount) = response.headers.withUnsafeBytes { ($0.baseAddress, response.headers.count) }
            noStore = response.added?.noStore ?? false
            dataOnly = response.added?.dataOnly ?? false
        }
    }

    private(set) var key: Key?
    /// libmicrohttpd's `struct MHD_Response *`.
    private(set) var response: OpaquePointer?
    /// The `X-Request-Id` it carries now.
    var requestId: String?

    /// Keeps `response` in place of the one kept before, which is returned for its reference to
    /// be given back.
    func keep(_ response: OpaquePointer, key: Key, requestId: String?) -> OpaquePointer? {
        defer { (self.response, self.key, self.requestId) = (response, key, requestId) }
        return self.response
    }

    /// The kept response, no longer kept: its reference is the caller's to give back.
    func take() -> OpaquePointer? {
        defer { (response, key, requestId) = (nil, nil, nil) }
        return response
    }
}
