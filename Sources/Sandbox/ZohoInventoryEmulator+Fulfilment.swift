import Foundation
import HTTPServer

/// Inventory's items and fulfilment (reference sections 3.2–3.3): a package takes quantities of a
/// sales order's lines, a shipment ships packages, and marking it delivered finishes the order.
/// The sales order's `packages[]` and `shipped_status` follow (pending → shipped → fulfilled), and
/// each step fires the `salesorder` and `shipmentorder` webhooks. The exact status enums are
/// marked unverified in the reference.
extension ZohoBooksEmulator {
    func fulfilmentRoutes(into router: inout Router<SandboxHandler>, inventory: String) {
        add(&router, inventory, "POST", "/items") { [self] _, body in createItem(body) }
        add(&router, inventory, "GET", "/items") { [self] request, _ in
            let query = request.query
            let all = state.withLock { Array($0.items.values) }
            return Self.page(
                "items",
                all.filter { item in
                    (query["sku"].map { $0 == item["sku"] as? String } ?? true)
                        && (query["name"].map { $0.lowercased() == (item["name"] as? String)?.lowercased() } ?? true)
                        && (query["search_text"].map { text in ((item["name"] as? String) ?? "").lowercased().contains(text.lowercased()) } ?? true)
                }.sorted { ($0["item_id"] as! String) < ($1["item_id"] as! String) })
        }
        add(&router, inventory, "GET", "/items/{id}") { [self] request, _ in
            guard let item = state.withLock({ $0.items[Self.pathId(request, 1)] }) else {
                return Self.missing("Item")
            }
            return SandboxResponses.json(200, ["code": 0, "message": "success", "item": item])
        }
        add(&router, inventory, "POST", "/packages") { [self] request, body in createPackage(request.query["salesorder_id"] ?? "", body) }
        add(&router, inventory, "GET", "/packages") { [self] request, _ in
            let order = request.query["salesorder_id"]
            let all = state.withLock { Array($0.packages.values) }
            return Self.page("packages", all.filter { order == nil || $0["salesorder_id"] as? String == order })
        }
        add(&router, inventory, "POST", "/shipmentorders") { [self] request, body in createShipment(request.query, body) }
        add(&router, inventory, "POST", "/shipmentorders/{id}/status/delivered") { [self] request, _ in deliver(Self.pathId(request, 3)) }
    }

    func salesOrder(_ request: Request) -> Response {
        guard let order = state.withLock({ $0.salesOrders[Self.pathId(request, 1)] }) else {
            return Self.missing("Sales order")
        }
        return SandboxResponses.json(200, ["code": 0, "message": "success", "salesorder": order])
    }

    func createItem(_ body: [String: Any]) -> Response {
        guard let name = body["name"] as? String, !name.isEmpty else { return Self.invalid("name") }
        guard let rate = SandboxResponses.decimal(body["rate"]), rate >= 0 else { return Self.invalid("rate") }
        return state.withLock { state in
            if let sku = body["sku"] as? String, state.items.values.contains(where: { $0["sku"] as? String == sku }) {
                return SandboxResponses.json(400, ["code": 1001, "message": "An item with the SKU \(sku) already exists."])
            }
            let item: [String: Any] = [
                "item_id": state.nextId(), "name": name, "sku": body["sku"] ?? "", "rate": Self.number(rate), "unit": body["unit"] ?? "pcs",
                "item_type": body["item_type"] ?? "inventory", "product_type": body["product_type"] ?? "goods", "status": "active",
            ]
            state.items[item["item_id"] as! String] = item
            return SandboxResponses.json(201, ["code": 0, "message": "The item has been added.", "item": item])
        }
    }

