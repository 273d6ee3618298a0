import Foundation

extension Duration {
    /// The duration in seconds as a `TimeInterval`, for due times kept as wall-clock seconds.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
