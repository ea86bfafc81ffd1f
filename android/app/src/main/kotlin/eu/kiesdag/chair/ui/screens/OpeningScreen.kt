package eu.kiesdag.chair.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
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
import eu.kiesdag.shared.types.OpeningView
import eu.kiesdag.shared.types.StaffRole

/** Page.Opening: the checklist, the members present, and opening the station. */
@Composable
fun OpeningScreen(view: OpeningView, send: (Event) -> Unit) {
    var name by rememberSaveable { mutableStateOf("") }
    var role by rememberSaveable { mutableStateOf(StaffRole.MEMBER) }
    ScreenColumn {
        Title(stringResource(R.string.opening_title))
        Text(stringResource(R.string.opening_opens_at, view.opensAt))
        if (view.alreadyOpen) Text(stringResource(R.string.opening_already_open))
        Section(stringResource(R.string.opening_checklist, view.checklistDone.toInt(), view.checklistTotal.toInt()))
        view.checklist.forEach { item ->
            CheckRow(item.label, item.done) { send(Event.ToggleChecklistItem(item.id)) }
        }
        Section(stringResource(R.string.opening_members, view.minMembers.toInt()))
        view.members.forEach { member ->
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween, verticalAlignment = Alignment.CenterVertically) {
                Text("${member.name} — ${member.roleLabel}")
                SecondaryButton(stringResource(R.string.member_remove)) { send(Event.RemoveMember(member.name)) }
            }
        }
        // The staff the municipality planned: one tap adds each.
        view.planned.forEach { planned ->
            SecondaryButton("+ ${planned.name} — ${planned.roleLabel}") { send(Event.AddMember(planned.name, planned.role)) }
        }
        TextInput(stringResource(R.string.member_name), name, { name = it })
        Choice(StaffRole.entries, role, { roleLabel(it) }) { role = it }
        SecondaryButton(stringResource(R.string.member_add), enabled = name.isNotBlank()) {
            send(Event.AddMember(name.trim(), role))
            name = ""
        }
        BigButton(stringResource(R.string.opening_open), enabled = view.canOpen) { send(Event.OpenStation) }
    }
}
