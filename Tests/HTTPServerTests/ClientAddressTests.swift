import Foundation
import Testing
@testable import HTTPServer

/// IPv4 addresses written by hand, against inet_ntop.
@Suite("Client address")
struct ClientAddressTests {
    @Test func writesIPv4AsInetNtopDoes() {
        var generator = SystemRandomNumberGenerator()
        let edges: [UInt8] = [0, 1, 9, 10, 11, 99, 100, 101, 199, 200, 249, 250, 255]
        for round in 0..<3000 {
            let octets: [UInt8] =
                round < edges.count * 4
                ? (0..<4).map { edges[(round + $0 * 3) % edges.count] } : (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var address = in_addr()
            withUnsafeMutableBytes(of: &address) { raw in for index in 0..<4 { raw[index] = octets[index] } }
            var text = [CChar](repeating: 0, count: 16)
            inet_ntop(AF_INET, &address, &text, 16)
            let expected = String(cString: text)
            #expect(ClientAddress.ipv4(networkOrder: address.s_addr) == expected)
        }
    }
}
