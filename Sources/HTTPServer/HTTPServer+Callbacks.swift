import CMicroHTTPD
import Foundation
import Synchronization

// C callbacks: non-capturing closures in a nonisolated library type, so they can run on any
// MHD thread. Per-request state lives in *con_cls, retained on the first call and released in
// the completed callback, the one cleanup point.
extension HTTPServer {
    static let accessHandler: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadSize, conCls in
        guard let cls, let connection, let url, let method, let uploadSize, let conCls else { return .NO }
        // Borrowed, not retained: the server outlives its daemon, and taking a counted reference
        // raised and lowered its count on every call from both polling threads, an atomic they
        // fought over (perf).
        return Unmanaged<HTTPServer>.fromOpaque(cls)._withUnsafeGuaranteedRef {
            $0.access(connection, url: url, method: method, uploadData: uploadData, uploadSize: uploadSize, conCls: conCls)
        }
    }

    /// One call of libmicrohttpd's access handler for the request on `connection`.
    private func access(
        _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>, uploadData: UnsafePointer<CChar>?,
        uploadSize: UnsafeMutablePointer<Int>, conCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let raw = conCls.pointee else {
            HeaderDeadline.headersArrived(context: cmhd_socket_context(connection))
            let head = RequestHead(connection, method: method)
            let state = RequestState(expectedLength: min(head.declaredLength, configuration.maxBodyBytes), headers: head.headers)
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
            inFlight.add(1, ordering: .relaxed)
            if let problem = head.malformation { return queue(Self.malformed(problem), on: connection) }
            if head.declaredLength > configuration.maxBodyBytes {
                let request = makeRequest(connection, url: url, method: method, headers: head.headers, body: [])
                return queue(oversized(request), on: connection)
            }
            return .YES
        }
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()

        if uploadSize.pointee > 0 {
            let count = uploadSize.pointee
            if !state.oversized, state.body.count + count > configuration.maxBodyBytes {
                state.oversized = true
                state.body = []
            }
            if !state.oversized, let uploadData {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) {
                    state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count))
                }
            }
            uploadSize.pointee = 0
            return .YES
        }

        if let ready = state.response {
            return queue(ready, on: connection)
        }
        var request = makeRequest(connection, url: url, method: method, headers: state.headers, body: state.oversized ? [] : state.body)
        if state.oversized { return queue(oversized(request), on: connection) }
        if let immediate = inline(&request) {
            guard let pending = immediate.pending else { return queue(immediate, on: connection) }
            state.body = []
            let suspended = SuspendedConnection(pointer: connection)
            MHD_suspend_connection(connection)
            pending.start { response in
                state.response = response
                MHD_resume_connection(suspended.pointer)
            }
            return .YES
        }
        state.body = []
        let suspended = SuspendedConnection(pointer: connection)
        MHD_suspend_connection(connection)
        executor.submit { [request] in
            self.finish(self.handler(request), state: state, connection: suspended)
        }
        return .YES
    }

    /// Hands a response to its parked connection, or parks it until its deferred wake-up.
    private func finish(_ response: Response, state: RequestState, connection: SuspendedConnection) {
        guard let deferred = response.deferred else {
            state.response = response
            MHD_resume_connection(connection.pointer)
            return
        }
        deferred.wait { [self] in
            executor.submit { self.finish(deferred.resume(), state: state, connection: connection) }
        }
    }

    /// A connection parked by MHD_suspend_connection; only the job or `Pending` answer that owns it resumes it.
    private struct SuspendedConnection: @unchecked Sendable { let pointer: OpaquePointer }

    static let completedHandler: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
        if let connection { HeaderDeadline.awaitingNext(context: cmhd_socket_context(connection)) }
        guard let cls, let conCls, let raw = conCls.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(raw).release()
        conCls.pointee = nil
        Unmanaged<HTTPServer>.fromOpaque(cls)._withUnsafeGuaranteedRef { $0.inFlight.subtract(1, ordering: .relaxed) }
    }

    /// A connection opened or closed: the header deadline watches it meanwhile.
    static let connectionHandler: MHD_NotifyConnectionCallback = { cls, connection, socketContext, code in
        guard let cls, let connection, let socketContext else { return }
        let deadline = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue().headerDeadline
        if code == .CONNECTION_NOTIFY_STARTED {
            deadline.opened(fd: Int32(cmhd_connection_fd(connection)), clientAddress: clientAddress(connection), context: socketContext)
        } else {
            // Our reference to the connection's kept answer goes with it; libmicrohttpd frees the
            // response once its own reference (a reply cut short) is gone too.
            if let raw = socketContext.pointee, let kept = Unmanaged<ConnectionWatch>.fromOpaque(raw).takeUnretainedValue().keptAnswer.take() {
                MHD_destroy_response(kept)
            }
            deadline.closed(context: socketContext)
        }
    }

    func queue(_ response: Response, on connection: OpaquePointer) -> MHD_Result {
        if response.isConstant, let raw = cmhd_socket_context(connection) {
            return queueConstant(response, keptIn: Unmanaged<ConnectionWatch>.fromOpaque(raw).takeUnretainedValue().keptAnswer, on: connection)
        }
        guard let mhdResponse = Self.made(response) else { return .NO }
        defer { MHD_destroy_response(mhdResponse) }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }

    /// A constant answer (`Response.isConstant`) from the connection's kept copy when the last
    /// one given there was the same, with only its request id changed. Making the response and
    /// adding its five headers (three allocations each in libmicrohttpd), then freeing them, was
    /// a fifth of what `GET /healthz` cost (callgrind: 25.5k instructions a request before, 20.6k
    /// kept, memset left out). The kept copy is changed only between two requests of its
    /// connection: libmicrohttpd reads a response's headers when it starts to send it, and handles
    /// a connection's next request only once the last reply has gone out.
    private func queueConstant(_ response: Response, keptIn kept: KeptAnswer, on connection: OpaquePointer) -> MHD_Result {
        let key = KeptAnswer.Key(response)
        if kept.key == key, let mhdResponse = kept.response {
            let requestId = response.added?.requestId
            if requestId != kept.requestId {
                if let old = kept.requestId { _ = old.withCString { MHD_del_response_header(mhdResponse, "X-Request-Id", $0) } }
                // What it carries now: nothing, should libmicrohttpd refuse the new id.
                let added = requestId.map { id in id.withCString { MHD_add_response_header(mhdResponse, "X-Request-Id", $0) } == .YES }
                kept.requestId = added == true ? requestId : nil
            }
            return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
        }
        guard let mhdResponse = Self.made(response) else { return .NO }
        if let old = kept.keep(mhdResponse, key: key, requestId: response.added?.requestId) { MHD_destroy_response(old) }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }

    /// libmicrohttpd's response with `response`'s body (copied) and headers, the handler's first.
    private static func made(_ response: Response) -> OpaquePointer? {
        let created = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse = created else { return nil }
        // withCString hands over a native string's own bytes; the implicit conversion copied
        // each name and value into a new array first.
        func add(_ name: String, _ value: String) {
            _ = name.withCString { name in value.withCString { MHD_add_response_header(mhdResponse, name, $0) } }
        }
        for (name, value) in response.headers where !name.isEmpty { add(name, value) }
        response.added?.forEach(add)
        return mhdResponse
    }

    func makeRequest(
        _ connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>, headers: HeaderFields, body: [UInt8]
    ) -> Request {
        let client = HeaderDeadline.clientAddress(context: cmhd_socket_context(connection)) ?? Self.clientAddress(connection)
        // Most requests carry no query: counting first spares them the collector.
        let hasQuery = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, nil, nil) > 0
        let query = hasQuery ? Self.query(connection) : (values: [:], repeated: [])
        return Request(
            method: Self.methodName(method), path: String(cString: url), query: query.values, fields: headers, body: body, clientAddress: client,
            repeatedQueryNames: query.repeated)
    }

    private static let knownMethods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    /// A known method as its literal, which costs nothing to keep or copy; only another is made
    /// from the bytes (checking them as UTF-8 on every request).
    static func methodName(_ method: UnsafePointer<CChar>) -> String {
        for known in knownMethods where known.withCString({ strcmp($0, method) == 0 }) { return known }
        return String(cString: method)
    }

    /// The peer's address as text (IPv4 written by hand), or "unknown".
    static func clientAddress(_ connection: OpaquePointer) -> String {
        var ipv4: UInt32 = 0
        if cmhd_client_ipv4(connection, &ipv4) == 1 { return ClientAddress.ipv4(networkOrder: ipv4) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            cmhd_client_address(connection, buffer.baseAddress, buffer.count) == 1 ? String(cString: buffer.baseAddress!) : "unknown"
        }
    }

    private final class Collector {
        var values: [String: String] = [:]
        var repeated: Set<String> = []
    }

    private static let collect: MHD_KeyValueIterator = { cls, _, key, value in
        guard let cls, let key else { return .YES }
        let collector = Unmanaged<Collector>.fromOpaque(cls).takeUnretainedValue()
        let name = String(cString: key)
        if collector.values[name] == nil {
            collector.values[name] = value.map { String(cString: $0) } ?? ""
        } else {
            collector.repeated.insert(name)
        }
        return .YES
    }

    /// The query's arguments, percent-decoded, and the names given more than once.
    private static func query(_ connection: OpaquePointer) -> (values: [String: String], repeated: Set<String>) {
        let collector = Collector()
        withExtendedLifetime(collector) {
            _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, collect, Unmanaged.passUnretained(collector).toOpaque())
        }
        return (collector.values, collector.repeated)
    }

    /// A 400 for headers that cannot be read one way only, in RFC 9457's shape, and the
    /// connection closed: whatever follows on it cannot be trusted to start a new request.
    static func malformed(_ detail: String) -> Response {
        Response(
            status: 400, headers: [("Content-Type", "application/problem+json"), ("Connection", "close")],
            body: Array(#"{"detail":"\#(detail)","status":400,"title":"Bad request","type":"about:blank"}"#.utf8))
    }
}
