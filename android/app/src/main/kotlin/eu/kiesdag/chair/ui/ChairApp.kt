// The app's frame around every screen: station and clock, connection and sync state,
// the core's notice and issues, the confirmation of warnings, and the navigation the
// core allows. Which screen shows is the core's Page, never a decision of the shell.
package eu.kiesdag.chair.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Badge
import androidx.compose.material3.BadgedBox
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.ScrollableTabRow
import androidx.compose.material3.Surface
import androidx.compose.material3.Tab
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import eu.kiesdag.chair.R
import eu.kiesdag.chair.core.ShellError
import eu.kiesdag.chair.ui.screens.ActivationScreen
import eu.kiesdag.chair.ui.screens.BallotStockScreen
import eu.kiesdag.chair.ui.screens.ClosingScreen
import eu.kiesdag.chair.ui.screens.DayScreen
import eu.kiesdag.chair.ui.screens.IncidentsScreen
import eu.kiesdag.chair.ui.screens.OpeningScreen
import eu.kiesdag.chair.ui.screens.ResultScreen
import eu.kiesdag.chair.ui.screens.StaffScreen
import eu.kiesdag.chair.ui.screens.SummaryScreen
import eu.kiesdag.chair.ui.screens.SyncScreen
import eu.kiesdag.chair.ui.screens.TurnoutScreen
import eu.kiesdag.shared.types.ConnectionState
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Language
import eu.kiesdag.shared.types.Page
import eu.kiesdag.shared.types.ViewModel

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun ChairApp(view: ViewModel?, error: ShellError?, send: (Event) -> Unit, clearError: () -> Unit) {
    if (view == null || view.loading) {
        Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
            Column(horizontalAlignment = Alignment.CenterHorizontally) {
                CircularProgressIndicator()
                Text(stringResource(R.string.loading), fontSize = 20.sp)
            }
        }
        return
    }
    Scaffold(
        topBar = {
            TopAppBar(
                title = {
                    Column {
                        Text(view.station?.stationName ?: stringResource(R.string.app_name), fontWeight = FontWeight.Bold)
                        Text(view.clock, style = MaterialTheme.typography.bodyMedium)
                        // The control room's number, on every screen, for when the app is not enough.
                        view.controlRoomPhone?.let {
                            Text(stringResource(R.string.control_room_phone, it), style = MaterialTheme.typography.bodyMedium)
                        }
                    }
                },
                actions = {
                    TextButton(
                        onClick = {
                            send(Event.SetLanguage(if (view.language == Language.DUTCH) Language.ENGLISH else Language.DUTCH))
                        },
                        modifier = Modifier.heightIn(min = 56.dp),
                    ) { Text(stringResource(R.string.language_switch)) }
                },
            )
        },
    ) { padding ->
        Column(Modifier.padding(padding).fillMaxSize()) {
            StatusBar(view, send)
            if (view.busy) LinearProgressIndicator(Modifier.fillMaxWidth())
            error?.let { Banner(stringResource(R.string.core_error, it.message), true, clearError) }
            view.notice?.let { Banner(it.text, it.isError) { send(Event.DismissNotice) } }
            // The device's clock is off: shown until it is set right, not dismissable.
            view.clockWarning?.let { Banner(it, true, null) }
            if (view.issues.isNotEmpty()) Column(Modifier.padding(horizontal = 16.dp)) { Issues(view.issues) }
            Navigation(view, send)
            Box(Modifier.weight(1f)) {
                when (val page = view.page) {
                    is Page.Activation -> ActivationScreen(page.value, view.station, send)
                    is Page.Opening -> OpeningScreen(page.value, send)
                    is Page.Day -> DayScreen(page.value, send)
                    is Page.Turnout -> TurnoutScreen(page.value, send)
                    is Page.BallotStock -> BallotStockScreen(page.value, send)
                    is Page.Staff -> StaffScreen(page.value, send)
                    is Page.Incidents -> IncidentsScreen(page.value, send)
                    is Page.Result -> ResultScreen(page.value, send)
                    is Page.Closing -> ClosingScreen(page.value, send)
                    is Page.Sync -> SyncScreen(page.value, send)
                    is Page.Summary -> SummaryScreen(page.value, send)
                }
            }
        }
    }
    view.confirmation?.let { confirmation ->
        AlertDialog(
            onDismissRequest = { send(Event.CancelConfirmation) },
            title = { Text(confirmation.title) },
            text = { Column(verticalArrangement = Arrangement.spacedBy(8.dp)) { Issues(confirmation.warnings) } },
            confirmButton = {
                TextButton(onClick = { send(Event.ConfirmWarnings) }, modifier = Modifier.heightIn(min = 56.dp)) {
                    Text(stringResource(R.string.confirm), fontSize = 18.sp)
                }
            },
            dismissButton = {
                TextButton(onClick = { send(Event.CancelConfirmation) }, modifier = Modifier.heightIn(min = 56.dp)) {
                    Text(stringResource(R.string.cancel), fontSize = 18.sp)
                }
            },
        )
    }
}

