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
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.Choice
import eu.kiesdag.chair.ui.NumberInput
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.StateText
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.chair.ui.orNone
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Timestamp
import eu.kiesdag.shared.types.TurnoutMoment
import eu.kiesdag.shared.types.TurnoutView

/** Page.Turnout: the count so far at a set moment (or in between), and the log. */
@Composable
fun TurnoutScreen(view: TurnoutView, send: (Event) -> Unit) {
    var count by remember { mutableStateOf<UInt?>(null) }
    var moment by remember(view.suggestedMoment) { mutableStateOf(view.suggestedMoment ?: TurnoutMoment.AdHoc) }
    var reason by remember { mutableStateOf("") }
    val lower = count != null && view.latest != null && count!! < view.latest!!
    val moments: List<TurnoutMoment> = view.moments.map { TurnoutMoment.Scheduled(Timestamp(it.atMs)) } + TurnoutMoment.AdHoc
    ScreenColumn {
        Title(stringResource(R.string.turnout_title))
        Text(stringResource(R.string.turnout_latest, orNone(view.latest)))
        Text(stringResource(R.string.turnout_expected, orNone(view.expectedVoters)))
        NumberInput(stringResource(R.string.turnout_count), count) { count = it }
        Section(stringResource(R.string.turnout_moment))
        val adHoc = stringResource(R.string.turnout_ad_hoc)
        val reported = stringResource(R.string.turnout_reported)
        Choice(moments, moment, { m ->
            when (m) {
                is TurnoutMoment.AdHoc -> adHoc
                is TurnoutMoment.Scheduled -> view.moments.firstOrNull { it.atMs == m.value.value }?.let {
                    if (it.reported) "${it.label} ✓ $reported" else it.label
                } ?: ""
            }
        }) { moment = it }
        // A lower count is a correction and needs a reason (the core says so too).
        if (lower) TextInput(stringResource(R.string.turnout_correction), reason, { reason = it }, singleLine = false, help = stringResource(R.string.free_text_no_voters))
        BigButton(stringResource(R.string.turnout_submit), enabled = count != null) {
            send(Event.ReportTurnout(count!!, moment, reason.trim().ifEmpty { null }))
            count = null
            reason = ""
        }
        if (view.log.isNotEmpty()) Section(stringResource(R.string.turnout_log))
        view.log.forEach { row ->
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
                Text("${row.at} · ${row.moment} · ${row.count}" + (row.correctionReason?.let { " ($it)" } ?: ""))
                StateText(row.state)
            }
        }
    }
}
