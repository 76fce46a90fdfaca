import Foundation

/// AWS CloudTrail's control plane (regional; JSON 1.1): trails, their status and event selectors.
///
/// Named `CloudTrailAPI` because the package's `CloudTrail` module reads the log files trails deliver.
public struct CloudTrailAPI: Sendable {
    public let client: AWSClient
    /// The region calls go to; the client's region when nil. Trail changes must go to the trail's home region.
    public let region: String?
    public init(_ client: AWSClient, region: String? = nil) {
        self.client = client
        self.region = region
    }

    // MARK: Trails

    /// One trail's configuration.
    public struct Trail: Sendable, Equatable {
        public var name: String
        public var trailARN: String
        /// The region the trail was created in; nil in the answers of `createTrail` and `updateTrail`.
        public var homeRegion: String?
        public var s3BucketName: String?
        public var s3KeyPrefix: String?
        public var isMultiRegionTrail: Bool
        public var includeGlobalServiceEvents: Bool
        public var logFileValidationEnabled: Bool
        /// The KMS key ARN the log files are encrypted with; nil when they use S3-managed encryption.
        public var kmsKeyId: String?
        public var cloudWatchLogsLogGroupArn: String?
        public var isOrganizationTrail: Bool
        /// Whether the trail has event selectors other than the default (all management events); nil when the
        /// answer does not say (`createTrail`, `updateTrail`).
        public var hasCustomEventSelectors: Bool?
    }

    /// The trails of the region (`trailNames` empty) or the named ones (names or ARNs).
    ///
    /// With `includeShadowTrails` (AWS's default), multi-region trails created in other regions are listed too;
    /// their `homeRegion` says where they live.
    public func describeTrails(trailNames: [String] = [], includeShadowTrails: Bool = true) async throws(AWSError) -> [Trail] {
        let input = DescribeTrailsInput(trailNameList: trailNames.isEmpty ? nil : trailNames, includeShadowTrails: includeShadowTrails)
        let output = try await client.json(.cloudTrail, "DescribeTrails", input, as: DescribeTrailsOutput.self, region: region)
        return (output.trailList ?? []).map { $0.trail }
    }

    /// Creates a trail delivering to an existing bucket (whose policy must let CloudTrail write).
    /// Used by tests and development setups; CloudLoom does not create trails in tenant accounts.
    public func createTrail(name: String, s3BucketName: String, isMultiRegionTrail: Bool = false) async throws(AWSError) -> Trail {
        let input = TrailInput(name: name, s3BucketName: s3BucketName, isMultiRegionTrail: isMultiRegionTrail)
        return try await client.json(.cloudTrail, "CreateTrail", input, as: WireTrail.self, region: region).trail
    }

    /// Changes a trail's settings; a nil argument leaves that setting as it is. `kmsKeyId` takes a key ARN,
    /// key id or alias; an empty string turns KMS encryption off. Answers the trail as it now is.
    public func updateTrail(name: String, s3BucketName: String? = nil, isMultiRegionTrail: Bool? = nil,
                            enableLogFileValidation: Bool? = nil, kmsKeyId: String? = nil,
                            includeGlobalServiceEvents: Bool? = nil) async throws(AWSError) -> Trail {
        let input = TrailInput(name: name, s3BucketName: s3BucketName, isMultiRegionTrail: isMultiRegionTrail,
                               enableLogFileValidation: enableLogFileValidation, kmsKeyId: kmsKeyId,
                               includeGlobalServiceEvents: includeGlobalServiceEvents)
        return try await client.json(.cloudTrail, "UpdateTrail", input, as: WireTrail.self, region: region).trail
    }

    // MARK: Status

    /// Whether a trail is logging and how its deliveries go.
    public struct TrailStatus: Sendable, Equatable {
        public var isLogging: Bool
        /// The last time log files were delivered to the bucket.
        public var latestDeliveryTime: Date?
        /// Why the last delivery to the bucket failed (an S3 error code); nil when it did not fail.
        public var latestDeliveryError: String?
        public var startLoggingTime: Date?
        public var stopLoggingTime: Date?
    }

    /// The logging status of a trail, by name or ARN.
    public func getTrailStatus(name: String) async throws(AWSError) -> TrailStatus {
        let o = try await client.json(.cloudTrail, "GetTrailStatus", NameInput(name: name), as: TrailStatusOutput.self, region: region)
        return TrailStatus(isLogging: o.isLogging, latestDeliveryTime: o.latestDeliveryTime,
                           latestDeliveryError: o.latestDeliveryError.flatMap { $0.isEmpty ? nil : $0 },
                           startLoggingTime: o.startLoggingTime, stopLoggingTime: o.stopLoggingTime)
    }

