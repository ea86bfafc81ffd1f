package eu.kiesdag.chair.ui.screens

import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.ActivationView
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.Screen
import eu.kiesdag.shared.types.StationHeader

/** Page.Activation: the server's address and the municipality's code. */
@Composable
fun ActivationScreen(view: ActivationView, station: StationHeader?, send: (Event) -> Unit) {
    var server by rememberSaveable { mutableStateOf(view.serverUrl.ifEmpty { "wss://" }) }
    var code by rememberSaveable { mutableStateOf("") }
    ScreenColumn {
        Title(stringResource(R.string.activation_title))
        if (view.activated) {
            Text(stringResource(R.string.activation_done))
            station?.let { Text("${it.stationName} (${it.stationNumber}) — ${it.location}\n${it.electionName}") }
            BigButton(stringResource(R.string.go_to_overview)) { send(Event.Navigate(Screen.DAY)) }
        }
        TextInput(stringResource(R.string.activation_server), server, { server = it.trim() })
        TextInput(stringResource(R.string.activation_code), code, { code = it.uppercase() })
        if (view.inProgress) Text(stringResource(R.string.activation_in_progress))
        BigButton(stringResource(R.string.activation_submit), enabled = !view.inProgress && code.isNotBlank()) {
            send(Event.Activate(server, code))
        }
    }
}
