/// Why a text is not a TOML v1.0.0 document (or uses what the reader does not support), and where.
package struct TOMLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The line, from 1.
    package let line: Int
    /// The column, from 1, in Unicode scalars (what an editor shows; a tab counts as one).
    package let column: Int
    /// What was found and what was expected there, for a person.
    package let message: String

    package init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    package var description: String { "\(line):\(column): \(message)" }
}
