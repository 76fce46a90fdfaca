import AWS
import Testing

/// The ``AWSError`` that `body` throws, or nil when it succeeds, so a test can look at the error's fields.
/// Any other error is recorded as an issue (the client promises to throw only `AWSError`).
func thrownAWSError<T>(_ body: () async throws -> T) async -> AWSError? {
    do {
        _ = try await body()
        return nil
    } catch let error as AWSError {
        return error
    } catch {
        Issue.record("expected an AWSError, got \(type(of: error)): \(error)")
        return nil
    }
}
