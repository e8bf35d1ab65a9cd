import Foundation
import HTTPServer

/// Books lists: `page` (from 1) and `per_page` (default and maximum 200, reference section 2.1),
/// oldest record first so pages are stable while records are added (or `sortColumn`, as the
/// chart of accounts is listed by name), and `page_context` saying whether another page follows.
extension ZohoBooksEmulator {
    static func page(_ key: String, _ items: [[String: Any]], _ query: [String: String] = [:], sortColumn: String? = nil) -> Response {
        let page = max(1, query["page"].flatMap(Int.init) ?? 1)
        let perPage = min(200, max(1, query["per_page"].flatMap(Int.init) ?? 200))
        // Keys read once per item, not once per comparison: a list of thousands is paged often.
        typealias Keyed = (name: String, created: Int, item: [String: Any])
        let keyed: [Keyed] = items.map { item in
            let name: String = sortColumn.map { column in String(describing: item[column] ?? "").lowercased() } ?? ""
            return (name, Self.creationOrder(item), item)
        }
        let ordered: [[String: Any]] = keyed.sorted { a, b in a.name != b.name ? a.name < b.name : a.created < b.created }.map { $0.item }
        let start = min((page - 1) * perPage, ordered.count)
        let slice = Array(ordered[start..<min(start + perPage, ordered.count)])
        return SandboxResponses.json(
            200,
            [
                "code": 0, "message": "success", key: slice,
                "page_context": [
                    "page": page, "per_page": perPage, "has_more_page": start + perPage < ordered.count, "report_name": key,
                    "sort_column": sortColumn ?? "created_time", "sort_order": "A",
                ],
            ])
    }

    /// The emulator's ids grow with each record made, so the first `…_id` orders by creation.
    static func creationOrder(_ item: [String: Any]) -> Int {
        for key in [
            "invoice_id", "payment_id", "contact_id", "creditnote_id", "journal_id", "salesorder_id", "item_id", "package_id", "account_id",
            "creditnote_refund_id", "payment_refund_id", "currency_id", "exchange_rate_id",
        ] {
            if let id = item[key] as? String, let number = Int(id) { return number }
        }
        return 0
    }
}
