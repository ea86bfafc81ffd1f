package eu.kiesdag.chair.ui.screens

import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.CheckRow
import eu.kiesdag.chair.ui.NumberInput
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.ClosingView
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Screen

/** Page.Closing: the closing checklist, then close the station with the voters still in the queue. */
@Composable
fun ClosingScreen(view: ClosingView, send: (Event) -> Unit) {
    var queue by remember { mutableStateOf<UInt?>(0u) }
    ScreenColumn {
        Title(stringResource(R.string.closing_title))
        Text(stringResource(R.string.closing_closes_at, view.closesAt))
        when {
            view.closed -> {
                Text(stringResource(R.string.closing_closed))
                BigButton(stringResource(R.string.go_to_result)) { send(Event.Navigate(Screen.RESULT)) }
            }
            view.isOpen -> {
                Section(stringResource(R.string.closing_checklist, view.checklistDone.toInt(), view.checklistTotal.toInt()))
                view.checklist.forEach { item ->
                    CheckRow(item.label, item.done) { send(Event.ToggleClosingItem(item.id)) }
                }
                NumberInput(stringResource(R.string.closing_queue), queue) { queue = it }
                BigButton(stringResource(R.string.closing_submit), enabled = view.canClose && queue != null) {
                    send(Event.CloseStation(queue!!))
                }
            }
            else -> Text(stringResource(R.string.closing_not_open))
        }
    }
}
