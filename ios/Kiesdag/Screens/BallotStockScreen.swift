import SwiftUI
import SharedTypes

/// Page.ballotStock: the stock of ballot papers, and a request for more.
struct BallotStockScreen: View {
    let view: BallotStockView
    let send: (Event) -> Void
    @State private var received: UInt32?
    @State private var remaining: UInt32?
    @State private var quantity: UInt32?
    @State private var urgency: Urgency = .normal
    @State private var note = ""

    var body: some View {
        Group {
            Text("ballots_title").font(.title.bold())
            InfoRow(title: "ballots_received", value: orNone(view.received))
            InfoRow(title: "ballots_remaining", value: orNone(view.remaining))
            InfoRow(title: "ballots_issued", value: orNone(view.issued))
            if let runOut = view.runOutAt { Text("ballots_run_out \(runOut)").foregroundColor(.red) }
        }
        Group {
            NumberField(title: "ballots_received", value: $received)
            NumberField(title: "ballots_remaining", value: $remaining)
            BigButton(title: "ballots_submit", enabled: received != nil && remaining != nil) {
                guard let received, let remaining else { return }
                send(.reportBallotStock(received: received, remaining: remaining))
                self.remaining = nil
            }
            .onAppear { if received == nil { received = view.received } }
        }
        Group {
            Text("resupply_title").font(.headline)
            if view.resupplyRequested > 0 { Text("resupply_requested \(Int(view.resupplyRequested))") }
            NumberField(title: "resupply_quantity", value: $quantity)
            Text("resupply_urgency")
            Choice(options: [Urgency.normal, .high, .critical], selected: $urgency) { urgency in
                switch urgency {
                case .normal: return "urgency_normal"
                case .high: return "urgency_high"
                case .critical: return "urgency_critical"
                }
            }
            BigTextField(title: "resupply_note", text: $note, help: "free_text_no_voters")
            BigButton(title: "resupply_submit", enabled: quantity != nil) {
                guard let quantity else { return }
                send(.requestResupply(quantity: quantity, urgency: urgency, note: note.trimmingCharacters(in: .whitespaces)))
                self.quantity = nil
                note = ""
                urgency = .normal
            }
        }
    }
}
