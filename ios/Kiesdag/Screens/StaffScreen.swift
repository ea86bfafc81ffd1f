import SwiftUI
import SharedTypes

/// Page.staff: who is present, arrivals, departures, and a shift change.
struct StaffScreen: View {
    let view: StaffView
    let send: (Event) -> Void
    @State private var name = ""
    @State private var role: StaffRole = .member
    @State private var leaving: Set<String> = []
    @State private var arriving = ""

    var body: some View {
        Text("staff_title").font(.title.bold())
        Text("staff_present \(Int(view.minMembers))").font(.headline)
        ForEach(view.present, id: \.name) { member in
            HStack {
                Text("\(member.name) — \(member.roleLabel)")
                Spacer()
                SecondaryButton(title: "staff_departed") { send(.memberDeparted(name: member.name)) }
            }
        }
        Group {
            Text("staff_arrived").font(.headline)
            BigTextField(title: "member_name", text: $name)
            Choice(options: allRoles, selected: $role, label: roleKey)
            BigButton(title: "staff_arrived", enabled: !name.trimmingCharacters(in: .whitespaces).isEmpty) {
                send(.memberArrived(name: name.trimmingCharacters(in: .whitespaces), role: role))
                name = ""
            }
        }
        Group {
            Text("staff_shift").font(.headline)
            Text("staff_shift_leaving")
            ForEach(view.present, id: \.name) { member in
                CheckRow(title: member.name, checked: leaving.contains(member.name)) {
                    if leaving.contains(member.name) { leaving.remove(member.name) } else { leaving.insert(member.name) }
                }
            }
            BigTextField(title: "staff_shift_arriving", text: $arriving)
            let names = arriving.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            BigButton(title: "staff_shift_submit", enabled: !leaving.isEmpty || !names.isEmpty) {
                send(.shiftChange(leaving: Array(leaving), arriving: names.map { StaffMember(name: $0, role: .member) }))
                leaving = []
                arriving = ""
            }
        }
    }
}
