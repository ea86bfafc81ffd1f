import SwiftUI
import SharedTypes

/// Page.closing: the closing checklist, then close the station with the voters still in the queue.
struct ClosingScreen: View {
    let view: ClosingView
    let send: (Event) -> Void
    @State private var queue: UInt32? = 0

    var body: some View {
        Text("closing_title").font(.title.bold())
        Text("closing_closes_at \(view.closesAt)")
        if view.closed {
            Text("closing_closed")
            BigButton(title: "go_to_result") { send(.navigate(.result)) }
        } else if view.isOpen {
            Text("closing_checklist \(Int(view.checklistDone)) \(Int(view.checklistTotal))").font(.headline)
            ForEach(view.checklist, id: \.id) { item in
                CheckRow(title: item.label, checked: item.done) { send(.toggleClosingItem(itemId: item.id)) }
            }
            NumberField(title: "closing_queue", value: $queue)
            BigButton(title: "closing_submit", enabled: view.canClose && queue != nil) {
                send(.closeStation(votersInQueueAtClose: queue ?? 0))
            }
        } else {
            Text("closing_not_open")
        }
    }
}
