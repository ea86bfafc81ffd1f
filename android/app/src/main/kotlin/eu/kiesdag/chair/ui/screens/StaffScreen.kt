package eu.kiesdag.chair.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.CheckRow
import eu.kiesdag.chair.ui.Choice
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.SecondaryButton
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.chair.ui.roleLabel
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.StaffMember
import eu.kiesdag.shared.types.StaffRole
import eu.kiesdag.shared.types.StaffView

/** Page.Staff: who is present, arrivals, departures, and a shift change. */
@Composable
fun StaffScreen(view: StaffView, send: (Event) -> Unit) {
    var name by remember { mutableStateOf("") }
    var role by remember { mutableStateOf(StaffRole.MEMBER) }
    var leaving by remember { mutableStateOf(setOf<String>()) }
    var arriving by remember { mutableStateOf("") }
    ScreenColumn {
        Title(stringResource(R.string.staff_title))
        Section(stringResource(R.string.staff_present, view.minMembers.toInt()))
        view.present.forEach { member ->
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween, verticalAlignment = Alignment.CenterVertically) {
                Text("${member.name} — ${member.roleLabel}")
                SecondaryButton(stringResource(R.string.staff_departed)) { send(Event.MemberDeparted(member.name)) }
            }
        }
        Section(stringResource(R.string.staff_arrived))
        TextInput(stringResource(R.string.member_name), name, { name = it })
        Choice(StaffRole.entries, role, { roleLabel(it) }) { role = it }
        BigButton(stringResource(R.string.staff_arrived), enabled = name.isNotBlank()) {
            send(Event.MemberArrived(name.trim(), role))
            name = ""
        }
        Section(stringResource(R.string.staff_shift))
        Text(stringResource(R.string.staff_shift_leaving))
        view.present.forEach { member ->
            CheckRow(member.name, member.name in leaving) {
                leaving = if (member.name in leaving) leaving - member.name else leaving + member.name
            }
        }
        TextInput(stringResource(R.string.staff_shift_arriving), arriving, { arriving = it })
        val arrivingMembers = arriving.split(',').map { it.trim() }.filter { it.isNotEmpty() }
        BigButton(stringResource(R.string.staff_shift_submit), enabled = leaving.isNotEmpty() || arrivingMembers.isNotEmpty()) {
            send(Event.ShiftChange(leaving.toList(), arrivingMembers.map { StaffMember(it, StaffRole.MEMBER) }))
            leaving = emptySet()
            arriving = ""
        }
    }
}
