import MessagingServer
import Testing

/// ``TOMLTable/init(parsing:)``: the configuration file's TOML v1.0.0 reader, on the spec's own examples
/// (https://toml.io/en/v1.0.0) and on every malformed shape it must refuse with a line, a column and what it expected.
@Suite struct TOMLReaderTests {
    func read(_ text: String) throws -> TOMLTable { try TOMLTable(parsing: text) }

    /// The value at a dotted path of plain keys, through tables and into the last table of an array.
    func value(_ table: TOMLTable, _ path: String) -> TOMLValue? {
        var current = TOMLValue.table(table)
        for part in path.split(separator: ".") {
            let table: TOMLTable?
            switch current {
            case .table(let found): table = found
            case .array(let elements): table = elements.last?.table
            default: table = nil
            }
            guard let next = table?[String(part)] else { return nil }
            current = next
        }
        return current
    }

    @Test func theConfigurationsShapesReadIntoTables() throws {
        let table = try read(
            """
            # messagingd.conf
            log-level = "info"   # trailing comment

            [network]
            interfaces = [
                "eth0",   # the wired one
                "wlan0",
            ]
            http-port = 8_080

            [[modem]]
            device = "/dev/ttyUSB2"
            baud = 115200

            [[modem]]
            device = '/dev/serial/by-id/usb-HUAWEI'
            "own-number" = "+4917612345678"

            [hooks]
            on-failed = ["/bin/echo", "failed"]
            [[hooks.webhook]]
            url = "http://127.0.0.1:8123/sms"
            """
        )
        #expect(table.keys == ["log-level", "network", "modem", "hooks"])
        #expect(value(table, "log-level") == .string("info"))
        #expect(value(table, "network.interfaces") == .array([.string("eth0"), .string("wlan0")]))
        #expect(value(table, "network.http-port") == .integer(8080))
        let modems = try #require(value(table, "modem")?.array)
        #expect(modems.count == 2)
        #expect(modems.first?.table?["device"] == .string("/dev/ttyUSB2"))
        #expect(modems.first?.table?["baud"] == .integer(115200))
        #expect(modems.last?.table?["device"] == .string("/dev/serial/by-id/usb-HUAWEI"))
        #expect(modems.last?.table?.keys == ["device", "own-number"])
        #expect(value(table, "hooks.webhook.url") == .string("http://127.0.0.1:8123/sms"))
        #expect(value(table, "hooks.on-failed")?.array?.count == 2)
    }

