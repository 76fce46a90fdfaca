import Foundation

/// Files under `Tests/AWSTests/Resources`, copied into the test bundle by SwiftPM (`.copy("Resources")`).
enum TestResources {
    /// The URL of a resource file, or nil when it is neither in the bundle nor beside this source file.
    static func url(_ name: String) -> URL? {
        var candidates: [URL] = []
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources") { candidates.append(url) }
        if let base = Bundle.module.resourceURL {
            candidates.append(base.appendingPathComponent("Resources").appendingPathComponent(name))
        }
        // Running from a checkout: the folder beside this file.
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources").appendingPathComponent(name))
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The bytes of a resource file; throws naming the file when it is missing.
    static func data(_ name: String) throws -> Data {
        guard let url = url(name) else { throw MissingResource(name: name) }
        return try Data(contentsOf: url)
    }

    struct MissingResource: Error, CustomStringConvertible {
        var name: String
        var description: String { "Tests/AWSTests/Resources/\(name) is missing from the test bundle" }
    }
}
