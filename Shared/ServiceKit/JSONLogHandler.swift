import Foundation
import Logging
import Wire

/// A swift-log handler writing one JSON object per line to stderr:
/// `{"ts":"...","level":"info","service":"...","msg":"...","tenant.id":"..."}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let service: String

    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"service\":"
        JSONString.append(service, to: &line)
        line += ",\"logger\":"
        JSONString.append(label, to: &line)
        line += ",\"msg\":"
        JSONString.append(event.message.description, to: &line)
        for key in merged.keys.sorted() {
            line += ","
            JSONString.append(key, to: &line)
            line += ":"
            JSONString.append("\(merged[key]!)", to: &line)
        }
        if event.level >= .error {
            line += ",\"source\":"
            JSONString.append("\(event.file.split(separator: "/").last ?? ""):\(event.line)", to: &line)
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                      tm.tm_hour, tm.tm_min, tm.tm_sec, Int(tv.tv_usec / 1000))
    }
}
