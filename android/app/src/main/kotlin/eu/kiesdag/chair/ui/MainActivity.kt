package eu.kiesdag.chair.ui

import android.content.res.Configuration
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import eu.kiesdag.shared.types.Language
import java.util.Locale

class MainActivity : ComponentActivity() {
    private val model: ChairViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent {
            val view by model.view.collectAsStateWithLifecycle()
            val error by model.error.collectAsStateWithLifecycle()
            // The app's own texts follow the language the chair chose in the core.
            val language = view?.language ?: Language.DUTCH
            val base = LocalContext.current
            val localized = remember(language) {
                val configuration = Configuration(base.resources.configuration)
                configuration.setLocale(if (language == Language.ENGLISH) Locale.ENGLISH else Locale("nl"))
                base.createConfigurationContext(configuration)
            }
            CompositionLocalProvider(
                LocalContext provides localized,
                LocalConfiguration provides localized.resources.configuration,
            ) {
                ChairTheme {
                    ChairApp(view = view, error = error, send = model::send, clearError = model::clearError)
                }
            }
        }
    }
}
