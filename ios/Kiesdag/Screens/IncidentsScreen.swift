import SwiftUI
import SharedTypes

/// Page.incidents: report an incident, follow its thread with the control room.
struct IncidentsScreen: View {
    let view: IncidentsView
    let send: (Event) -> Void
    @State private var category: IncidentCategory = .other
    @State private var severity: IncidentSeverity = .medium
    @State private var text = ""

    var body: some View {
        Group {
            Text("incidents_title").font(.title.bold())
            Text("incident_new").font(.headline)
            Text("incident_category")
            Choice(options: allCategories, selected: $category, label: categoryKey)
            Text("incident_severity")
            Choice(options: allSeverities, selected: $severity, label: severityKey)
            BigTextField(title: "incident_text", text: $text, help: "free_text_no_voters")
            BigButton(title: "incident_submit", enabled: !text.trimmingCharacters(in: .whitespaces).isEmpty) {
                send(.reportIncident(category: category, severity: severity, text: text.trimmingCharacters(in: .whitespaces)))
                text = ""
            }
        }
        ForEach(view.incidents, id: \.incidentId) { incident in
            IncidentCard(incident: incident, send: send)
        }
        MessagesList(messages: view.messages)
    }
}

private struct IncidentCard: View {
    let incident: IncidentView
    let send: (Event) -> Void
    @State private var reply = ""

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            HStack {
                Text(categoryKey(incident.category)).bold()
                Text(severityKey(incident.severity))
                Spacer()
                StateText(state: incident.state)
            }
            Text("\(incident.reportedAt) · \(incident.statusLabel)").font(.caption)
            Text(incident.text)
            ForEach(Array(incident.messages.enumerated()), id: \.offset) { _, message in
                HStack {
                    Text("\(message.at) \(message.from): \(message.text)").fontWeight(message.fromStation ? .regular : .semibold)
                    if let state = message.state { StateText(state: state) }
                }
            }
            BigTextField(title: "incident_reply", text: $reply, help: "free_text_no_voters")
            SecondaryButton(title: "incident_send", enabled: !reply.trimmingCharacters(in: .whitespaces).isEmpty) {
                send(.sendIncidentMessage(incidentId: incident.incidentId, text: reply.trimmingCharacters(in: .whitespaces)))
                reply = ""
            }
        }
        .padding()
        .background(RoundedRectangle(cornerRadius: 8).stroke(Color.secondary))
    }
}

let allCategories: [IncidentCategory] = [.staffing, .ballotPapers, .equipment, .accessibility, .voterDispute, .safety, .other]
let allSeverities: [IncidentSeverity] = [.low, .medium, .high, .critical]

func categoryKey(_ category: IncidentCategory) -> LocalizedStringKey {
    switch category {
    case .staffing: return "category_staffing"
    case .ballotPapers: return "category_ballots"
    case .equipment: return "category_equipment"
    case .accessibility: return "category_accessibility"
    case .voterDispute: return "category_dispute"
    case .safety: return "category_safety"
    case .other: return "category_other"
    }
}

func severityKey(_ severity: IncidentSeverity) -> LocalizedStringKey {
    switch severity {
    case .low: return "severity_low"
    case .medium: return "severity_medium"
    case .high: return "severity_high"
    case .critical: return "severity_critical"
    }
}