    @Test func keysAreBareQuotedOrDotted() throws {
        let table = try read(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            "" = 4
            physical . color = "orange"
            site."google.com" = true
            1234 = 5
            3.14 = 6
            """
        )
        #expect(table["bare_key-1"] == .integer(1))
        #expect(table["quoted key"] == .integer(2))
        #expect(table["literal \"key\""] == .integer(3))
        #expect(table[""] == .integer(4))
        #expect(value(table, "physical.color") == .string("orange"))
        #expect(table["site"]?.table?["google.com"] == .boolean(true))
        #expect(table["1234"] == .integer(5))
        #expect(table["3"]?.table?["14"] == .integer(6))
    }

    @Test(arguments: [
        (
            #""I'm a string. \"You can quote me\". Name\tJos\u00E9\nLocation\tSF.""#,
            "I'm a string. \"You can quote me\". Name\tJos\u{E9}\nLocation\tSF."
        ),
        (#""\b\f\r\\ \U0001F600 \u0041""#, "\u{08}\u{0C}\r\\ \u{1F600} A"),
        (#"'C:\Users\nodejs\templates'"#, #"C:\Users\nodejs\templates"#),
        (#"'<\i\c*\s*>'"#, #"<\i\c*\s*>"#),
        ("\"\"\"\nRoses are red\nViolets are blue\"\"\"", "Roses are red\nViolets are blue"),
        ("\"\"\"\r\nOne\r\nTwo\"\"\"", "One\r\nTwo"),
        (
            "\"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"",
            "The quick brown fox jumps over the lazy dog."
        ),
        ("\"\"\"line \\  \n  joined\"\"\"", "line joined"),
        (
            "\"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"",
            "Here are two quotation marks: \"\". Simple enough."
        ),
        (
            "\"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"",
            "\"This,\" she said, \"is just a pointless statement.\""
        ),
        (
            "'''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''",
            "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n"
        ),
        ("'''I [dw]on't need \\d{2} apples'''", "I [dw]on't need \\d{2} apples"),
        ("''''That,' she said, 'is still pointless.''''", "'That,' she said, 'is still pointless.'"),
        (
            "'''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''",
            "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\""
        ),
        ("\"tab\tstays\"", "tab\tstays"),
        ("\"\"", ""),
    ])
    func stringsReadAsTOMLWritesThem(toml: String, expected: String) throws {
        #expect(try read("s = \(toml)")["s"] == .string(expected))
    }

    @Test(arguments: [
        ("+99", TOMLValue.integer(99)), ("42", .integer(42)), ("0", .integer(0)), ("-17", .integer(-17)),
        ("+0", .integer(0)), ("-0", .integer(0)),
        ("1_000", .integer(1000)), ("5_349_221", .integer(5_349_221)), ("1_2_3_4_5", .integer(12345)),
        ("0xDEADBEEF", .integer(0xDEAD_BEEF)), ("0xdead_beef", .integer(0xDEAD_BEEF)), ("0o755", .integer(0o755)),
        ("0b11010110", .integer(0b1101_0110)), ("0x00ff", .integer(255)),
        ("9223372036854775807", .integer(.max)), ("-9223372036854775808", .integer(.min)),
        ("0x7FFFFFFFFFFFFFFF", .integer(.max)),
        ("+1.0", .float(1)), ("3.1415", .float(3.1415)), ("-0.01", .float(-0.01)), ("5e+22", .float(5e22)),
        ("1e06", .float(1e6)), ("-2E-2", .float(-0.02)), ("6.626e-34", .float(6.626e-34)),
        ("224_617.445_991_228", .float(224_617.445_991_228)), ("inf", .float(.infinity)),
        ("+inf", .float(.infinity)), ("-inf", .float(-.infinity)), ("true", .boolean(true)),
        ("false", .boolean(false)),
    ])
    func numbersAndBooleans(toml: String, expected: TOMLValue) throws {
        #expect(try read("n = \(toml)")["n"] == expected)
    }

    @Test func nanIsAFloat() throws {
        for text in ["nan", "+nan", "-nan"] {
            guard case .float(let value)? = try read("n = \(text)")["n"] else {
                Issue.record("\(text) is not a float")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func arraysSpanLinesWithCommentsAndATrailingComma() throws {
        let table = try read(
            """
            integers = [ 1, 2, 3 ]
            nested = [ [ 1, 2 ], ["a", 'b', "c"] ]
            mixed = [ 0.1, "x", { a = 1 } ]
            empty = [ ]
            long = [
              1, # one
              # a comment alone
              2,
            ]
            """
        )
        #expect(table["integers"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(
            table["nested"]
                == .array([.array([.integer(1), .integer(2)]), .array([.string("a"), .string("b"), .string("c")])])
        )
        #expect(table["mixed"]?.array?.count == 3)
        #expect(table["empty"] == .array([]))
        #expect(table["long"] == .array([.integer(1), .integer(2)]))
    }

    @Test func inlineTablesAndTheTablesDottedKeysMake() throws {
        let table = try read(
            """
            name = { first = "Tom", last = "Preston-Werner" }
            animal = { type.name = "pug" }
            none = {}
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """
        )
        #expect(value(table, "name.last") == .string("Preston-Werner"))
        #expect(value(table, "animal.type.name") == .string("pug"))
        #expect(table["none"] == .table(TOMLTable()))
        #expect(value(table, "fruit.apple.color") == .string("red"))
        #expect(value(table, "fruit.apple.taste.sweet") == .boolean(true))
        #expect(value(table, "fruit.apple.texture.smooth") == .boolean(true))
    }

    @Test func aSuperTableMayBeDefinedAfterItsSubTables() throws {
        let table = try read("[x.y.z.w]\na = 1\n[x]\nb = 2\n[[p.q]]\nr = 1\n[[p.q]]\nr = 2\n[p.q.s]\nt = 3")
        #expect(value(table, "x.y.z.w.a") == .integer(1))
        #expect(value(table, "x.b") == .integer(2))
        let entries = try #require(value(table, "p.q")?.array)
        #expect(entries.count == 2)
        #expect(entries.last?.table?["s"]?.table?["t"] == .integer(3))
        #expect(entries.first?.table?["s"] == nil)
    }

    @Test func aByteOrderMarkBeforeTheDocumentIsSkipped() throws {
        #expect(try read("\u{FEFF}[network]\nhttp-port = 8080")["network"]?.table?["http-port"] == .integer(8080))
        // Columns are counted from after it, as an editor shows the line.
        let error = #expect(throws: TOMLError.self) { try read("\u{FEFF}[+network]") }
        #expect(error?.line == 1 && error?.column == 2)
    }

    /// Each case: a document, where the reader stops (line, column) and a part of what it says.
    static let refusals: [(toml: String, line: Int, column: Int, message: String)] = [
        // The three inputs that aborted toml++ (found by FuzzConfig).
        ("[access]\ncontrol = []\nread-only = [}\n", 3, 14, "expected a value"),
        ("\u{FEFF}[+hokks]\n", 1, 2, "expected a key"),
        ("[web]\npassword = " + String(repeating: "\"", count: 301) + "\n[network]", 2, 20, "more than two \""),
        (String(repeating: "\"", count: 40) + "[network]", 1, 3, "expected '=' after the key"),
        // Syntax.
        ("log-level = \"info\"\n[network\ninterfaces = []", 2, 9, "expected ']'"),
        ("[[modem]\n", 1, 9, "expected ']]'"),
        ("[a]]\n", 1, 4, "expected a line break or a # comment after the table header, found ']'"),
        ("[]", 1, 2, "expected a key"),
        ("a = 1 b = 2", 1, 7, "after the value, found 'b'"),
        ("a =", 1, 4, "expected a value, found the end of the file"),
        ("a = \n", 1, 5, "found a line break"),
        ("a", 1, 2, "expected '=' after the key, found the end of the file"),
        ("= 1", 1, 1, "expected a key"),
        ("\u{E9} = 1", 1, 1, "found U+00E9"),
        ("a = True", 1, 5, "expected a value"),
        ("a = truee", 1, 9, "found 'e'"),
        ("a = [1 2]", 1, 8, "expected ',' or ']' in the array opened on line 1"),
        ("a = [1,,2]", 1, 8, "found ','"),
        ("a = [\n1,\n", 3, 1, "found the end of the file"),
        ("a = { b = 1, }", 1, 14, "no comma before '}'"),
        ("a = { b = 1\n}", 1, 12, "an inline table stays on one line"),
        ("a = { b = 1 c = 2 }", 1, 13, "expected ',' or '}'"),
        // Strings.
        ("a = \"unclosed\nb = 1", 1, 14, "expected '\"' to close the string"),
        ("a = 'unclosed", 1, 14, "expected \"'\" to close the literal string"),
        ("a = \"\"\"never\nclosed", 2, 7, "to close the string opened on line 1"),
        ("a = '''a''''''", 1, 14, "more than two '"),
        ("a = \"\\x41\"", 1, 6, "expected an escape"),
        ("a = \"\\ \"", 1, 6, "found a space"),
        ("a = \"\\u00E\"", 1, 6, "expected 4 hexadecimal digits after '\\u'"),
        ("a = \"\\uD800\"", 1, 6, "U+D800 is not a Unicode scalar value"),
        ("a = \"\\U00110000\"", 1, 6, "U+00110000 is not a Unicode scalar value"),
        // Numbers, dates.
        ("a = 012", 1, 5, "no leading zeros"),
        ("a = 1__0", 1, 5, "'_' only between digits"),
        ("a = 1_", 1, 5, "'_' only between digits"),
        ("a = +0x1", 1, 5, "takes no sign"),
        ("a = 0x", 1, 5, "expected a number"),
        ("a = 0xG", 1, 5, "digits of base 16"),
        ("a = 1.", 1, 5, "digits after the decimal point"),
        ("a = .5", 1, 5, "expected a value"),
        ("a = 1e", 1, 5, "digits in the exponent"),
        ("a = 9223372036854775808", 1, 5, "out of range"),
        ("a = 0x8000000000000000", 1, 5, "out of range"),
        ("a = 1e400", 1, 5, "out of range"),
        ("a = 1979-05-27T07:32:00Z", 1, 5, "dates and times are not supported"),
        ("a = 07:32:00", 1, 5, "dates and times are not supported"),
        // Defined twice, reopened.
        ("a = 1\na = 2", 2, 1, "key a is defined twice (first on line 1)"),
        ("a = 1\n\"a\" = 2", 2, 1, "defined twice"),
        ("[a]\nb = 1\n[a]", 3, 2, "table [a] is defined twice (first on line 1)"),
        ("[a.b]\n[a]\nb = 1", 3, 1, "key b is defined twice"),
        ("[a]\nb.c = 1\n[a.b]", 3, 4, "made by dotted keys on line 2"),
        ("[a.b.c]\nz = 9\n[a]\nb.c.t = 9", 4, 1, "dotted keys cannot add to it"),
        ("[[a]]\n[a]", 2, 2, "is an array of tables"),
        ("[a]\n[[a]]", 2, 3, "is a table (line 1), not an array of tables"),
        ("a = []\n[[a]]", 2, 3, "already holds a value"),
        ("a = 1\n[a.b]", 2, 2, "a already holds a value (line 1), not a table"),
        ("a = {b = 1}\na.c = 2", 2, 1, "a already holds a value"),
        ("a = {b = 1}\n[a]", 2, 2, "already holds a value"),
        ("a = { b = 1, b = 2 }", 1, 14, "defined twice"),
        ("[[a]]\na.b = 1\n[[a]]\nb.c = 1\nb.c = 2", 5, 3, "key b.c is defined twice (first on line 4)"),
        // Control characters (the raw ones; escaped they are fine).
        ("a = \"x\u{1}\"", 1, 7, "control character U+0001"),
        ("a = 1\r\nb = 2\r", 2, 6, "control character U+000D"),
        ("# \u{7F}", 1, 3, "control character U+007F"),
    ]

    @Test(arguments: refusals)
    func eachRefusalSaysWhereAndWhatItExpected(_ refusal: (toml: String, line: Int, column: Int, message: String)) {
        let error = #expect(throws: TOMLError.self, "\(refusal.toml)") { try read(refusal.toml) }
        #expect(
            error?.line == refusal.line && error?.column == refusal.column,
            "\(refusal.toml): \(String(describing: error))"
        )
        #expect(error?.message.contains(refusal.message) == true, "\(refusal.toml): \(String(describing: error))")
    }

    @Test func depthAndSizeAreBounded() throws {
        let deepest =
            String(repeating: "[", count: TOMLTable.maximumDepth)
            + String(repeating: "]", count: TOMLTable.maximumDepth)
        #expect(try read("a = \(deepest)")["a"]?.array?.count == 1)
        let tooDeep = #expect(throws: TOMLError.self) { try read("a = [\(deepest)]") }
        #expect(tooDeep?.message.contains("nest deeper") == true)
        let longKey = (0...TOMLTable.maximumDepth).map { "k\($0)" }.joined(separator: ".")
        #expect(throws: TOMLError.self) { try read("\(longKey) = 1") }
        #expect(throws: TOMLError.self) { try read("[\(longKey)]") }
        let large = #expect(throws: TOMLError.self) {
            try read("# " + String(repeating: "x", count: TOMLTable.maximumDocumentSize))
        }
        #expect(large?.message.contains("larger than") == true)
    }

    @Test func escapedControlCharactersAndEmptyDocumentsAreFine() throws {
        #expect(try read("a = \"\\u0000\\u001F\\u007F\"")["a"] == .string("\u{0}\u{1F}\u{7F}"))
        #expect(try read("").keys.isEmpty)
        #expect(try read("\n\r\n  # only a comment\n\t\n").keys.isEmpty)
    }
}
