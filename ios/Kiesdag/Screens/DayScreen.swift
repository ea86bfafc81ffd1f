import SwiftUI
import SharedTypes

/// Page.day: what is due, the queue outside, the day's figures, and the control room's messages.
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
        if let queue = view.queue { QueueCard(queue: queue, send: send) }
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

/// The queue outside, while the station is open: one tap on an option reports it (the
/// reported one checked and selected for VoiceOver), or a wait in minutes. Every text is
/// the core's, shown as it is; a wait it refuses shows in its issues.
struct QueueCard: View {
    let queue: QueueView
    let send: (Event) -> Void
    @State private var minutes: UInt32?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(queue.title).font(.headline)
            if let current = queue.current { Text(current).font(.title3.bold()) }
            ForEach(Array(queue.options.enumerated()), id: \.offset) { _, option in
                Button { send(.reportQueue(length: option.length)) } label: {
                    HStack {
                        Text(option.label).font(.title3).fontWeight(option.selected ? .bold : .regular)
                        Spacer()
                        if option.selected { Image(systemName: "checkmark.circle.fill").font(.title2) }
                    }
                    .frame(maxWidth: .infinity, minHeight: 56)
                }
                .buttonStyle(.bordered)
                .tint(option.selected ? Color.accentColor : Color.secondary)
                .accessibilityAddTraits(option.selected ? .isSelected : [])
            }
            // Its label stays in view once a number is typed; the field itself carries it
            // for VoiceOver.
            Text(queue.minutesLabel).font(.subheadline.bold()).accessibilityHidden(true)
            TextField(queue.minutesLabel, text: Binding(
                get: { minutes.map(String.init) ?? "" },
                set: { minutes = UInt32(String($0.filter(\.isNumber).prefix(9))) }
            ))
            .keyboardType(.numberPad)
            .font(.title2)
            .frame(minHeight: 56)
            .textFieldStyle(.roundedBorder)
            Button {
                guard let minutes else { return }
                send(.reportQueue(length: .minutes(minutes)))
                self.minutes = nil
            } label: {
                Text(queue.minutesButton).frame(minHeight: 56)
            }
            .buttonStyle(.bordered)
            .disabled(minutes == nil)
        }
        .padding(12)
        .overlay(RoundedRectangle(cornerRadius: 10).stroke(Color.secondary, lineWidth: 2))
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