    func createPackage(_ orderId: String, _ body: [String: Any]) -> Response {
        guard let lines = body["line_items"] as? [[String: Any]], !lines.isEmpty else { return Self.invalid("line_items") }
        let outcome = state.withLock { state -> Response in
            guard var order = state.salesOrders[orderId] else { return Self.missing("Sales order") }
            guard order["status"] as? String == "confirmed" else {
                return SandboxResponses.json(400, ["code": 36015, "message": "Packages can be created only for confirmed sales orders."])
            }
            let orderLines = order["line_items"] as? [[String: Any]] ?? []
            for line in lines {
                guard let lineId = line["so_line_item_id"] as? String, let orderLine = orderLines.first(where: { $0["line_item_id"] as? String == lineId })
                else {
                    return SandboxResponses.json(400, ["code": 1002, "message": "Sales order line item does not exist."])
                }
                let packed = state.packages.values.filter { $0["salesorder_id"] as? String == orderId }
                    .flatMap { $0["line_items"] as? [[String: Any]] ?? [] }.filter { $0["so_line_item_id"] as? String == lineId }
                    .reduce(Decimal(0)) { $0 + (SandboxResponses.decimal($1["quantity"]) ?? 0) }
                let quantity = SandboxResponses.decimal(line["quantity"]) ?? 0
                guard quantity > 0, packed + quantity <= (SandboxResponses.decimal(orderLine["quantity"]) ?? 1) else {
                    return SandboxResponses.json(400, ["code": 36016, "message": "The quantity to pack exceeds the quantity ordered."])
                }
            }
            let package: [String: Any] = [
                "package_id": state.nextId(), "package_number": body["package_number"] ?? String(format: "PKG-%05d", state.packages.count + 1),
                "salesorder_id": orderId, "date": body["date"] ?? "", "status": "not_shipped", "line_items": lines,
            ]
            state.packages[package["package_id"] as! String] = package
            order["packages"] = (order["packages"] as? [[String: Any]] ?? []) + [["package_id": package["package_id"]!, "status": "not_shipped"]]
            order["shipped_status"] = "pending"
            state.salesOrders[orderId] = order
            webhooks.emit(entity: "salesorder", event: "updated", record: order)
            return SandboxResponses.json(201, ["code": 0, "message": "Package created successfully.", "package": package])
        }
        return outcome
    }

    func createShipment(_ query: [String: String], _ body: [String: Any]) -> Response {
        let orderId = query["salesorder_id"] ?? ""
        let packageIds = (query["package_ids"] ?? "").split(separator: ",").map(String.init)
        guard !packageIds.isEmpty else { return Self.invalid("package_ids") }
        return state.withLock { state in
            guard var order = state.salesOrders[orderId] else { return Self.missing("Sales order") }
            for id in packageIds {
                guard let package = state.packages[id], package["salesorder_id"] as? String == orderId else {
                    return SandboxResponses.json(400, ["code": 1002, "message": "Package does not exist."])
                }
                guard package["status"] as? String == "not_shipped" else {
                    return SandboxResponses.json(400, ["code": 36017, "message": "Package \(id) has already been shipped."])
                }
            }
            let shipment: [String: Any] = [
                "shipment_id": state.nextId(), "shipment_number": body["shipment_number"] ?? String(format: "SH-%05d", state.shipments.count + 1),
                "salesorder_id": orderId, "package_ids": packageIds, "date": body["date"] ?? "", "status": "shipped",
                "delivery_method": body["delivery_method"] ?? "", "tracking_number": body["tracking_number"] ?? "",
            ]
            state.shipments[shipment["shipment_id"] as! String] = shipment
            for id in packageIds { state.packages[id]?["status"] = "shipped" }
            order["packages"] = Self.packageSummaries(orderId, state)
            if state.packages.values.filter({ $0["salesorder_id"] as? String == orderId }).allSatisfy({ $0["status"] as? String != "not_shipped" }) {
                order["shipped_status"] = "shipped"
            }
            state.salesOrders[orderId] = order
            webhooks.emit(entity: "shipmentorder", event: "created", record: shipment)
            webhooks.emit(entity: "salesorder", event: "updated", record: order)
            return SandboxResponses.json(201, ["code": 0, "message": "Shipment created successfully.", "shipmentorder": shipment])
        }
    }

    func deliver(_ shipmentId: String) -> Response {
        state.withLock { state in
            guard var shipment = state.shipments[shipmentId] else { return Self.missing("Shipment") }
            shipment["status"] = "delivered"
            state.shipments[shipmentId] = shipment
            let orderId = shipment["salesorder_id"] as? String ?? ""
            for id in shipment["package_ids"] as? [String] ?? [] { state.packages[id]?["status"] = "delivered" }
            if var order = state.salesOrders[orderId] {
                order["packages"] = Self.packageSummaries(orderId, state)
                if state.packages.values.filter({ $0["salesorder_id"] as? String == orderId }).allSatisfy({ $0["status"] as? String == "delivered" }) {
                    order["shipped_status"] = "fulfilled"
                    order["status"] = "fulfilled"
                }
                state.salesOrders[orderId] = order
                webhooks.emit(entity: "salesorder", event: "updated", record: order)
            }
            webhooks.emit(entity: "shipmentorder", event: "updated", record: shipment)
            return SandboxResponses.json(200, ["code": 0, "message": "The shipment has been marked as delivered."])
        }
    }

    static func packageSummaries(_ orderId: String, _ state: State) -> [[String: Any]] {
        state.packages.values.filter { $0["salesorder_id"] as? String == orderId }
            .sorted { ($0["package_id"] as! String) < ($1["package_id"] as! String) }
            .map { ["package_id": $0["package_id"]!, "package_number": $0["package_number"]!, "status": $0["status"]!] }
    }
}
