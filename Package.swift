// swift-tools-version:6.1
import PackageDescription

/// One settings block for every Swift target: Swift 6 language mode (the package default with tools 6.x),
/// complete concurrency checking and `any` spelled out for existentials.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableExperimentalFeature("StrictConcurrency=complete"),
]

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]
let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let protobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")

/// Every service executable links the same runtime.
let serviceDeps: [Target.Dependency] = ["ServiceKit", "Bus", "Store", "Wire", log, lifecycle]

func service(_ name: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name, dependencies: serviceDeps + extra, path: "Services/\(name)", swiftSettings: swiftSettings)
}

let package = Package(
    name: "CloudLoom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "ingestor", targets: ["ingestor"]),
        .executable(name: "inventory", targets: ["inventory"]),
        .executable(name: "policy-engine", targets: ["policy-engine"]),
        .executable(name: "ai-reasoner", targets: ["ai-reasoner"]),
        .executable(name: "remediation-executor", targets: ["remediation-executor"]),
        .executable(name: "approvals", targets: ["approvals"]),
        .executable(name: "billing", targets: ["billing"]),
        .executable(name: "cloudloom", targets: ["cloudloom"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // C libraries, each behind a Swift type in Shared/; no C type appears in a public API.
        .systemLibrary(name: "CNATS", path: "Shared/CNATS", pkgConfig: "libnats",
                       providers: [.apt(["libnats-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", path: "Shared/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", path: "Shared/CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),

        // Shared libraries.
        .target(name: "CLCrypto", dependencies: ["COpenSSL"], path: "Shared/Crypto", swiftSettings: swiftSettings),
        .target(name: "Wire", dependencies: [protobuf], path: "Shared/Wire", swiftSettings: swiftSettings),
        .target(name: "Bus", dependencies: ["CNATS", "Wire", log] + nio, path: "Shared/Bus", swiftSettings: swiftSettings),
        .target(name: "Store", dependencies: ["CLibPQ", log] + nio, path: "Shared/Store", swiftSettings: swiftSettings),
        .target(name: "HTTP", dependencies: ["CCurl", log] + nio, path: "Shared/HTTP", swiftSettings: swiftSettings),
        .target(name: "ServiceKit",
                dependencies: ["Bus", "Store", "Wire", log, lifecycle, hummingbird,
                               .product(name: "Metrics", package: "swift-metrics"),
                               .product(name: "Prometheus", package: "swift-prometheus")] + nio,
                path: "Shared/ServiceKit", swiftSettings: swiftSettings),
        .target(name: "AWS", dependencies: ["HTTP", "CLCrypto", log], path: "Shared/AWS", swiftSettings: swiftSettings),
        .target(name: "CloudTrail", dependencies: ["Wire", "CZlib", "CDeflate"], path: "Shared/CloudTrail", swiftSettings: swiftSettings),
        .target(name: "IAMPolicy", dependencies: [], path: "Shared/IAMPolicy",
                resources: [.copy("Resources/iam-actions.tsv")], swiftSettings: swiftSettings),
        .target(name: "Detection", dependencies: ["Wire", "CloudTrail", "IAMPolicy"], path: "Shared/Detection", swiftSettings: swiftSettings),
        .target(name: "HCL", dependencies: [], path: "Shared/HCL", swiftSettings: swiftSettings),

        // Services: thin mains over the shared runtime.
        service("gateway", extra: [hummingbird, "CLCrypto", "CloudTrail", .product(name: "HTTPTypes", package: "swift-http-types")]),
        service("ingestor", extra: ["CloudTrail", "AWS", "CLCrypto"]),
        service("inventory"),
        service("policy-engine", extra: ["Detection", "CloudTrail", "CLCrypto", "IAMPolicy"]),
        service("ai-reasoner"),
        service("remediation-executor"),
        service("approvals"),
        service("billing"),
        .executableTarget(name: "cloudloom",
                          dependencies: ["HTTP", "AWS", "Detection", "CloudTrail", "Wire", "CLCrypto", "IAMPolicy",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Services/cloudloom", swiftSettings: swiftSettings),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Bus", "Store", "HTTP", log], path: "Tests/TestSupport",
                swiftSettings: swiftSettings),
        .testTarget(name: "CryptoTests", dependencies: ["CLCrypto"], path: "Tests/CryptoTests", swiftSettings: swiftSettings),
        .testTarget(name: "WireTests", dependencies: ["Wire"], path: "Tests/WireTests", swiftSettings: swiftSettings),
        .testTarget(name: "CloudTrailTests", dependencies: ["CloudTrail", "Wire"], path: "Tests/CloudTrailTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "DetectionTests", dependencies: ["Detection", "CloudTrail", "Wire"], path: "Tests/DetectionTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy"], path: "Tests/IAMPolicyTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "HCLTests", dependencies: ["HCL"], path: "Tests/HCLTests", swiftSettings: swiftSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"], path: "Tests/StoreTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "BusTests", dependencies: ["Bus", "Wire", "TestSupport"], path: "Tests/BusTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], path: "Tests/HTTPTests",
                    swiftSettings: swiftSettings),
        .testTarget(name: "AWSTests", dependencies: ["AWS", "HTTP", "CLCrypto", "TestSupport"], path: "Tests/AWSTests",
                    resources: [.copy("Resources")], swiftSettings: swiftSettings),
        .testTarget(name: "IntegrationTests",
                    dependencies: ["TestSupport", "HTTP", "Wire", "CloudTrail", "AWS", "Bus", "CLCrypto",
                                   .product(name: "Yams", package: "Yams")],
                    path: "Tests/IntegrationTests", swiftSettings: swiftSettings),
    ]
)
