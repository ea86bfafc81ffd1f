import SwiftUI
import SharedTypes

/// Page.turnout: the count so far at a set moment (or in between), and the log.
struct TurnoutScreen: View {
    let view: TurnoutView
    let send: (Event) -> Void
    @State private var count: UInt32?
    @State private var moment: TurnoutMoment = .adHoc
    @State private var reason = ""

    private var moments: [TurnoutMoment] {
        view.moments.map { .scheduled(Timestamp(value: $0.atMs)) } + [.adHoc]
    }

    private func label(_ moment: TurnoutMoment) -> LocalizedStringKey {
        switch moment {
        case .adHoc: return "turnout_ad_hoc"
        case let .scheduled(at):
            guard let entry = view.moments.first(where: { $0.atMs == at.value }) else { return "" }
            return LocalizedStringKey(entry.reported ? entry.label + " ✓" : entry.label)
        }
    }

    var body: some View {
        let lower = count.map { c in view.latest.map { c < $0 } ?? false } ?? false
        Text("turnout_title").font(.title.bold())
        Text("turnout_latest \(orNone(view.latest))")
        Text("turnout_expected \(orNone(view.expectedVoters))")
        NumberField(title: "turnout_count", value: $count)
        Text("turnout_moment").font(.headline)
        Choice(options: moments, selected: $moment, label: label)
        // A lower count is a correction and needs a reason (the core says so too).
        if lower { BigTextField(title: "turnout_correction", text: $reason, help: "free_text_no_voters") }
        BigButton(title: "turnout_submit", enabled: count != nil) {
            guard let count else { return }
            let why = reason.trimmingCharacters(in: .whitespaces)
            send(.reportTurnout(count: count, moment: moment, correctionReason: why.isEmpty ? nil : why))
            self.count = nil
            reason = ""
        }
        .onAppear { moment = view.suggestedMoment ?? .adHoc }
        if !view.log.isEmpty { Text("turnout_log").font(.headline) }
        ForEach(view.log, id: \.seq) { row in
            HStack {
                Text("\(row.at) · \(row.moment) · \(row.count)" + (row.correctionReason.map { " (\($0))" } ?? ""))
                Spacer()
                StateText(state: row.state)
            }
        }
    }
}
