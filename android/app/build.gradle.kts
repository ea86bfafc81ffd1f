// The app compiles three sets of Kotlin: its own sources (src/main/kotlin), and the
// generated uniffi bindings and facet types from `make bindings` (../../bindings),
// copied into build/ by syncBindings. The native library comes from cargo-ndk into
// src/main/jniLibs (see README.md).
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

val bindings = rootProject.file("../bindings")
val generated = layout.buildDirectory.dir("generated/kiesdag-bindings")

// The generated Kotlin, with the work-around of scripts/patch-kotlin-bindings.sh for
// uniffi issue 1434 (CoreError's field `message` clashes with Throwable.message); a
// no-op once the field is renamed in shared/src/ffi.rs.
val syncBindings by tasks.registering(Sync::class) {
    from(bindings.resolve("kotlin")) { include("**/*.kt") }
    from(bindings.resolve("kotlin-types")) { include("**/*.kt") }
    into(generated)
    filter { line: String ->
        line.replace("val `message`: kotlin.String", "val `detail`: kotlin.String")
            .replace("message=\${ `message` }", "\${ `detail` }")
            .replace("value.`message`", "value.`detail`")
    }
    doFirst {
        check(bindings.resolve("kotlin/eu/kiesdag/shared/ffi/shared.kt").exists()) {
            "run `make bindings` in the repository root first"
        }
    }
}

android {
    namespace = "eu.kiesdag.chair"
    compileSdk = 35

    defaultConfig {
        applicationId = "eu.kiesdag.chair"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        ndk {
            abiFilters += listOf("arm64-v8a", "x86_64")
        }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions {
        jvmTarget = "17"
    }
    buildFeatures {
        compose = true
    }
    sourceSets["main"].kotlin.srcDir(generated)
}

tasks.named("preBuild") { dependsOn(syncBindings) }

dependencies {
    val composeBom = platform("androidx.compose:compose-bom:2024.12.01")
    implementation(composeBom)
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.ui:ui-tooling-preview")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("com.squareup.okhttp3:okhttp:4.12.0")
    // uniffi's Kotlin calls the Rust library through JNA.
    implementation("net.java.dev.jna:jna:5.15.0@aar")
    debugImplementation("androidx.compose.ui:ui-tooling")
}
