// The EstateKit Android library: the UniFFI-generated Kotlin, the hand-written
// java.time extensions (bindings-mobile/kotlin/), and libestatekit_mobile.so per ABI.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "io.estatekit"
    compileSdk = 35
    defaultConfig {
        // java.time (LocalDate, Instant, Duration) is native from API 26. For minSdk 21–25,
        // keep the same code and enable core library desugaring (see README.md).
        minSdk = 26
        // JNA reaches the generated classes by reflection: keep them in a shrunk app.
        consumerProguardFiles("consumer-rules.pro")
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].kotlin.srcDirs("src/main/kotlin")
    sourceSets["main"].jniLibs.srcDirs("src/main/jniLibs")
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The Android flavour of JNA: an AAR that carries libjnidispatch.so per ABI.
    api("net.java.dev.jna:jna:5.15.0@aar")
}
