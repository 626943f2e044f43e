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
/// Products of the package dependencies, named once.
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let coreMetrics: Target.Dependency = .product(name: "CoreMetrics", package: "swift-metrics")
let dequeModule: Target.Dependency = .product(name: "DequeModule", package: "swift-collections")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdCore: Target.Dependency = .product(name: "HummingbirdCore", package: "hummingbird")
let hummingbirdTLS: Target.Dependency = .product(name: "HummingbirdTLS", package: "hummingbird")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let metricsTestKit: Target.Dependency = .product(name: "MetricsTestKit", package: "swift-metrics")
let nioConcurrencyHelpers: Target.Dependency = .product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let nioHTTPTypes: Target.Dependency = .product(name: "NIOHTTPTypes", package: "swift-nio-extras")
let nioHTTPTypesHTTP1: Target.Dependency = .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioSSL: Target.Dependency = .product(name: "NIOSSL", package: "swift-nio-ssl")
let nioWebSocket: Target.Dependency = .product(name: "NIOWebSocket", package: "swift-nio")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals: Target.Dependency = .product(name: "UnixSignals", package: "swift-service-lifecycle")

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
            dependencies: ["RelayCore", nioCore],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "Interchange",
                nioCore,
                nioPosix,
                nioHTTP1,
                logging,
                metrics,
                prometheus,
                serviceLifecycle,
                argumentParser,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelayServer",
            dependencies: [
                "RelayCore", "RelayNIO", "Telemetry", "Tailnet", "CurlHTTP", "CRelayIO",
                argumentParser,
                nioCore,
                nioPosix,
                nioConcurrencyHelpers,
                logging,
                metrics,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RelayClient",
            dependencies: [
                "RelayCore", "RelayNIO",
                nioCore,
                nioPosix,
                nioConcurrencyHelpers,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relay-server",
            dependencies: [
                "RelayServer", "Telemetry",
                argumentParser,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Fallback relay (TCP; docs/fallback-protocol.md)
        .target(
            name: "Fallback",
            dependencies: ["RelayCore", dequeModule],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FallbackTests", dependencies: ["Fallback", "RelayCore", "PeerRelayTestSupport"],
            swiftSettings: leafSwiftSettings),
        .target(
            name: "FallbackClient",
            dependencies: [
                "Fallback", "RelayCore", "RelayClient",
                nioConcurrencyHelpers,
                nioCore,
                nioPosix,
                nioHTTP1,
                nioWebSocket,
                nioSSL,
                logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FallbackServerTests",
            dependencies: [
                "Fallback", "FallbackClient", "FallbackServer", "Coordinator", "RelayCore", "RelayClient",
                "PeerRelayTestSupport",
                nioPosix,
                nioSSL,
                logging,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .target(
            name: "FallbackServer",
            dependencies: [
                "Fallback", "FallbackClient", "RelayCore", "Telemetry",
                hummingbirdCore,
                nioConcurrencyHelpers,
                nioCore,
                nioHTTP1,
                nioWebSocket,
                nioHTTPTypes,
                nioHTTPTypesHTTP1,
                logging,
                metrics,
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
                logging,
                metrics,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "kube-lease-probe",
            dependencies: [
                "Kube",
                logging,
                serviceLifecycle,
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
                nioCore,
                nioPosix,
                nioConcurrencyHelpers,
                logging,
                metrics,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AgentRuntimeTests",
            dependencies: [
                "AgentRuntime", "Agent", "Coordinator", "Tailnet", "RelayCore", "CurlHTTP", "PeerRelayTestSupport",
                "CoordinatorTestSupport", "FallbackServer",
                nioCore,
                nioPosix,
                coreMetrics,
                logging,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .executableTarget(
            name: "tailnet-agent",
            dependencies: [
                "Agent", "AgentRuntime", "Telemetry",
                argumentParser,
                logging,
                serviceLifecycle,
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
                nioCore,
                nioPosix,
                hummingbird,
                hummingbirdTLS,
                metrics,
                grdb,
                logging,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tailnet-coordinator",
            dependencies: [
                "Coordinator", "Tailnet", "RelayCore", "Telemetry", "FallbackServer", "CurlHTTP",
                hummingbird,
                logging,
                argumentParser,
            ],
            swiftSettings: leafSwiftSettings
        ),

        .testTarget(
            name: "CoordinatorTests",
            dependencies: [
                "Coordinator", "Tailnet", "RelayCore", "CurlHTTP", "PeerRelayTestSupport", "Fallback", "FallbackClient",
                "RelayClient", "CoordinatorTestSupport",
                nioCore,
                nioPosix,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(name: "TailnetTests", dependencies: ["Tailnet", "RelayCore"], swiftSettings: leafSwiftSettings),

        // MARK: Operator
        .target(
            name: "Operator",
            dependencies: [
                "Interchange", "Kube", "Tailnet", "RelayCore", "Telemetry", "CurlHTTP",
                logging,
                metrics,
                serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "relay-operator",
            dependencies: [
                "Operator", "Kube", "Telemetry",
                argumentParser,
                logging,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "OperatorTests",
            dependencies: [
                "Operator", "Interchange", "RelayCore", "RelayServer", "Kube", "CurlHTTP",
                logging,
            ],
            exclude: ["Recordings"],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Admin CLI
        .executableTarget(
            name: "relayctl",
            dependencies: [
                "Agent", "Interchange", "RelayCore", "RelayClient", "RelayNIO", "Tailnet", "CurlHTTP", "FallbackClient",
                argumentParser,
                unixSignals,
                nioCore,
            ],
            swiftSettings: leafSwiftSettings
        ),

        // MARK: Benchmarks (Benchmarks/, run by Benchmarks/bench-*)
        .target(
            name: "BenchmarkSupport", path: "Benchmarks/Sources/BenchmarkSupport", swiftSettings: swiftSettings),
        .executableTarget(
            name: "kube-bench", dependencies: ["Kube", "BenchmarkSupport"], path: "Benchmarks/Sources/kube-bench",
            swiftSettings: leafSwiftSettings),
        .executableTarget(
            name: "coordinator-bench",
            dependencies: [
                "Tailnet", "RelayCore", "CurlHTTP", "BenchmarkSupport",
                argumentParser,
            ],
            path: "Benchmarks/Sources/coordinator-bench",
            swiftSettings: leafSwiftSettings
        ),
        .executableTarget(
            name: "relay-bench",
            dependencies: [
                "RelayCore", "RelayClient", "BenchmarkSupport",
                argumentParser,
                nioCore,
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
                "BenchmarkSupport",
                argumentParser,
                nioCore,
                nioPosix,
                logging,
                serviceLifecycle,
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
                nioPosix,
                logging,
                serviceLifecycle,
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CoordinatorTestSupport",
            dependencies: [
                "Coordinator", "Tailnet", "CurlHTTP", "PeerRelayTestSupport",
                logging,
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
                nioCore,
                nioPosix,
                nioConcurrencyHelpers,
                logging,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Interchange", "Telemetry", "PeerRelayTestSupport",
                argumentParser,
                nioConcurrencyHelpers,
                serviceLifecycle,
            ],
            swiftSettings: leafSwiftSettings
        ),
        .testTarget(
            name: "RelayClientTests",
            dependencies: [
                "RelayClient", "RelayCore", "PeerRelayTestSupport",
                nioCore,
                nioPosix,
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
                metrics,
                metricsTestKit,
            ],
            swiftSettings: leafSwiftSettings
        ),
    ]
)
