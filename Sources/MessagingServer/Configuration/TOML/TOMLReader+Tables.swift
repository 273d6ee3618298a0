// TOML v1.0.0's rules on defining each key and table once: "Keys" (no key twice), "Table" (no table twice; dotted
// keys and headers do not reopen each other's tables), "Inline Table" (self-contained) and "Array of Tables".

/// A table while the document is read: what defined it, and its entries in document order.
final class TOMLNode {
    enum Origin {
        /// Made as the parent of a header's table (`a` of `[a.b]`): a header may still define it, once.
        case implicit
        /// Defined by its `[header]` (or the document's root, or an inline table's braces).
        case header
        /// Made by a dotted key (`a` of `a.b = 1`): only more dotted keys of the same table add to it.
        case dotted
    }

    enum Entry {
        /// A value of a pair, an array or an inline table: closed to headers and dotted keys alike.
        case value(TOMLValue, offset: Int)
        case table(TOMLNode)
        case tables(TOMLNodeList)
    }

    var origin: Origin
    /// Where it was defined, for "first defined on line N".
    var offset: Int
    private(set) var keys: [String] = []
    private(set) var entries: [String: Entry] = [:]

    init(origin: Origin, offset: Int) {
        self.origin = origin
        self.offset = offset
    }

    func add(_ key: String, _ entry: Entry) {
        keys.append(key)
        entries[key] = entry
    }

    /// Adds a table under a new key and returns it.
    func addTable(_ key: String, origin: Origin, offset: Int) -> TOMLNode {
        let table = TOMLNode(origin: origin, offset: offset)
        add(key, .table(table))
        return table
    }

    func table() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch entries[key] {
            case .value(let value, _): table.append(key, value)
            case .table(let node): table.append(key, .table(node.table()))
            case .tables(let list): table.append(key, .array(list.nodes.map { .table($0.table()) }))
            case nil: break
            }
        }
        return table
    }
}

/// The tables of an `[[array]]`, never empty; a class so that appending one does not copy the others.
final class TOMLNodeList {
    private(set) var nodes: [TOMLNode]
    private(set) var last: TOMLNode
    let offset: Int

    init(_ first: TOMLNode) {
        nodes = [first]
        last = first
        offset = first.offset
    }

    func append(_ node: TOMLNode) {
        nodes.append(node)
        last = node
    }
}

extension TOMLReader {
    /// `[key]`: the table it defines, once.
    func defineTable(_ key: [KeyPart], root: TOMLNode) throws(Failure) -> TOMLNode {
        let parent = try headerParent(key, root: root)
        let name = key[key.count - 1]
        let header = "[\(Self.describe(key))]"
        switch parent.entries[name.name] {
        case nil:
            return parent.addTable(name.name, origin: .header, offset: name.offset)
        case .table(let table) where table.origin == .implicit:
            table.origin = .header
            table.offset = name.offset
            return table
        case .table(let table) where table.origin == .header:
            throw Failure(name.offset, "table \(header) is defined twice (first on line \(line(table.offset)))")
        case .table(let table):
            throw Failure(
                name.offset,
                "table \(header) was made by dotted keys on line \(line(table.offset)); a header cannot reopen it"
            )
        case .tables(let list):
            throw Failure(
                name.offset,
                "\(header) is an array of tables (line \(line(list.offset))); add to it with [\(header)]"
            )
        case .value(_, let offset):
            throw Failure(name.offset, "\(header): the key already holds a value (line \(line(offset)))")
        }
    }

    /// `[[key]]`: a new table at the end of the array of tables.
    func appendArrayTable(_ key: [KeyPart], root: TOMLNode) throws(Failure) -> TOMLNode {
        let parent = try headerParent(key, root: root)
        let name = key[key.count - 1]
        let header = "[[\(Self.describe(key))]]"
        let table = TOMLNode(origin: .header, offset: name.offset)
        switch parent.entries[name.name] {
        case nil:
            parent.add(name.name, .tables(TOMLNodeList(table)))
        case .tables(let list):
            list.append(table)
        case .table(let existing):
            throw Failure(
                name.offset,
                "\(header): \(Self.describe(key)) is a table (line \(line(existing.offset))), not an array of tables"
            )
        case .value(_, let offset):
            throw Failure(
                name.offset,
                "\(header): the key already holds a value (line \(line(offset))); an array written with "
                    + "[ ] cannot be extended by [[ ]]"
            )
        }
        return table
    }

    /// The table a header's last key part goes into: through tables (made if missing) and the last table of each
    /// array of tables on the way.
    private func headerParent(_ key: [KeyPart], root: TOMLNode) throws(Failure) -> TOMLNode {
        var table = root
        for (position, part) in key.dropLast().enumerated() {
            switch table.entries[part.name] {
            case nil:
                table = table.addTable(part.name, origin: .implicit, offset: part.offset)
            case .table(let child):
                table = child
            case .tables(let list):
                table = list.last
            case .value(_, let offset):
                throw Failure(
                    part.offset,
                    "\(Self.describe(key[...position])) already holds a value (line \(line(offset))), not a table"
                )
            }
        }
        return table
    }

    /// `key = value` in `table`: through the tables of the key's dotted parts (made if missing), then a key that is
    /// new there.
    func define(_ key: [KeyPart], _ value: TOMLValue, in table: TOMLNode) throws(Failure) {
        var table = table
        for (position, part) in key.dropLast().enumerated() {
            let path = Self.describe(key[...position])
            switch table.entries[part.name] {
            case nil:
                table = table.addTable(part.name, origin: .dotted, offset: part.offset)
            case .table(let child) where child.origin == .dotted:
                table = child
            case .table(let child):
                throw Failure(
                    part.offset,
                    "table \(path) is defined by a [header] (line \(line(child.offset))); dotted keys cannot add to it"
                )
            case .tables(let list):
                throw Failure(
                    part.offset,
                    "\(path) is an array of tables (line \(line(list.offset))); dotted keys cannot add to it"
                )
            case .value(_, let offset):
                throw Failure(part.offset, "\(path) already holds a value (line \(line(offset))), not a table")
            }
        }
        let name = key[key.count - 1]
        if let existing = table.entries[name.name] {
            let offset =
                switch existing {
                case .value(_, let offset): offset
                case .table(let table): table.offset
                case .tables(let list): list.offset
                }
            throw Failure(
                name.offset,
                "key \(Self.describe(key)) is defined twice (first on line \(line(offset)))"
            )
        }
        table.add(name.name, .value(value, offset: name.offset))
    }

    private func line(_ offset: Int) -> Int { position(of: offset).line }
}
