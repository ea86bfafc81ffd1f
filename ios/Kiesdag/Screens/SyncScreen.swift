import SwiftUI
import SharedTypes

/// Page.sync: every report of this device and whether the municipality has it.
struct SyncScreen: View {
    let view: SyncView
    let send: (Event) -> Void

    var body: some View {
        Text("sync_title").font(.title.bold())
        BigButton(title: "reconnect") { send(.reconnectNow) }
        if !view.rejected.isEmpty { Text("sync_rejected").font(.headline) }
        ForEach(view.rejected, id: \.seq) { op in
            OperationRow(op: op)
            SecondaryButton(title: "dismiss") { send(.dismissRejected(seq: op.seq)) }
        }
        Text("sync_operations").font(.headline)
        ForEach(view.operations, id: \.seq) { OperationRow(op: $0) }
        if view.protocolErrors > 0 {
            Text("sync_protocol_errors \(Int(view.protocolErrors))").foregroundColor(.red)
        }
        Text("sync_device \(view.deviceId)").font(.caption)
    }
}

private struct OperationRow: View {
    let op: OperationView

    var body: some View {
        HStack {
            VStack(alignment: .leading) {
                Text("#\(op.seq) \(op.label) · \(op.recordedAt)").bold()
                Text(op.stateLabel)
                if let reason = op.reason { Text(reason).foregroundColor(.red) }
            }
            Spacer()
            StateText(state: op.state)
        }
        .frame(minHeight: 56)
    }
}