    /// Turns logging on for a trail (a no-op when it already logs).
    public func startLogging(name: String) async throws(AWSError) {
        try await client.jsonCall(.cloudTrail, "StartLogging", NameInput(name: name), region: region)
    }

    // MARK: Event selectors

    /// Which events a trail records: basic event selectors or advanced ones (a trail has one kind or the other).
    public struct EventSelectors: Sendable, Equatable {
        public var trailARN: String?
        public var eventSelectors: [EventSelector]
        public var advancedEventSelectors: [AdvancedEventSelector]
    }

    public struct EventSelector: Sendable, Equatable {
        /// `ReadOnly`, `WriteOnly` or `All` (AWS's default when absent).
        public var readWriteType: String
        /// Whether management events are recorded (AWS's default, true, when absent).
        public var includeManagementEvents: Bool
        public var dataResources: [DataResource]
        /// Event sources left out of management events (`kms.amazonaws.com`, `rdsdata.amazonaws.com`).
        public var excludeManagementEventSources: [String]
    }

    /// Data events of one resource type: `AWS::S3::Object` with values such as `arn:aws:s3:::bucket/`.
    public struct DataResource: Sendable, Equatable {
        public var type: String
        public var values: [String]
    }

    public struct AdvancedEventSelector: Sendable, Equatable {
        public var name: String?
        public var fieldSelectors: [FieldSelector]
    }

    /// One condition of an advanced event selector, as AWS answers it.
    public struct FieldSelector: Sendable, Equatable {
        /// `eventCategory`, `resources.type`, `readOnly`, `eventSource`, `eventName`, `resources.ARN`, ...
        public var field: String
        public var equals: [String]
        public var startsWith: [String]
        public var endsWith: [String]
        public var notEquals: [String]
        public var notStartsWith: [String]
        public var notEndsWith: [String]
    }

    /// The event selectors of a trail, by name or ARN.
    public func getEventSelectors(trailName: String) async throws(AWSError) -> EventSelectors {
        let o = try await client.json(.cloudTrail, "GetEventSelectors", TrailNameInput(trailName: trailName),
                                      as: EventSelectorsOutput.self, region: region)
        let basic = (o.eventSelectors ?? []).map { s in
            EventSelector(readWriteType: s.readWriteType ?? "All", includeManagementEvents: s.includeManagementEvents ?? true,
                          dataResources: (s.dataResources ?? []).map { DataResource(type: $0.type, values: $0.values ?? []) },
                          excludeManagementEventSources: s.excludeManagementEventSources ?? [])
        }
        let advanced = (o.advancedEventSelectors ?? []).map { s in
            AdvancedEventSelector(name: s.name, fieldSelectors: s.fieldSelectors.map { f in
                FieldSelector(field: f.field, equals: f.equals ?? [], startsWith: f.startsWith ?? [], endsWith: f.endsWith ?? [],
                              notEquals: f.notEquals ?? [], notStartsWith: f.notStartsWith ?? [], notEndsWith: f.notEndsWith ?? [])
            })
        }
        return EventSelectors(trailARN: o.trailARN, eventSelectors: basic, advancedEventSelectors: advanced)
    }

    // MARK: Wire

    struct NameInput: Encodable, Sendable {
        var name: String
        enum CodingKeys: String, CodingKey { case name = "Name" }
    }

    struct TrailNameInput: Encodable, Sendable {
        var trailName: String
        enum CodingKeys: String, CodingKey { case trailName = "TrailName" }
    }

    struct DescribeTrailsInput: Encodable, Sendable {
        var trailNameList: [String]?
        var includeShadowTrails: Bool
        // DescribeTrails is the one CloudTrail input whose members start in lower case.
        enum CodingKeys: String, CodingKey {
            case trailNameList
            case includeShadowTrails
        }
    }

