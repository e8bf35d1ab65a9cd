public import Foundation

/// How long a browser session lasts: the store expires it, and the cookie says the same.
public enum SessionPolicy {
    public static let lifetime: TimeInterval = 12 * 3600
}
