// swift-tools-version:5.9
// EstateKit for iOS (and macOS): the UniFFI-generated Swift over the Rust static
// library, packaged as an XCFramework binary target. Run ./build-ios.sh on a Mac
// first: it builds EstateKitFFI.xcframework and Sources/EstateKit/EstateKit.swift
// (neither is committed).
import PackageDescription

let package = Package(
    name: "EstateKit",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "EstateKit", targets: ["EstateKit"]),
    ],
    targets: [
        // The C header, module map and static library per platform slice.
        .binaryTarget(name: "EstateKitFFI", path: "EstateKitFFI.xcframework"),
        // The generated Swift API (`import EstateKit`).
        .target(name: "EstateKit", dependencies: ["EstateKitFFI"], path: "Sources/EstateKit"),
        // A butler-app flow over the API, as a runnable command-line example on macOS.
        .executableTarget(name: "AppFlow", dependencies: ["EstateKit"], path: "Sources/AppFlow"),
    ]
)
