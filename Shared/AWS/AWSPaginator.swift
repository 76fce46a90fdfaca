/// The items of a list or describe call across all its pages, fetched lazily as the caller iterates.
///
/// `fetch` gets the token of the page to read (nil for the first) and answers the page's items and the next token
/// (nil or empty when it was the last). A service that answers the same token twice would loop forever; that is
/// reported as a malformed response instead.
public struct AWSPaginator<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Page = (items: [Element], next: String?)
    let fetch: @Sendable (String?) async throws(AWSError) -> Page

    public init(fetch: @escaping @Sendable (String?) async throws(AWSError) -> Page) {
        self.fetch = fetch
    }

    public typealias Failure = AWSError

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Failure = AWSError
        let fetch: @Sendable (String?) async throws(AWSError) -> Page
        var buffer: [Element] = []
        var index = 0
        var token: String?
        var seen: Set<String> = []
        var finished = false
        /// Pages read so far.
        public private(set) var pages = 0

        public mutating func next() async throws(AWSError) -> Element? {
            while index >= buffer.count {
                if finished { return nil }
                let page = try await fetch(token)
                pages += 1
                buffer = page.items
                index = 0
                if let next = page.next, !next.isEmpty {
                    guard seen.insert(next).inserted else {
                        throw AWSError(kind: .malformedResponse, code: "PaginationLoop",
                                       message: "the service answered the page token \(next.prefix(40)) twice")
                    }
                    token = next
                } else {
                    finished = true
                }
            }
            defer { index += 1 }
            return buffer[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(fetch: fetch) }

    /// Every item of every page.
    public func collect() async throws(AWSError) -> [Element] {
        var all: [Element] = []
        var it = makeAsyncIterator()
        while let e = try await it.next() { all.append(e) }
        return all
    }
}
