package eu.kiesdag.chair.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.Choice
import eu.kiesdag.chair.ui.InfoRow
import eu.kiesdag.chair.ui.NumberInput
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.SecondaryButton
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.chair.ui.orNone
import eu.kiesdag.shared.types.DayView
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.MessageView
import eu.kiesdag.shared.types.QueueLength
import eu.kiesdag.shared.types.QueueView
import eu.kiesdag.shared.types.Screen

/** Page.Day: what is due, the queue outside, the day's figures, and the control room's messages. */
@Composable
fun DayScreen(view: DayView, send: (Event) -> Unit) {
    ScreenColumn {
        Title(stringResource(R.string.day_title))
        if (view.due.isNotEmpty()) Section(stringResource(R.string.day_due))
        view.due.forEach { due ->
            Card(onClick = { send(Event.Navigate(due.screen)) }, modifier = Modifier.fillMaxWidth().heightIn(min = 64.dp)) {
                Column(Modifier.padding(12.dp)) {
                    Text(due.label, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
                    val at = if (due.overdue) "${due.at} — ${stringResource(R.string.day_overdue)}" else due.at
                    if (at.isNotEmpty()) {
                        Text(at, color = if (due.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
                    }
                }
            }
        }
        view.queue?.let { QueueCard(it, send) }
        val turnout = view.turnout?.let { count ->
            view.expectedVoters?.let { stringResource(R.string.day_turnout_of, count.toInt(), it.toInt()) } ?: count.toString()
        }
        InfoRow(stringResource(R.string.day_turnout), orNone(turnout))
        InfoRow(stringResource(R.string.day_ballots), orNone(view.ballotsRemaining))
        view.ballotsRunOutAt?.let { Text(stringResource(R.string.day_run_out, it), color = MaterialTheme.colorScheme.error) }
        InfoRow(stringResource(R.string.day_members), view.membersPresent.toString())
        InfoRow(stringResource(R.string.day_incidents), view.openIncidents.toString())
        Messages(view.messages)
        // Every report of today on one screen: the paper fallback (photograph it).
        SecondaryButton(stringResource(R.string.day_summary)) { send(Event.Navigate(Screen.SUMMARY)) }
    }
}

/**
 * The queue outside, while the station is open: one tap on an option reports it (the
 * reported one selected), or a wait in minutes. Every text is the core's; a wait it
 * refuses shows in its issues.
 */
@Composable
fun QueueCard(queue: QueueView, send: (Event) -> Unit) {
    var minutes by remember { mutableStateOf<UInt?>(null) }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Section(queue.title)
            queue.current?.let { Text(it, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.Bold) }
            Choice(queue.options, queue.options.firstOrNull { it.selected }, { it.label }) { option ->
                send(Event.ReportQueue(option.length))
            }
            NumberInput(queue.minutesLabel, minutes) { minutes = it }
            SecondaryButton(queue.minutesButton, enabled = minutes != null) {
                minutes?.let { send(Event.ReportQueue(QueueLength.Minutes(it))) }
                minutes = null
            }
        }
    }
}

@Composable
fun Messages(messages: List<MessageView>) {
    if (messages.isEmpty()) return
    Section(stringResource(R.string.messages))
    messages.forEach { message ->
        Card(Modifier.fillMaxWidth()) {
            Column(Modifier.padding(12.dp)) {
                Text("${message.from} · ${message.at}", style = MaterialTheme.typography.labelLarge)
                Text(message.text, style = MaterialTheme.typography.bodyLarge)
            }
        }
    }
}
