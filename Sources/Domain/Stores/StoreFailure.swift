/// What a store's failure says about the request, for the API to answer it: the rest of a
/// failure (which database, which statement) is the store's own business and stays out of routes.
public protocol StoreFailure: Error {
    /// A unique key already holds another row: the request conflicts with what is stored.
    var isUniqueViolation: Bool { get }
    /// A value the store could not read as its type (a body that is not JSON, say).
    var isInvalidInput: Bool { get }
}
