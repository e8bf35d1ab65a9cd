import Domain

/// The work series of `/metrics`: vendor calls, run outcomes, step latency (this process's, from
/// `ProcessTelemetry`) and the queue (all processes', from the database). Labels are closed sets:
/// vendor is a connection kind, operation is capped, outcome and status are enums, and the
/// queue is summed over tenants by environment.
extension Metrics {
    func renderWork(_ telemetry: ProcessTelemetry.Snapshot, queue: [QueueDepth]?) -> String {
        var out = """
            # HELP clearline_vendor_calls_total Calls to vendors' APIs, by vendor (connection kind), operation and outcome.
            # TYPE clearline_vendor_calls_total counter

            """
        let calls = telemetry.vendorCalls.sorted {
            ($0.key.vendor, $0.key.operation, $0.key.outcome.rawValue) < ($1.key.vendor, $1.key.operation, $1.key.outcome.rawValue)
        }
        for (key, count) in calls {
            out +=
                "clearline_vendor_calls_total{vendor=\"\(escape(key.vendor))\",operation=\"\(escape(key.operation))\",outcome=\"\(key.outcome.rawValue)\"} \(count)\n"
        }
        out += histogram(
            "clearline_vendor_call_duration_seconds", help: "Time a vendor call took, by vendor.", label: "vendor", bounds: ProcessTelemetry.buckets,
            telemetry.vendorCallSeconds.mapValues { ($0.counts, $0.total, $0.sum) })
        out += """
            # HELP clearline_runs_finished_total Flow runs that ended, by outcome.
            # TYPE clearline_runs_finished_total counter

            """
        for status in ["succeeded", "failed", "review"] {
            out += "clearline_runs_finished_total{outcome=\"\(status)\"} \(telemetry.runOutcomes[status] ?? 0)\n"
        }
        out += histogram(
            "clearline_step_duration_seconds", help: "Time a flow step took (mapping, lookups and the vendor write), by target.", label: "target",
            bounds: ProcessTelemetry.buckets, telemetry.stepSeconds.mapValues { ($0.counts, $0.total, $0.sum) })
        guard let queue else { return out }
        out += """
            # HELP clearline_queue_jobs Jobs in the queue over all tenants, by environment and state.
            # TYPE clearline_queue_jobs gauge

            """
        for environment in EnvironmentName.allCases {
            let rows = queue.filter { $0.environment == environment }
            out += "clearline_queue_jobs{environment=\"\(environment.rawValue)\",state=\"queued\"} \(rows.reduce(0) { $0 + $1.queued })\n"
            out += "clearline_queue_jobs{environment=\"\(environment.rawValue)\",state=\"running\"} \(rows.reduce(0) { $0 + $1.running })\n"
        }
        out += """
            # HELP clearline_queue_oldest_wait_seconds How long the oldest ready job has waited, by environment.
            # TYPE clearline_queue_oldest_wait_seconds gauge

            """
        for environment in EnvironmentName.allCases {
            let oldest = queue.filter { $0.environment == environment }.map(\.oldestAgeSeconds).max() ?? 0
            out += "clearline_queue_oldest_wait_seconds{environment=\"\(environment.rawValue)\"} \(oldest)\n"
        }
        return out
    }

    /// One histogram family in Prometheus text: per label value, its cumulative buckets over
    /// `bounds`, +Inf, sum and count.
    func histogram(
        _ name: String, help: String, label: String, bounds: [Double], _ series: [String: (counts: [Int], total: Int, sum: Double)]
    ) -> String {
        var out = "# HELP \(name) \(help)\n# TYPE \(name) histogram\n"
        for (value, histogram) in series.sorted(by: { $0.key < $1.key }) {
            var cumulative = 0
            for (index, bound) in bounds.enumerated() {
                cumulative += histogram.counts[index]
                out += "\(name)_bucket{\(label)=\"\(escape(value))\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "\(name)_bucket{\(label)=\"\(escape(value))\",le=\"+Inf\"} \(histogram.total)\n"
            out += "\(name)_sum{\(label)=\"\(escape(value))\"} \(histogram.sum)\n"
            out += "\(name)_count{\(label)=\"\(escape(value))\"} \(histogram.total)\n"
        }
        return out
    }
}
