// Building blocks for the screens: large touch targets (at least 56 pt high), large
// text, numbers typed on the number pad.
import SwiftUI
import SharedTypes

struct BigButton: View {
    let title: LocalizedStringKey
    var enabled = true
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            Text(title).font(.title3.bold()).frame(maxWidth: .infinity, minHeight: 56)
        }
        .buttonStyle(.borderedProminent)
        .disabled(!enabled)
    }
}

struct SecondaryButton: View {
    let title: LocalizedStringKey
    var enabled = true
    let action: () -> Void

    var body: some View {
        Button(action: action) { Text(title).frame(minHeight: 48) }
            .buttonStyle(.bordered)
            .disabled(!enabled)
    }
}

/// A whole number typed on the number pad; nil while empty. `help`, when given, is a
/// line under the field (where the figure comes from).
struct NumberField: View {
    let title: LocalizedStringKey
    @Binding var value: UInt32?
    var help: String? = nil

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            TextField(title, text: Binding(
                get: { value.map(String.init) ?? "" },
                set: { value = UInt32(String($0.filter(\.isNumber).prefix(9))) }
            ))
            .keyboardType(.numberPad)
            .font(.title2)
            .frame(minHeight: 56)
            .textFieldStyle(.roundedBorder)
            if let help { Text(help).font(.footnote).foregroundColor(.secondary) }
        }
    }
}

struct BigTextField: View {
    let title: LocalizedStringKey
    @Binding var text: String
    /// A line under the field (a free text's "do not name voters").
    var help: LocalizedStringKey? = nil

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            TextField(title, text: $text, axis: .vertical)
                .font(.title3)
                .frame(minHeight: 56)
                .textFieldStyle(.roundedBorder)
            if let help {
                Text(help).font(.footnote).foregroundStyle(.secondary)
            }
        }
    }
}

/// A row that is one big touch target with a check mark.
struct CheckRow: View {
    let title: String
    let checked: Bool
    let toggle: () -> Void

    var body: some View {
        Button(action: toggle) {
            HStack {
                Image(systemName: checked ? "checkmark.square.fill" : "square").font(.title2)
                Text(title).font(.title3).multilineTextAlignment(.leading)
                Spacer()
            }
            .frame(minHeight: 56)
        }
        .buttonStyle(.plain)
    }
}

/// Choose one of `options` with large buttons.
struct Choice<T: Hashable>: View {
    let options: [T]
    @Binding var selected: T
    let label: (T) -> LocalizedStringKey

    var body: some View {
        Picker("", selection: $selected) {
            ForEach(options, id: \.self) { Text(label($0)).tag($0) }
        }
        .pickerStyle(.menu)
        .frame(minHeight: 56)
    }
}

func roleKey(_ role: StaffRole) -> LocalizedStringKey {
    switch role {
    case .chair: return "role_chair"
    case .member: return "role_member"
    case .secretary: return "role_secretary"
    case .counter: return "role_counter"
    case .substitute: return "role_substitute"
    }
}

let allRoles: [StaffRole] = [.chair, .member, .secretary, .counter, .substitute]

func stateKey(_ state: OperationState) -> LocalizedStringKey {
    switch state {
    case .saving: return "state_saving"
    case .pending: return "state_pending"
    case .sent: return "state_sent"
    case .confirmed: return "state_confirmed"
    case .rejected: return "state_rejected"
    }
}

struct StateText: View {
    let state: OperationState

    var body: some View {
        Text(stateKey(state)).bold().foregroundColor(state == .confirmed ? .green : state == .rejected ? .red : .orange)
    }
}

/// The issues the core found, errors in red and warnings in orange.
struct IssuesList: View {
    let issues: [IssueView]

    var body: some View {
        ForEach(Array(issues.enumerated()), id: \.offset) { _, issue in
            Text(issue.message).foregroundColor(issue.severity == .error ? .red : .orange)
        }
    }
}

struct InfoRow: View {
    let title: LocalizedStringKey
    let value: String

    var body: some View {
        HStack {
            Text(title)
            Spacer()
            Text(value).bold()
        }
        .font(.title3)
    }
}

func orNone<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "—" }
