// Building blocks for the screens: large touch targets (at least 56 dp high, most
// 64 dp), large text, numbers typed on the number pad.
package eu.kiesdag.chair.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.Checkbox
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import eu.kiesdag.chair.R
import eu.kiesdag.shared.types.IssueSeverity
import eu.kiesdag.shared.types.IssueView
import eu.kiesdag.shared.types.OperationState
import eu.kiesdag.shared.types.StaffRole

@Composable
fun ChairTheme(content: @Composable () -> Unit) {
    MaterialTheme(
        colorScheme = lightColorScheme(primary = Color(0xFF0B4F8A), error = Color(0xFFB00020)),
        content = content,
    )
}

/** A screen's scrolling column. */
@Composable
fun ScreenColumn(content: @Composable ColumnScope.() -> Unit) {
    Column(
        modifier = Modifier
            .fillMaxWidth()
            .verticalScroll(rememberScrollState())
            .padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
        content = content,
    )
}

@Composable
fun Title(text: String) {
    Text(text, style = MaterialTheme.typography.headlineSmall, fontWeight = FontWeight.Bold)
}

@Composable
fun Section(text: String) {
    Text(text, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
}

@Composable
fun BigButton(text: String, enabled: Boolean = true, onClick: () -> Unit) {
    Button(
        onClick = onClick,
        enabled = enabled,
        modifier = Modifier.fillMaxWidth().heightIn(min = 64.dp),
    ) {
        Text(text, fontSize = 20.sp)
    }
}

@Composable
fun SecondaryButton(text: String, enabled: Boolean = true, onClick: () -> Unit) {
    OutlinedButton(onClick = onClick, enabled = enabled, modifier = Modifier.heightIn(min = 56.dp)) {
        Text(text, fontSize = 18.sp)
    }
}

@Composable
fun TextInput(label: String, value: String, onValue: (String) -> Unit, singleLine: Boolean = true, help: String? = null) {
    OutlinedTextField(
        value = value,
        onValueChange = onValue,
        label = { Text(label) },
        supportingText = help?.let { text -> { Text(text) } },
        singleLine = singleLine,
        textStyle = MaterialTheme.typography.titleLarge,
        modifier = Modifier.fillMaxWidth().heightIn(min = 64.dp),
    )
}

/**
 * A whole number typed on the number pad; `value` is null while empty. `help`, when
 * given, is a line under the field (where the figure comes from).
 */
@Composable
fun NumberInput(label: String, value: UInt?, help: String? = null, onValue: (UInt?) -> Unit) {
    OutlinedTextField(
        value = value?.toString() ?: "",
        onValueChange = { text -> onValue(text.filter(Char::isDigit).take(9).toUIntOrNull()) },
        label = { Text(label) },
        supportingText = help?.let { text -> { Text(text) } },
        singleLine = true,
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
        textStyle = MaterialTheme.typography.headlineSmall,
        modifier = Modifier.fillMaxWidth().heightIn(min = 64.dp),
    )
}

/** A row that is one big touch target with a check box. */
@Composable
fun CheckRow(text: String, checked: Boolean, onToggle: () -> Unit) {
    Card(onClick = onToggle, modifier = Modifier.fillMaxWidth().heightIn(min = 64.dp)) {
        Row(modifier = Modifier.padding(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Checkbox(checked = checked, onCheckedChange = { onToggle() })
            Text(text, style = MaterialTheme.typography.titleMedium)
        }
    }
}

/** Choose one of `options` with large chips. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun <T> Choice(options: List<T>, selected: T?, label: @Composable (T) -> String, onSelect: (T) -> Unit) {
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        for (option in options) {
            FilterChip(
                selected = option == selected,
                onClick = { onSelect(option) },
                label = { Text(label(option), fontSize = 18.sp) },
                modifier = Modifier.heightIn(min = 56.dp),
            )
        }
    }
}

@Composable
fun roleLabel(role: StaffRole): String = stringResource(
    when (role) {
        StaffRole.CHAIR -> R.string.role_chair
        StaffRole.MEMBER -> R.string.role_member
        StaffRole.SECRETARY -> R.string.role_secretary
        StaffRole.COUNTER -> R.string.role_counter
        StaffRole.SUBSTITUTE -> R.string.role_substitute
    },
)

@Composable
fun stateLabel(state: OperationState): String = stringResource(
    when (state) {
        OperationState.SAVING -> R.string.state_saving
        OperationState.PENDING -> R.string.state_pending
        OperationState.SENT -> R.string.state_sent
        OperationState.CONFIRMED -> R.string.state_confirmed
        OperationState.REJECTED -> R.string.state_rejected
    },
)

@Composable
fun StateText(state: OperationState) {
    val color = when (state) {
        OperationState.CONFIRMED -> Color(0xFF1B5E20)
        OperationState.REJECTED -> MaterialTheme.colorScheme.error
        else -> Color(0xFF8A5A00)
    }
    Text(stateLabel(state), color = color, fontWeight = FontWeight.SemiBold)
}

/** The issues the core found, errors in red and warnings in amber. */
@Composable
fun Issues(issues: List<IssueView>) {
    for (issue in issues) {
        val error = issue.severity == IssueSeverity.ERROR
        Card(
            colors = CardDefaults.cardColors(containerColor = if (error) Color(0xFFFDECEA) else Color(0xFFFFF4E0)),
            modifier = Modifier.fillMaxWidth(),
        ) {
            Text(
                issue.message,
                modifier = Modifier.padding(12.dp),
                color = if (error) MaterialTheme.colorScheme.error else Color(0xFF8A5A00),
                style = MaterialTheme.typography.bodyLarge,
            )
        }
    }
}

@Composable
fun InfoRow(label: String, value: String) {
    Row(modifier = Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.SpaceBetween) {
        Text(label, style = MaterialTheme.typography.bodyLarge)
        Text(value, style = MaterialTheme.typography.bodyLarge, fontWeight = FontWeight.SemiBold)
    }
}

@Composable
fun orNone(value: Any?): String = value?.toString() ?: stringResource(R.string.none)
