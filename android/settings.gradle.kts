// The chair's Android app. Build: see README.md (make bindings first, then the Rust
// library for Android with cargo-ndk, then ./gradlew :app:assembleDebug).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "kiesdag-chair"
include(":app")
