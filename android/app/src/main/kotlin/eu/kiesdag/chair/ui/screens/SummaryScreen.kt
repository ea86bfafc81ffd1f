package eu.kiesdag.chair.ui.screens

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.SecondaryButton
import eu.kiesdag.chair.ui.StateText
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.DaySummaryView
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Screen
import eu.kiesdag.shared.types.SummaryReportView

/**
 * Page.Summary: every report of today and whether the municipality has it, as a plain
 * list. The paper fallback when a device fails: the chair photographs this screen (the
 * web app prints it; the phone app does not print).
 */
@Composable
fun SummaryScreen(view: DaySummaryView, send: (Event) -> Unit) {
    ScreenColumn {
        Title(view.title)
        Text(view.station, fontWeight = FontWeight.SemiBold)
        Text(view.election)
        Text(view.printedAt)
        if (view.reports.isEmpty()) Text(stringResource(R.string.summary_none))
        view.reports.forEach { SummaryReport(it) }
        Text(
            view.note,
            color = if (view.notReceived > 0u) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface,
        )
        Text(stringResource(R.string.sync_device, view.deviceId), style = MaterialTheme.typography.labelMedium)
        SecondaryButton(stringResource(R.string.summary_back)) { send(Event.Navigate(Screen.DAY)) }
    }
}

@Composable
private fun SummaryReport(report: SummaryReportView) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.fillMaxWidth().padding(12.dp)) {
            Text("#${report.seq} ${report.at} ${report.label}", fontWeight = FontWeight.SemiBold)
            report.figures.forEach { figure -> Text("${figure.label}: ${figure.value}") }
            StateText(report.state)
        }
    }
}