    /// CreateTrail and UpdateTrail (the members they share that CloudLoom sets).
    struct TrailInput: Encodable, Sendable {
        var name: String
        var s3BucketName: String?
        var isMultiRegionTrail: Bool?
        var enableLogFileValidation: Bool?
        var kmsKeyId: String?
        var includeGlobalServiceEvents: Bool?
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case s3BucketName = "S3BucketName"
            case isMultiRegionTrail = "IsMultiRegionTrail"
            case enableLogFileValidation = "EnableLogFileValidation"
            case kmsKeyId = "KmsKeyId"
            case includeGlobalServiceEvents = "IncludeGlobalServiceEvents"
        }
    }

    struct DescribeTrailsOutput: Decodable {
        var trailList: [WireTrail]?
    }

    /// A trail in DescribeTrails, and the whole answer of CreateTrail and UpdateTrail.
    struct WireTrail: Decodable {
        var name: String
        var trailARN: String
        var homeRegion: String?
        var s3BucketName: String?
        var s3KeyPrefix: String?
        var isMultiRegionTrail: Bool?
        var includeGlobalServiceEvents: Bool?
        var logFileValidationEnabled: Bool?
        var kmsKeyId: String?
        var cloudWatchLogsLogGroupArn: String?
        var isOrganizationTrail: Bool?
        var hasCustomEventSelectors: Bool?
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case trailARN = "TrailARN"
            case homeRegion = "HomeRegion"
            case s3BucketName = "S3BucketName"
            case s3KeyPrefix = "S3KeyPrefix"
            case isMultiRegionTrail = "IsMultiRegionTrail"
            case includeGlobalServiceEvents = "IncludeGlobalServiceEvents"
            case logFileValidationEnabled = "LogFileValidationEnabled"
            case kmsKeyId = "KmsKeyId"
            case cloudWatchLogsLogGroupArn = "CloudWatchLogsLogGroupArn"
            case isOrganizationTrail = "IsOrganizationTrail"
            case hasCustomEventSelectors = "HasCustomEventSelectors"
        }

        var trail: Trail {
            Trail(name: name, trailARN: trailARN, homeRegion: homeRegion, s3BucketName: s3BucketName, s3KeyPrefix: s3KeyPrefix,
                  isMultiRegionTrail: isMultiRegionTrail ?? false, includeGlobalServiceEvents: includeGlobalServiceEvents ?? false,
                  logFileValidationEnabled: logFileValidationEnabled ?? false, kmsKeyId: kmsKeyId,
                  cloudWatchLogsLogGroupArn: cloudWatchLogsLogGroupArn, isOrganizationTrail: isOrganizationTrail ?? false,
                  hasCustomEventSelectors: hasCustomEventSelectors)
        }
    }

    struct TrailStatusOutput: Decodable {
        var isLogging: Bool
        var latestDeliveryTime: Date?
        var latestDeliveryError: String?
        var startLoggingTime: Date?
        var stopLoggingTime: Date?
        enum CodingKeys: String, CodingKey {
            case isLogging = "IsLogging"
            case latestDeliveryTime = "LatestDeliveryTime"
            case latestDeliveryError = "LatestDeliveryError"
            case startLoggingTime = "StartLoggingTime"
            case stopLoggingTime = "StopLoggingTime"
        }
    }

    struct EventSelectorsOutput: Decodable {
        var trailARN: String?
        var eventSelectors: [WireEventSelector]?
        var advancedEventSelectors: [WireAdvancedEventSelector]?
        enum CodingKeys: String, CodingKey {
            case trailARN = "TrailARN"
            case eventSelectors = "EventSelectors"
            case advancedEventSelectors = "AdvancedEventSelectors"
        }
    }

    struct WireEventSelector: Decodable {
        var readWriteType: String?
        var includeManagementEvents: Bool?
        var dataResources: [WireDataResource]?
        var excludeManagementEventSources: [String]?
        enum CodingKeys: String, CodingKey {
            case readWriteType = "ReadWriteType"
            case includeManagementEvents = "IncludeManagementEvents"
            case dataResources = "DataResources"
            case excludeManagementEventSources = "ExcludeManagementEventSources"
        }
    }

    struct WireDataResource: Decodable {
        var type: String
        var values: [String]?
        enum CodingKeys: String, CodingKey {
            case type = "Type"
            case values = "Values"
        }
    }

    struct WireAdvancedEventSelector: Decodable {
        var name: String?
        var fieldSelectors: [WireFieldSelector]
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case fieldSelectors = "FieldSelectors"
        }
    }

    struct WireFieldSelector: Decodable {
        var field: String
        var equals: [String]?
        var startsWith: [String]?
        var endsWith: [String]?
        var notEquals: [String]?
        var notStartsWith: [String]?
        var notEndsWith: [String]?
        enum CodingKeys: String, CodingKey {
            case field = "Field"
            case equals = "Equals"
            case startsWith = "StartsWith"
            case endsWith = "EndsWith"
            case notEquals = "NotEquals"
            case notStartsWith = "NotStartsWith"
            case notEndsWith = "NotEndsWith"
        }
    }
}
