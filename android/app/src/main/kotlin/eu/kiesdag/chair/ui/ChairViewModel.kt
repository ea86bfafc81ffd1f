// The Android side of the Core: plugs the app's files folder, OkHttp, JDK timers and
// the clock into the plain-Kotlin Core, and exposes its view model as a StateFlow.
package eu.kiesdag.chair.ui

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import eu.kiesdag.chair.core.Core
import eu.kiesdag.chair.core.ExecutorTimers
import eu.kiesdag.chair.core.FileKeyValueStore
import eu.kiesdag.chair.core.ShellError
import eu.kiesdag.chair.core.SystemWallClock
import eu.kiesdag.chair.net.OkHttpWebSocketTransport
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.ViewModel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import java.io.File

class ChairViewModel(application: Application) : AndroidViewModel(application) {
    private val _view = MutableStateFlow<ViewModel?>(null)
    val view: StateFlow<ViewModel?> = _view

    private val _error = MutableStateFlow<ShellError?>(null)
    /** The last error between shell and core, for a banner; the app goes on. */
    val error: StateFlow<ShellError?> = _error

    private val timers = ExecutorTimers()
    private val core = Core(
        store = FileKeyValueStore(File(application.filesDir, "kiesdag")),
        sockets = OkHttpWebSocketTransport(),
        timers = timers,
        clock = SystemWallClock,
        renderer = { _view.value = it },
        errors = { _error.value = it },
    )

    init {
        core.start()
    }

    fun send(event: Event) = core.send(event)

    fun clearError() {
        _error.value = null
    }

    override fun onCleared() {
        core.close()
        timers.close()
    }
}
