// swift-tools-version:6.2
import PackageDescription

/// Every target: Swift 6 language mode (the tools default) plus the upcoming features the anchors enable. Imports
/// are internal by default: a library file writes `public import M` only where its public API shows M's types.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Executables, tests, benchmarks and the fuzzer: the same settings (they publish no API).
let leafSwiftSettings: [SwiftSetting] = swiftSettings

// Linux only: the data plane, the CLIs and the tests use Glibc, recvmmsg/GSO and network namespaces, so no
// Apple platform is declared.
let package = Package(
    name: "PeerRelay",
    products: [
        .executable(name: "relay-server", targets: ["relay-server"]),
        .executable(name: "relayctl", targets: ["relayctl"]),
        .executable(name: "tailnet-coordinator", targets: ["tailnet-coordinator"]),
        .executable(name: "relay-operator", targets: ["relay-operator"]),
        .executable(name: "tailnet-agent", targets: ["tailnet-agent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // MARK: System libraries and C shims
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "CRelayIO"),

        // MARK: Shared vocabulary (no dependencies): JSON values and RFC 3339 times
        .target(name: "Interchange", swiftSettings: swiftSettings),

        // MARK: Relay (never links Kubernetes code)
        .target(
            name: "RelayCore",
            dependencies: ["CSodium"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelayNIO",
            dependencies: ["RelayCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "Interchange",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelayServer",
            dependencies: [
                "RelayCore", "RelayNIO", "Telemetry", "Tailnet", "CurlHTTP", "CRelayIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelayClient",
            dependencies: [
                "RelayCore", "RelayNIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relay-server",
            dependencies: [
                "RelayServer", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Fallback relay (TCP; docs/fallback-protocol.md)
        .target(
            name: "Fallback",
            dependencies: ["RelayCore", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FallbackTests", dependencies: ["Fallback", "RelayCore", "PeerRelayTestSupport"],
            swiftSettings: leafSwiftSettings),
        .target(
            name: "FallbackClient",
            dependencies: [
                "Fallback", "RelayCore", "RelayClient",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FallbackServerTests",
            dependencies: [
                "Fallback", "FallbackClient", "FallbackServer", "Coordinator", "RelayCore", "RelayClient",
                "PeerRelayTestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .target(
            name: "FallbackServer",
            dependencies: [
                "Fallback", "FallbackClient", "RelayCore", "Telemetry",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: HTTP and YAML foundations
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl", "CCurlShim"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "YAMLParsing",
            dependencies: ["CYAML", "Interchange"],
            swiftSettings: swiftSettings
        ),

        // MARK: Kubernetes
        .target(
            name: "Kube",
            dependencies: [
                "CurlHTTP", "Interchange", "YAMLParsing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "kube-lease-probe",
            dependencies: [
                "Kube",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Node agent
        .target(name: "Agent", dependencies: ["RelayCore"], swiftSettings: swiftSettings),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "RelayCore"], swiftSettings: leafSwiftSettings),
        .target(
            name: "AgentRuntime",
            dependencies: [
                "Agent", "RelayCore", "RelayNIO", "Tailnet", "CurlHTTP", "FallbackClient", "RelayClient", "CRelayIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentRuntimeTests",
            dependencies: [
                "AgentRuntime", "Agent", "Coordinator", "Tailnet", "RelayCore", "CurlHTTP", "PeerRelayTestSupport",
                "CoordinatorTestSupport", "FallbackServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .executableTarget(
            name: "tailnet-agent",
            dependencies: [
                "Agent", "AgentRuntime", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Tailnet control plane
        .target(
            name: "Tailnet",
            dependencies: ["RelayCore", "CurlHTTP"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Coordinator",
            dependencies: [
                "RelayCore", "Tailnet", "Telemetry", "CSodium", "FallbackServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tailnet-coordinator",
            dependencies: [
                "Coordinator", "Tailnet", "RelayCore", "Telemetry", "FallbackServer", "CurlHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: leafSwiftSettings
        ),

        .testTarget(
            name: "CoordinatorTests",
            dependencies: [
                "Coordinator", "Tailnet", "RelayCore", "CurlHTTP", "PeerRelayTestSupport", "Fallback", "FallbackClient",
                "RelayClient", "CoordinatorTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(name: "TailnetTests", dependencies: ["Tailnet", "RelayCore"], swiftSettings: leafSwiftSettings),

        // MARK: Operator
        .target(
            name: "Operator",
            dependencies: [
                "Interchange", "Kube", "Tailnet", "RelayCore", "Telemetry", "CurlHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relay-operator",
            dependencies: [
                "Operator", "Kube", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "OperatorTests",
            dependencies: [
                "Operator", "Interchange", "RelayCore", "RelayServer", "Kube", "CurlHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Recordings"],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Admin CLI
        .executableTarget(
            name: "relayctl",
            dependencies: [
                "Agent", "Interchange", "RelayCore", "RelayClient", "RelayNIO", "Tailnet", "CurlHTTP", "FallbackClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Benchmarks (Benchmarks/, run by Benchmarks/bench-*)
        .executableTarget(
            name: "kube-bench", dependencies: ["Kube"], path: "Benchmarks/Sources/kube-bench",
            swiftSettings: leafSwiftSettings),
        .executableTarget(
            name: "coordinator-bench",
            dependencies: [
                "Tailnet", "RelayCore", "CurlHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Sources/coordinator-bench",
            swiftSettings: leafSwiftSettings
        ),
        .executableTarget(
            name: "relay-bench",
            dependencies: [
                "RelayCore", "RelayClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/Sources/relay-bench",
            swiftSettings: leafSwiftSettings
        ),

        .executableTarget(
            name: "relaycore-bench", dependencies: ["RelayCore"], path: "Benchmarks/Sources/relaycore-bench",
            swiftSettings: leafSwiftSettings),

        .executableTarget(
            name: "fallback-bench",
            dependencies: [
                "Fallback", "FallbackClient", "FallbackServer", "Coordinator", "RelayCore", "RelayClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/Sources/fallback-bench",
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Fuzzing (hack/fuzz builds this with libFuzzer; a plain build makes an input replayer)
        .executableTarget(
            name: "relaycore-fuzz", dependencies: ["RelayCore"], path: "Fuzz/RelayCoreFuzz",
            swiftSettings: leafSwiftSettings),

        // MARK: Tests
        .target(
            name: "PeerRelayTestSupport",
            dependencies: [
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CoordinatorTestSupport",
            dependencies: [
                "Coordinator", "Tailnet", "CurlHTTP", "PeerRelayTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CoordinatorTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayCoreTests", dependencies: ["RelayCore", "PeerRelayTestSupport"],
            swiftSettings: leafSwiftSettings),
        .testTarget(
            name: "RelayServerTests",
            dependencies: [
                "RelayServer", "RelayCore", "RelayClient", "Telemetry", "Tailnet", "PeerRelayTestSupport", "CRelayIO",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Interchange", "Telemetry", "PeerRelayTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "RelayClientTests",
            dependencies: [
                "RelayClient", "RelayCore", "PeerRelayTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "CurlHTTPTests", dependencies: ["CurlHTTP", "PeerRelayTestSupport"], exclude: ["Fixtures"],
            swiftSettings: leafSwiftSettings),
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange"], swiftSettings: leafSwiftSettings),
        .testTarget(
            name: "YAMLParsingTests", dependencies: ["Interchange", "YAMLParsing"], swiftSettings: leafSwiftSettings),
        .testTarget(
            name: "KubeTests",
            dependencies: [
                "Kube", "CurlHTTP", "PeerRelayTestSupport",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: leafSwiftSettings
        ),
    ]
)