/**
 * Connection and what is still to be received. The core's label says what is wrong (no
 * network, a server that does not answer, cannot store, or is busy) and that reports are
 * kept; tap to try a connection now when offline or when the server does not answer (a
 * busy server is left to the core's slower pace).
 */
@Composable
private fun StatusBar(view: ViewModel, send: (Event) -> Unit) {
    val color = when (view.connection.state) {
        ConnectionState.ONLINE -> Color(0xFF1B5E20)
        ConnectionState.CONNECTING -> Color(0xFF8A5A00)
        ConnectionState.SERVERBUSY -> Color(0xFF8A5A00)
        ConnectionState.OFFLINE -> Color(0xFFB00020)
        ConnectionState.SERVERNOTANSWERING -> Color(0xFFB00020)
        ConnectionState.SERVERCANNOTSTORE -> Color(0xFFB00020)
    }
    val canReconnect = when (view.connection.state) {
        ConnectionState.OFFLINE, ConnectionState.SERVERNOTANSWERING, ConnectionState.SERVERCANNOTSTORE -> true
        ConnectionState.ONLINE, ConnectionState.CONNECTING, ConnectionState.SERVERBUSY -> false
    }
    Surface(color = color.copy(alpha = 0.12f)) {
        Row(
            modifier = Modifier
                .fillMaxWidth()
                .heightIn(min = 56.dp)
                .clickable(enabled = canReconnect) { send(Event.ReconnectNow) }
                .padding(horizontal = 16.dp, vertical = 8.dp),
            horizontalArrangement = Arrangement.SpaceBetween,
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Column(Modifier.weight(1f)) {
                Text(view.connection.label, color = color, fontWeight = FontWeight.Bold)
                view.connection.retryInSeconds?.let { Text(stringResource(R.string.retry_in, it.toInt())) }
            }
            Text(view.sync.label, style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
private fun Banner(text: String, isError: Boolean, onDismiss: (() -> Unit)?) {
    Surface(color = if (isError) Color(0xFFFDECEA) else Color(0xFFE3F2FD)) {
        Row(
            modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 4.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Text(
                text,
                modifier = Modifier.weight(1f),
                color = if (isError) MaterialTheme.colorScheme.error else Color.Unspecified,
                style = MaterialTheme.typography.bodyLarge,
            )
            if (onDismiss != null) {
                TextButton(onClick = onDismiss, modifier = Modifier.heightIn(min = 56.dp)) {
                    Text(stringResource(R.string.dismiss))
                }
            }
        }
    }
}

/** The core's navigation: its items, which it enables, and their badges. */
@Composable
private fun Navigation(view: ViewModel, send: (Event) -> Unit) {
    val selected = view.navigation.indexOfFirst { it.screen == view.screen }.coerceAtLeast(0)
    ScrollableTabRow(selectedTabIndex = selected, edgePadding = 8.dp) {
        view.navigation.forEach { item ->
            Tab(
                selected = item.screen == view.screen,
                enabled = item.enabled,
                onClick = { send(Event.Navigate(item.screen)) },
                modifier = Modifier.heightIn(min = 56.dp),
                text = {
                    BadgedBox(badge = { if (item.badge > 0u) Badge { Text(item.badge.toString()) } }) {
                        Text(item.label, fontSize = 16.sp)
                    }
                },
            )
        }
    }
}
