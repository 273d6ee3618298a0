import Foundation
import ModemDiscovery
import Testing

/// libudev on this machine: no udevd runs here, so no events and no by-id links; the enumeration must still see the
/// machine's ttys and not fail.
@Suite struct UdevTests {
    @Test func enumerationReturnsTheMachinesTTYs() throws {
        let nodes = try UdevEnumerator.allTTYDeviceNodes()
        // Every tty the kernel lists in sysfs with a device number has its node in libudev's answer.
        let sysfs = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/tty").filter {
            FileManager.default.fileExists(atPath: "/sys/class/tty/\($0)/dev")
        }
        #expect(!sysfs.isEmpty)
        #expect(Set(nodes).isSuperset(of: sysfs.map { "/dev/\($0)" }))
    }

    @Test func theSnapshotOnlyHoldsTTYsOfUSBDevicesItAlsoListed() throws {
        let snapshot = try UdevEnumerator.snapshot()
        let paths = Set(snapshot.devices.map(\.syspath))
        #expect(snapshot.ttys.allSatisfy { paths.contains($0.usbDevicePath) })
        // The plan of this machine is whatever it is; it must not trap on real records.
        _ = DiscoveryPlanner.plan(devices: snapshot.devices, ttys: snapshot.ttys)
    }

    @Test(.timeLimit(.minutes(1)))
    func theMonitorStartsAndItsStreamEndsWhenTheConsumerStops() async throws {
        let events = try UdevMonitor.events()
        let consumer = Task {
            for await _ in events {}
            return true
        }
        consumer.cancel()
        // The iteration ends (the monitor thread is woken and finishes the stream) instead of waiting forever.
        #expect(await consumer.value)
    }
}
