import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection. Blocking: it is used only from a thread of the pool's `NIOThreadPool`, by one caller at a
/// time, which is why it is `@unchecked Sendable` (the pool hands it from thread to thread, never shares it).
public final class PostgresConnection: @unchecked Sendable {
    // Owned: freed with PQfinish in deinit.
    private let handle: OpaquePointer

    init(conninfo: String) throws(StoreError) {
        guard let conn = PQconnectdb(conninfo) else { throw StoreError(.connection, "cannot allocate a connection") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let text = String(cString: PQerrorMessage(conn))
            PQfinish(conn)
            throw StoreError(.connection, "cannot connect to PostgreSQL", serverMessage: text)
        }
        handle = conn
    }

    deinit { PQfinish(handle) }

    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Tries to re-establish a broken connection.
    func reset() -> Bool {
        PQreset(handle)
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs a parameterized statement (extended protocol: one statement, values bound, never spliced).
    @discardableResult
    public func query(_ sql: SQL) throws(StoreError) -> [Row] {
        let params = sql.parameters.map { $0.cString }
        // strdup'd copies live until PQexecParams returns; freed below.
        let cValues: [UnsafeMutablePointer<CChar>?] = params.map { $0.flatMap { strdup($0) } }
        defer { for p in cValues { free(p) } }
        let result: OpaquePointer? = cValues.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) { values in
                PQexecParams(handle, sql.text, Int32(params.count), nil, params.isEmpty ? nil : values, nil, nil, 0)
            }
        }
        return try consume(result)
    }

    /// Runs a script of several statements with the simple protocol. Only for trusted text (migrations);
    /// never build the script from user input.
    public func execute(script: String) throws(StoreError) {
        _ = try consume(PQexec(handle, script))
    }

    private func consume(_ result: OpaquePointer?) throws(StoreError) -> [Row] {
        guard let result else {
            throw StoreError(.connection, "no result from PostgreSQL", serverMessage: String(cString: PQerrorMessage(handle)))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return []
        case PGRES_TUPLES_OK:
            let nrows = Int(PQntuples(result))
            let ncols = Int(PQnfields(result))
            let columns = (0..<ncols).map { String(cString: PQfname(result, Int32($0))) }
            var rows: [Row] = []
            rows.reserveCapacity(nrows)
            for r in 0..<nrows {
                var values: [String?] = []
                values.reserveCapacity(ncols)
                for c in 0..<ncols {
                    if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                    }
                }
                rows.append(Row(columns: columns, values: values))
            }
            return rows
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let text = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
                ?? String(cString: PQerrorMessage(handle))
            switch state {
            case "23505": throw StoreError(.uniqueViolation, "a record with that key already exists", sqlState: state, serverMessage: text)
            case "23514": throw StoreError(.checkViolation, "a constraint rejected the change", sqlState: state, serverMessage: text)
            default: throw StoreError(.query, "the database rejected the statement", sqlState: state, serverMessage: text)
            }
        }
    }
}
