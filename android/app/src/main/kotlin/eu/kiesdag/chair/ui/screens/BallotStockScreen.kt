package eu.kiesdag.chair.ui.screens

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.Choice
import eu.kiesdag.chair.ui.InfoRow
import eu.kiesdag.chair.ui.NumberInput
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.chair.ui.orNone
import eu.kiesdag.shared.types.BallotStockView
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Urgency

/** Page.BallotStock: the stock of ballot papers, and a request for more. */
@Composable
fun BallotStockScreen(view: BallotStockView, send: (Event) -> Unit) {
    var received by remember(view.received) { mutableStateOf(view.received) }
    var remaining by remember { mutableStateOf<UInt?>(null) }
    var quantity by remember { mutableStateOf<UInt?>(null) }
    var urgency by remember { mutableStateOf(Urgency.NORMAL) }
    var note by remember { mutableStateOf("") }
    ScreenColumn {
        Title(stringResource(R.string.ballots_title))
        InfoRow(stringResource(R.string.ballots_received), orNone(view.received))
        InfoRow(stringResource(R.string.ballots_remaining), orNone(view.remaining))
        InfoRow(stringResource(R.string.ballots_issued), orNone(view.issued))
        view.runOutAt?.let { Text(stringResource(R.string.ballots_run_out, it), color = MaterialTheme.colorScheme.error) }
        NumberInput(stringResource(R.string.ballots_received), received) { received = it }
        NumberInput(stringResource(R.string.ballots_remaining), remaining) { remaining = it }
        BigButton(stringResource(R.string.ballots_submit), enabled = received != null && remaining != null) {
            send(Event.ReportBallotStock(received!!, remaining!!))
            remaining = null
        }
        Section(stringResource(R.string.resupply_title))
        if (view.resupplyRequested > 0u) Text(stringResource(R.string.resupply_requested, view.resupplyRequested.toInt()))
        NumberInput(stringResource(R.string.resupply_quantity), quantity) { quantity = it }
        Text(stringResource(R.string.resupply_urgency))
        Choice(Urgency.entries, urgency, { urgencyLabel(it) }) { urgency = it }
        TextInput(stringResource(R.string.resupply_note), note, { note = it }, singleLine = false, help = stringResource(R.string.free_text_no_voters))
        BigButton(stringResource(R.string.resupply_submit), enabled = quantity != null) {
            send(Event.RequestResupply(quantity!!, urgency, note.trim()))
            quantity = null
            note = ""
            urgency = Urgency.NORMAL
        }
    }
}

@Composable
private fun urgencyLabel(urgency: Urgency): String = stringResource(
    when (urgency) {
        Urgency.NORMAL -> R.string.urgency_normal
        Urgency.HIGH -> R.string.urgency_high
        Urgency.CRITICAL -> R.string.urgency_critical
    },
)
