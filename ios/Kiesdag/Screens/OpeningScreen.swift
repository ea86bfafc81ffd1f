import SwiftUI
import SharedTypes

/// Page.opening: the checklist, the members present, and opening the station.
struct OpeningScreen: View {
    let view: OpeningView
    let send: (Event) -> Void
    @State private var name = ""
    @State private var role: StaffRole = .member

    var body: some View {
        Group {
            Text("opening_title").font(.title.bold())
            Text("opening_opens_at \(view.opensAt)")
            if view.alreadyOpen { Text("opening_already_open") }
        }
        Text("opening_checklist \(Int(view.checklistDone)) \(Int(view.checklistTotal))").font(.headline)
        ForEach(view.checklist, id: \.id) { item in
            CheckRow(title: item.label, checked: item.done) { send(.toggleChecklistItem(itemId: item.id)) }
        }
        Text("opening_members \(Int(view.minMembers))").font(.headline)
        ForEach(view.members, id: \.name) { member in
            HStack {
                Text("\(member.name) — \(member.roleLabel)")
                Spacer()
                SecondaryButton(title: "member_remove") { send(.removeMember(name: member.name)) }
            }
        }
        // The staff the municipality planned: one tap adds each.
        ForEach(view.planned, id: \.name) { planned in
            SecondaryButton(title: "+ \(planned.name) — \(planned.roleLabel)") {
                send(.addMember(name: planned.name, role: planned.role))
            }
        }
        Group {
            BigTextField(title: "member_name", text: $name)
            Choice(options: allRoles, selected: $role, label: roleKey)
            SecondaryButton(title: "member_add", enabled: !name.trimmingCharacters(in: .whitespaces).isEmpty) {
                send(.addMember(name: name.trimmingCharacters(in: .whitespaces), role: role))
                name = ""
            }
        }
        BigButton(title: "opening_open", enabled: view.canOpen) { send(.openStation) }
    }
}
