import SwiftUI
import SharedTypes

/// Page.activation: the server's address and the municipality's code.
struct ActivationScreen: View {
    let view: ActivationView
    let station: StationHeader?
    let send: (Event) -> Void
    @State private var server = ""
    @State private var code = ""

    var body: some View {
        Text("activation_title").font(.title.bold())
        if view.activated {
            Text("activation_done")
            if let station {
                Text("\(station.stationName) (\(station.stationNumber)) — \(station.location)\n\(station.electionName)")
            }
            BigButton(title: "go_to_overview") { send(.navigate(.day)) }
        }
        TextField("activation_server", text: $server)
            .textInputAutocapitalization(.never).autocorrectionDisabled().keyboardType(.URL)
            .font(.title3).frame(minHeight: 56).textFieldStyle(.roundedBorder)
        TextField("activation_code", text: $code)
            .textInputAutocapitalization(.characters).autocorrectionDisabled()
            .font(.title3).frame(minHeight: 56).textFieldStyle(.roundedBorder)
        if view.inProgress { Text("activation_in_progress") }
        BigButton(title: "activation_submit", enabled: !view.inProgress && !code.isEmpty) {
            send(.activate(serverUrl: server.trimmingCharacters(in: .whitespaces), activationCode: code))
        }
        .onAppear { if server.isEmpty { server = view.serverUrl.isEmpty ? "wss://" : view.serverUrl } }
    }
}
