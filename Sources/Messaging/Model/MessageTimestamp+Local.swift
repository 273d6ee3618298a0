#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MessageTimestamp {
    /// The system's UTC offset at `date` in seconds, east positive: the C library's `localtime_r` (POSIX.1-2017
    /// §tzset: the `TZ` variable, else the system zone, /etc/localtime on Debian) and its `tm_gmtoff`.
    ///
    /// Not `TimeZone.current`: the full Foundation is linked (GRDB imports it), so `TimeZone.current` is an ICU time
    /// zone, and the first call maps ICU's zone and locale data into the daemon's memory for this one number
    /// (scripts/bench-memory measures the difference).
    public static func localUTCOffset(at date: Date) -> Int {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }

    /// `date` with the system's UTC offset at that instant.
    public static func local(_ date: Date) -> MessageTimestamp {
        MessageTimestamp(date: date, utcOffsetSeconds: localUTCOffset(at: date))
    }
}
