/// A token bucket per sender address, so that one host cannot make the device flood the network with answers
/// (an SSDP amplification defence). Pure: time comes in as an argument.
struct SSDPRateLimiter: Sendable {
    /// Most senders tracked; when full, idle (refilled) entries are pruned, and new senders are refused until then.
    static let maximumTrackedSenders = 1024

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private var buckets: [IPAddress: Bucket] = [:]
    let ratePerSecond: Double
    let burst: Double

    init(ratePerSecond: Int, burst: Int) {
        self.ratePerSecond = Double(ratePerSecond)
        self.burst = Double(burst)
    }

    /// Takes `cost` tokens from the sender's bucket if it has them.
    mutating func allow(_ sender: IPAddress, cost: Int = 1, now: ContinuousClock.Instant) -> Bool {
        if buckets[sender] == nil && buckets.count >= SSDPRateLimiter.maximumTrackedSenders {
            prune(now: now)
            guard buckets.count < SSDPRateLimiter.maximumTrackedSenders else { return false }
        }
        var bucket = buckets[sender] ?? Bucket(tokens: burst, updated: now)
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(burst, bucket.tokens + max(0, seconds) * ratePerSecond)
        bucket.updated = now
        let allowed = bucket.tokens >= Double(cost)
        if allowed { bucket.tokens -= Double(cost) }
        buckets[sender] = bucket
        return allowed
    }

    private mutating func prune(now: ContinuousClock.Instant) {
        let refill = Duration.seconds(burst / max(ratePerSecond, 1))
        buckets = buckets.filter { now - $0.value.updated < refill }
    }

    /// How many senders are tracked (for tests).
    var trackedSenders: Int { buckets.count }
}
