package eu.kiesdag.chair.ui.screens

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.SecondaryButton
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.StateText
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.OperationView
import eu.kiesdag.shared.types.SyncView

/** Page.Sync: every report of this device and whether the municipality has it. */
@Composable
fun SyncScreen(view: SyncView, send: (Event) -> Unit) {
    ScreenColumn {
        Title(stringResource(R.string.sync_title))
        BigButton(stringResource(R.string.reconnect)) { send(Event.ReconnectNow) }
        if (view.rejected.isNotEmpty()) Section(stringResource(R.string.sync_rejected))
        view.rejected.forEach { op ->
            Operation(op) {
                SecondaryButton(stringResource(R.string.dismiss)) { send(Event.DismissRejected(op.seq)) }
            }
        }
        Section(stringResource(R.string.sync_operations))
        view.operations.forEach { Operation(it) {} }
        if (view.protocolErrors > 0uL) {
            Text(stringResource(R.string.sync_protocol_errors, view.protocolErrors.toInt()), color = MaterialTheme.colorScheme.error)
        }
        Text(stringResource(R.string.sync_device, view.deviceId), style = MaterialTheme.typography.labelMedium)
    }
}

@Composable
private fun Operation(op: OperationView, action: @Composable () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Row(
            Modifier.fillMaxWidth().padding(12.dp),
            horizontalArrangement = Arrangement.SpaceBetween,
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Column(Modifier.weight(1f)) {
                Text("#${op.seq} ${op.label} · ${op.recordedAt}", fontWeight = FontWeight.SemiBold)
                Text(op.stateLabel)
                op.reason?.let { Text(it, color = MaterialTheme.colorScheme.error) }
            }
            StateText(op.state)
            action()
        }
    }
}
