import Foundation
public import Domain

/// The Zoho clients of one connection (Books, Inventory, CRM), built from its settings and
/// secrets: the data center's hosts unless the connection overrides them (the sandbox does).
public struct ZohoClients: Sendable {
    public let books: ZohoBooksClient
    public let inventory: ZohoInventoryClient
    public let crm: ZohoCRMClient

    /// Zoho's API host per data center, where the token answer names none.
    static let apiDomains: [String: String] = [
        "us": "https://www.zohoapis.com", "eu": "https://www.zohoapis.eu", "in": "https://www.zohoapis.in",
        "au": "https://www.zohoapis.com.au", "jp": "https://www.zohoapis.jp", "ca": "https://www.zohoapis.ca",
        "sa": "https://www.zohoapis.sa", "cn": "https://www.zohoapis.com.cn",
    ]

    /// The accounts server of a connection: its data center's, or the `accounts_url` override.
    public static func accounts(
        _ connection: Connection, clientId: String?, clientSecret: String?, transport: HTTPTransport = HTTPTransport()
    ) throws(ConnectorError) -> ZohoAccountsClient {
        guard let clientId, let clientSecret else { throw ConnectorError(.authentication, "Set the Zoho client ID and client secret first.") }
        let center = connection.text("data_center") ?? "us"
        guard let url = URL(string: connection.text("accounts_url") ?? ZohoAccountsClient.accountsServers[center] ?? ZohoAccountsClient.accountsServers["us"]!)
        else {
            throw ConnectorError(.permanent, "The Zoho accounts URL of this connection is not a URL.")
        }
        return ZohoAccountsClient(accountsURL: url, clientId: clientId, clientSecret: clientSecret, transport: transport.attributed(to: connection))
    }

    /// `onQuota` hears the quota Books and Inventory report on each answer; `transport` is
    /// `.withinRequest` for a call a person waits on.
    public static func forConnection(
        _ connection: Connection, secrets: [String: String], transport: HTTPTransport = HTTPTransport(),
        onQuota: (@Sendable (ZohoSession.Quota) -> Void)? = nil
    ) throws(ConnectorError) -> ZohoClients {
        guard let refreshToken = secrets["refresh_token"] else {
            throw ConnectorError(.authentication, "Zoho is not connected yet: there is no refresh token (use Connect Zoho).")
        }
        let accounts = try accounts(connection, clientId: secrets["client_id"], clientSecret: secrets["client_secret"])
        let center = connection.text("data_center") ?? "us"
        guard let domain = URL(string: connection.text("api_domain") ?? apiDomains[center] ?? apiDomains["us"]!),
            let organization = connection.text("organization_id")
        else {
            throw ConnectorError(.permanent, "The Zoho connection needs an organization_id and a valid api_domain.")
        }
        let session = ZohoSession(
            apiDomain: domain, accounts: accounts, refreshToken: refreshToken, cacheKey: connection.id.uuidString.lowercased(),
            transport: transport.attributed(to: connection), onQuota: onQuota)
        return ZohoClients(
            books: ZohoBooksClient(session: session, organizationId: organization),
            inventory: ZohoInventoryClient(session: session, organizationId: organization), crm: ZohoCRMClient(session: session))
    }
}
