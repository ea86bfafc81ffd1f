import SwiftUI
import SharedTypes

/// Page.day: what is due, the day's figures, and the control room's messages.
struct DayScreen: View {
    let view: DayView
    let send: (Event) -> Void

    var body: some View {
        Text("day_title").font(.title.bold())
        if !view.due.isEmpty { Text("day_due").font(.headline) }
        ForEach(Array(view.due.enumerated()), id: \.offset) { _, due in
            Button { send(.navigate(due.screen)) } label: {
                VStack(alignment: .leading) {
                    Text(due.label).font(.title3.bold())
                    if !due.at.isEmpty {
                        HStack {
                            Text(due.at)
                            if due.overdue { Text("day_overdue") }
                        }
                        .foregroundColor(due.overdue ? .red : .primary)
                    }
                }
                .frame(maxWidth: .infinity, minHeight: 56, alignment: .leading)
            }
            .buttonStyle(.bordered)
        }
        InfoRow(title: "day_turnout", value: view.turnout.map { count in
            view.expectedVoters.map { "\(count) / \($0)" } ?? "\(count)"
        } ?? "—")
        InfoRow(title: "day_ballots", value: orNone(view.ballotsRemaining))
        if let runOut = view.ballotsRunOutAt { Text("day_run_out \(runOut)").foregroundColor(.red) }
        InfoRow(title: "day_members", value: "\(view.membersPresent)")
        InfoRow(title: "day_incidents", value: "\(view.openIncidents)")
        MessagesList(messages: view.messages)
        // Every report of today on one screen: the paper fallback (photograph it).
        SecondaryButton(title: "day_summary") { send(.navigate(.summary)) }
    }
}

struct MessagesList: View {
    let messages: [MessageView]

    var body: some View {
        if !messages.isEmpty { Text("messages").font(.headline) }
        ForEach(Array(messages.enumerated()), id: \.offset) { _, message in
            VStack(alignment: .leading) {
                Text("\(message.from) · \(message.at)").font(.caption)
                Text(message.text)
            }
        }
    }
}
