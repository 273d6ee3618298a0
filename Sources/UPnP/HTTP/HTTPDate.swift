#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RFC 7231 §7.1.1.1 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) for DATE headers (UDA 1.1 §1.3.3, §4.1.2).
enum HTTPDate {
    /// The date for seconds since 1970-01-01T00:00:00Z.
    static func format(secondsSince1970 seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civilDate(daysSince1970: days)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday (index 4, Sunday = 0).
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[weekday]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }

    /// The current date.
    static func now() -> String {
        format(secondsSince1970: Int(time(nil)))
    }

    /// The current date for one owner that answers many requests (an HTTP connection), formatted at most once per
    /// second. Each owner keeps its own rather than all sharing one: a shared cache is a cache line that both event
    /// loops write for every response.
    struct Cache {
        private var seconds = Int.min
        private var text = ""

        mutating func now() -> String {
            let seconds = Int(time(nil))
            if seconds != self.seconds {
                self.seconds = seconds
                text = HTTPDate.format(secondsSince1970: seconds)
            }
            return text
        }
    }

    /// Proleptic Gregorian date of a day number (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
