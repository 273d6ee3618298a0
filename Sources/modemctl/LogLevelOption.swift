import ArgumentParser
import Logging

/// `--log-level`, for every modemctl subcommand that logs; the same flag, values and check as messagingd's.
struct LogLevelOption: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var name: String = "warning"

    func validate() throws {
        guard Logger.Level(rawValue: name) != nil else { throw ValidationError("Unknown log level '\(name)'.") }
    }

    /// The level; `validate()` has checked the name.
    var level: Logger.Level { Logger.Level(rawValue: name) ?? .warning }
}
