import Foundation
import Synchronization
import Testing
import ClearlineTesting
@testable import AdminAPI

@Suite("Worker wake-ups from intake")
struct WakeThrottleTests {
    /// A clock that moves only when the test says.
    final class HandTurnedClock: Sendable {
        private let reading = Mutex(ContinuousClock.now)
        var now: ContinuousClock.Instant { reading.withLock { $0 } }
        func advance(_ duration: Duration) { reading.withLock { $0 += duration } }
    }

    @Test func oneWakeUpPerIntervalAndAnOwedOneAfterTheBurst() {
        let clock = HandTurnedClock()
        let throttle = WakeThrottle(interval: .milliseconds(50), now: { clock.now })
        #expect(throttle.take())
        clock.advance(.milliseconds(10))
        #expect(!throttle.take(), "inside the interval: skipped, and owed")
        var sent = 0
        throttle.settle { sent += 1 }
        #expect(sent == 0, "not before the interval has passed")
        clock.advance(.milliseconds(40))
        throttle.settle { sent += 1 }
        throttle.settle { sent += 1 }
        #expect(sent == 1, "the owed wake-up is sent once")
        clock.advance(.milliseconds(50))
        #expect(throttle.take())
        throttle.settle { sent += 1 }
        #expect(sent == 1, "nothing owed when the last delivery sent its own")
    }
}
