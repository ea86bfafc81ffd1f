import SwiftUI
import SharedTypes

/// Page.summary: every report of today and whether the municipality has it, as a plain
/// list. The paper fallback when a device fails: the chair photographs this screen (the
/// web app prints it; the phone app does not print).
struct SummaryScreen: View {
    let view: DaySummaryView
    let send: (Event) -> Void

    var body: some View {
        Text(view.title).font(.title.bold())
        Text(view.station).bold()
        Text(view.election)
        Text(view.printedAt)
        if view.reports.isEmpty { Text("summary_none") }
        ForEach(view.reports, id: \.seq) { SummaryReportRow(report: $0) }
        Text(view.note).foregroundColor(view.notReceived > 0 ? .red : .primary)
        Text("sync_device \(view.deviceId)").font(.caption)
        SecondaryButton(title: "summary_back") { send(.navigate(.day)) }
    }
}

private struct SummaryReportRow: View {
    let report: SummaryReportView

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text("#\(report.seq) \(report.at) \(report.label)").bold()
            ForEach(Array(report.figures.enumerated()), id: \.offset) { _, figure in
                Text("\(figure.label): \(figure.value)")
            }
            StateText(state: report.state)
        }
        .frame(minHeight: 56)
    }
}
