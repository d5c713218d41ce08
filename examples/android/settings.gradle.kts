// EstateKit for Android: one library module (`:estatekit`) an app depends on.
// Run ./build-android.sh first: it puts the native libraries under
// estatekit/src/main/jniLibs/<abi>/ and the generated Kotlin under
// estatekit/src/main/kotlin/ (neither is committed).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "estatekit-android"
include(":estatekit")
