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
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.Choice
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.SecondaryButton
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.StateText
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.IncidentCategory
import eu.kiesdag.shared.types.IncidentSeverity
import eu.kiesdag.shared.types.IncidentView
import eu.kiesdag.shared.types.IncidentsView

/** Page.Incidents: report an incident, follow its thread with the control room. */
@Composable
fun IncidentsScreen(view: IncidentsView, send: (Event) -> Unit) {
    var category by remember { mutableStateOf(IncidentCategory.OTHER) }
    var severity by remember { mutableStateOf(IncidentSeverity.MEDIUM) }
    var text by remember { mutableStateOf("") }
    ScreenColumn {
        Title(stringResource(R.string.incidents_title))
        Section(stringResource(R.string.incident_new))
        Text(stringResource(R.string.incident_category))
        Choice(IncidentCategory.entries, category, { categoryLabel(it) }) { category = it }
        Text(stringResource(R.string.incident_severity))
        Choice(IncidentSeverity.entries, severity, { severityLabel(it) }) { severity = it }
        TextInput(stringResource(R.string.incident_text), text, { text = it }, singleLine = false, help = stringResource(R.string.free_text_no_voters))
        BigButton(stringResource(R.string.incident_submit), enabled = text.isNotBlank()) {
            send(Event.ReportIncident(category, severity, text.trim()))
            text = ""
        }
        view.incidents.forEach { Incident(it, send) }
        Messages(view.messages)
    }
}

@Composable
private fun Incident(incident: IncidentView, send: (Event) -> Unit) {
    var reply by remember(incident.incidentId) { mutableStateOf("") }
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
                Text("${categoryLabel(incident.category)} · ${severityLabel(incident.severity)}", fontWeight = FontWeight.Bold)
                StateText(incident.state)
            }
            Text("${incident.reportedAt} · ${incident.statusLabel}", style = MaterialTheme.typography.labelLarge)
            Text(incident.text, style = MaterialTheme.typography.bodyLarge)
            incident.messages.forEach { message ->
                Text("${message.at} ${message.from}: ${message.text}", fontWeight = if (message.fromStation) FontWeight.Normal else FontWeight.SemiBold)
                message.state?.let { StateText(it) }
            }
            TextInput(stringResource(R.string.incident_reply), reply, { reply = it }, singleLine = false, help = stringResource(R.string.free_text_no_voters))
            SecondaryButton(stringResource(R.string.incident_send), enabled = reply.isNotBlank()) {
                send(Event.SendIncidentMessage(incident.incidentId, reply.trim()))
                reply = ""
            }
        }
    }
}

@Composable
private fun categoryLabel(category: IncidentCategory): String = stringResource(
    when (category) {
        IncidentCategory.STAFFING -> R.string.category_staffing
        IncidentCategory.BALLOTPAPERS -> R.string.category_ballots
        IncidentCategory.EQUIPMENT -> R.string.category_equipment
        IncidentCategory.ACCESSIBILITY -> R.string.category_accessibility
        IncidentCategory.VOTERDISPUTE -> R.string.category_dispute
        IncidentCategory.SAFETY -> R.string.category_safety
        IncidentCategory.OTHER -> R.string.category_other
    },
)

@Composable
private fun severityLabel(severity: IncidentSeverity): String = stringResource(
    when (severity) {
        IncidentSeverity.LOW -> R.string.severity_low
        IncidentSeverity.MEDIUM -> R.string.severity_medium
        IncidentSeverity.HIGH -> R.string.severity_high
        IncidentSeverity.CRITICAL -> R.string.severity_critical
    },
)
