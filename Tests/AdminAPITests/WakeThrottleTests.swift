import Foundation
import Testing
@testable import AdminAPI

@Suite("Worker wake-ups from intake")
struct WakeThrottleTests {
    @Test func oneWakeUpPerIntervalAndAnOwedOneAfterTheBurst() {
        let throttle = WakeThrottle(interval: .milliseconds(50))
        #expect(throttle.take())
        #expect(!throttle.take(), "inside the interval: skipped, and owed")
        var sent = 0
        throttle.settle { sent += 1 }
        #expect(sent == 0, "not before the interval has passed")
        Thread.sleep(forTimeInterval: 0.06)
        throttle.settle { sent += 1 }
        throttle.settle { sent += 1 }
        #expect(sent == 1, "the owed wake-up is sent once")
        Thread.sleep(forTimeInterval: 0.06)
        #expect(throttle.take())
        throttle.settle { sent += 1 }
        #expect(sent == 1, "nothing owed when the last delivery sent its own")
    }
}
