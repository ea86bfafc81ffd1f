// The app's frame around every screen: station and clock, connection and sync state,
// the core's notice and issues, the confirmation of warnings, and the navigation the
// core allows. Which screen shows is the core's Page, never a decision of the shell.
import SwiftUI
import SharedTypes

struct ContentView: View {
    @EnvironmentObject var core: Core

    var body: some View {
        if let view = core.view, !view.loading {
            NavigationStack {
                VStack(spacing: 0) {
                    StatusBar(view: view, send: core.send)
                    if view.busy { ProgressView().progressViewStyle(.linear) }
                    if let error = core.shellError {
                        Banner(text: error, isError: true) { core.shellError = nil }
                    }
                    if let notice = view.notice {
                        Banner(text: notice.text, isError: notice.isError) { core.send(.dismissNotice) }
                    }
                    // The device's clock is off: shown until it is set right, not dismissable.
                    if let warning = view.clockWarning {
                        Banner(text: warning, isError: true, dismiss: nil)
                    }
                    if !view.issues.isEmpty { IssuesList(issues: view.issues).padding(.horizontal) }
                    // The control room's number, on every screen, for when the app is not enough.
                    if let phone = view.controlRoomPhone {
                        Text("control_room_phone \(phone)").font(.callout).padding(.vertical, 4)
                    }
                    NavigationBar(view: view, send: core.send)
                    PageView(page: view.page, station: view.station, send: core.send)
                }
                .navigationTitle(view.station?.stationName ?? "Kiesdag")
                .navigationBarTitleDisplayMode(.inline)
                .toolbar {
                    ToolbarItem(placement: .navigationBarLeading) { Text(view.clock).monospacedDigit() }
                    ToolbarItem(placement: .navigationBarTrailing) {
                        Button("language_switch") { core.send(.setLanguage(view.language == .dutch ? .english : .dutch)) }
                    }
                }
                .alert(view.confirmation?.title ?? "", isPresented: Binding(
                    get: { view.confirmation != nil },
                    set: { shown in if !shown { core.send(.cancelConfirmation) } }
                )) {
                    Button("confirm") { core.send(.confirmWarnings) }
                    Button("cancel", role: .cancel) { core.send(.cancelConfirmation) }
                } message: {
                    Text((view.confirmation?.warnings ?? []).map(\.message).joined(separator: "\n"))
                }
            }
        } else {
            VStack(spacing: 16) {
                ProgressView()
                Text("loading").font(.title3)
            }
        }
    }
}

/// The screen for the core's Page: one screen per Page variant.
struct PageView: View {
    let page: Page
    let station: StationHeader?
    let send: (Event) -> Void

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 12) {
                switch page {
                case let .activation(view): ActivationScreen(view: view, station: station, send: send)
                case let .opening(view): OpeningScreen(view: view, send: send)
                case let .day(view): DayScreen(view: view, send: send)
                case let .turnout(view): TurnoutScreen(view: view, send: send)
                case let .ballotStock(view): BallotStockScreen(view: view, send: send)
                case let .staff(view): StaffScreen(view: view, send: send)
                case let .incidents(view): IncidentsScreen(view: view, send: send)
                case let .result(view): ResultScreen(view: view, send: send)
                case let .closing(view): ClosingScreen(view: view, send: send)
                case let .sync(view): SyncScreen(view: view, send: send)
                case let .summary(view): SummaryScreen(view: view, send: send)
                }
            }
            .padding()
        }
    }
}

/// Connection and what is still to be received. The core's label says what is wrong (no
/// network, a server that does not answer, cannot store, or is busy) and that reports are
/// kept; tap to try a connection now when offline or when the server does not answer (a
/// busy server is left to the core's slower pace).
struct StatusBar: View {
    let view: ViewModel
    let send: (Event) -> Void

    private var color: Color {
        switch view.connection.state {
        case .online: return .green
        case .connecting, .serverBusy: return .orange
        case .offline, .serverNotAnswering, .serverCannotStore: return .red
        }
    }

    private var canReconnect: Bool {
        switch view.connection.state {
        case .offline, .serverNotAnswering, .serverCannotStore: return true
        case .online, .connecting, .serverBusy: return false
        }
    }

    var body: some View {
        Button {
            if canReconnect { send(.reconnectNow) }
        } label: {
            HStack {
                VStack(alignment: .leading) {
                    Text(view.connection.label).bold().foregroundColor(color)
                    if let seconds = view.connection.retryInSeconds {
                        Text("retry_in \(Int(seconds))")
                    }
                }
                Spacer()
                Text(view.sync.label)
            }
            .padding(.horizontal)
            .frame(minHeight: 56)
            .background(color.opacity(0.12))
        }
        .buttonStyle(.plain)
    }
}

struct Banner: View {
    let text: String
    let isError: Bool
    let dismiss: (() -> Void)?

    var body: some View {
        HStack {
            Text(text).foregroundColor(isError ? .red : .primary)
            Spacer()
            if let dismiss {
                Button("dismiss", action: dismiss).frame(minHeight: 48)
            }
        }
        .padding(.horizontal)
        .background(isError ? Color.red.opacity(0.08) : Color.blue.opacity(0.08))
    }
}

/// The core's navigation: its items, which it enables, and their badges.
struct NavigationBar: View {
    let view: ViewModel
    let send: (Event) -> Void

    var body: some View {
        ScrollView(.horizontal, showsIndicators: false) {
            HStack(spacing: 8) {
                ForEach(Array(view.navigation.enumerated()), id: \.offset) { _, item in
                    Button {
                        send(.navigate(item.screen))
                    } label: {
                        HStack(spacing: 4) {
                            Text(item.label)
                            if item.badge > 0 {
                                Text("\(item.badge)").font(.caption.bold()).padding(4).background(Circle().fill(Color.red)).foregroundColor(.white)
                            }
                        }
                        .frame(minHeight: 48)
                        .padding(.horizontal, 8)
                    }
                    .buttonStyle(.bordered)
                    .tint(item.screen == view.screen ? Color.accentColor : Color.secondary)
                    .disabled(!item.enabled)
                }
            }
            .padding(.horizontal)
        }
    }
}
