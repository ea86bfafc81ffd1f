import SwiftUI
import SharedTypes

@main
struct KiesdagApp: App {
    @StateObject private var core = Core()

    var body: some Scene {
        WindowGroup {
            ContentView()
                .environmentObject(core)
                // The app's own texts follow the language the chair chose in the core.
                .environment(\.locale, Locale(identifier: core.view?.language == .english ? "en" : "nl"))
        }
    }
}
