import Foundation

/// What the server keeps for one request between libmicrohttpd's calls: the body read so far.
/// Retained into `*con_cls` on the first call and released in the completed callback.
final class RequestState: @unchecked Sendable {
    var body: [UInt8] = []
    /// The request's headers, read with the head's checks on the first call.
    let headers: HeaderFields
    var oversized = false
    /// Set by an executor thread before it resumes the connection; read after the resume.
    var response: Response?

    init(expectedLength: Int, headers: HeaderFields) {
        self.headers = headers
        if expectedLength > 0 { body.reserveCapacity(expectedLength) }
    }
}
